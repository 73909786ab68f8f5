"""Background jobs: one seam, run once, failures recorded for the person who started them."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from jobs import services
from jobs.models import Job


@services.job_function("tests.count_organizations")
def _count_organizations(job, territory_id):
    from registry.models import Organization

    orgs = list(Organization.objects.filter(territory_id=territory_id))
    services.set_total(job, len(orgs))
    for _org in orgs:
        services.advance(job)
    return {"organizations": len(orgs)}


@services.job_function("tests.fails")
def _fails(job):
    raise ValueError("файл повреждён: строка 7")


def test_enqueued_job_runs_and_records_progress_and_result(municipal_official, municipality):
    job = services.enqueue("tests.count_organizations", "Подсчёт", municipal_official, territory_id=municipality.pk)
    job.refresh_from_db()
    expected = municipality.organizations.count()
    assert job.status == Job.Status.DONE
    assert job.result == {"organizations": expected}
    assert (job.progress_done, job.progress_total) == (expected, expected)
    assert job.percent == 100


def test_failure_is_recorded_with_its_message(operator_user):
    job = services.enqueue("tests.fails", "Сломанный импорт", operator_user)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "строка 7" in job.error
    assert job.finished_at is not None


def test_a_job_delivered_twice_runs_once(operator_user, municipality):
    job = services.enqueue("tests.count_organizations", "Подсчёт", operator_user, territory_id=municipality.pk)
    job.refresh_from_db()
    first_finish = job.finished_at
    services.execute(job.pk)
    job.refresh_from_db()
    assert job.finished_at == first_finish
    assert job.progress_done == municipality.organizations.count()


def test_unknown_kind_is_refused():
    with pytest.raises(KeyError):
        services.enqueue("tests.no_such_job", "?")


def test_job_page_is_visible_only_to_its_author(client_for, operator_user, municipal_official, municipality):
    job = services.enqueue("tests.count_organizations", "Подсчёт", operator_user, territory_id=municipality.pk)
    assert client_for(operator_user).get(f"/jobs/{job.pk}/").status_code == 200
    assert client_for(municipal_official).get(f"/jobs/{job.pk}/").status_code == 404


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}})
def test_database_queue_is_drained_by_the_worker(transactional_db):
    """The real path: the job is queued in the database on commit and run by ``db_worker``.

    Transactional, because the worker closes its database connection after each task.
    """
    job = services.enqueue("tests.points_somewhere", "Пересчёт")
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert job.task_id
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result == {"url": "/registry/"}


@services.job_function("tests.writes_file")
def _writes_file(job):
    from django.core.files.base import ContentFile

    job.file.save("итоги.csv", ContentFile("ИНН;балл\n2500000001;87,5\n".encode()), save=True)
    return {"rows": 1}


def test_result_file_is_served_only_to_who_may_see_the_job(
    client_for, operator_user, municipal_official, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    job = services.enqueue("tests.writes_file", "Выгрузка", operator_user)
    response = client_for(operator_user).get(f"/jobs/{job.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "ИНН;балл\n2500000001;87,5\n"
    assert "attachment" in response["Content-Disposition"]
    assert client_for(municipal_official).get(f"/jobs/{job.pk}/file/").status_code == 404


@services.job_function("tests.points_somewhere")
def _points_somewhere(job):
    return {"url": "/registry/"}


def test_finished_job_links_to_what_it_made(client_for, operator_user):
    job = services.enqueue("tests.points_somewhere", "Пересчёт", operator_user)
    page = client_for(operator_user).get(f"/jobs/{job.pk}/").content.decode()
    assert 'href="/registry/"' in page
    assert "Открыть результат" in page


def _lost(job: Job, *, attempts: int, seconds_ago: float, worker_id: str = "host-a-1") -> Job:
    """Make ``job`` look like it was running on a worker that stopped renewing its lease."""
    from django.utils import timezone

    stamp = timezone.now() - timezone.timedelta(seconds=seconds_ago)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, attempts=attempts, worker_id=worker_id, heartbeat_at=stamp, progress_done=7
    )
    job.refresh_from_db()
    return job


@override_settings(JOB_LEASE_SECONDS=30, JOB_MAX_ATTEMPTS=3)
def test_a_job_whose_worker_was_lost_runs_again_with_progress_from_zero(
    operator_user, municipality, django_capture_on_commit_callbacks
):
    job = services.enqueue("tests.count_organizations", "Подсчёт", operator_user, territory_id=municipality.pk)
    job = _lost(job, attempts=1, seconds_ago=31)
    with django_capture_on_commit_callbacks(execute=True):
        requeued = services.reap_stale_jobs()
    assert requeued == [job.pk]
    job.refresh_from_db()
    count = municipality.organizations.count()
    assert (job.status, job.attempts, job.progress_done, job.progress_total) == (Job.Status.DONE, 2, count, count)
    assert job.worker_id == "" and job.result == {"organizations": count}


@override_settings(JOB_LEASE_SECONDS=30, JOB_MAX_ATTEMPTS=3)
def test_a_renewed_lease_or_a_job_without_lease_is_left_alone(operator_user, municipality):
    fresh = services.enqueue("tests.count_organizations", "Подсчёт", operator_user, territory_id=municipality.pk)
    fresh = _lost(fresh, attempts=1, seconds_ago=29)
    unleased = services.enqueue("tests.count_organizations", "Подсчёт", operator_user, territory_id=municipality.pk)
    unleased = _lost(unleased, attempts=1, seconds_ago=3600, worker_id="")  # run by a plain db_worker
    old = _lost(
        services.enqueue("tests.count_organizations", "Подсчёт", operator_user, territory_id=municipality.pk),
        attempts=1,
        seconds_ago=300,
    )
    assert services.heartbeat("host-a-1") == 2  # renews its own two leases, and only those
    assert services.reap_stale_jobs() == []
    assert set(Job.objects.filter(status=Job.Status.RUNNING).values_list("pk", flat=True)) == {
        fresh.pk,
        unleased.pk,
        old.pk,
    }


@override_settings(JOB_LEASE_SECONDS=30, JOB_MAX_ATTEMPTS=2)
def test_a_job_that_lost_its_worker_too_often_fails_with_a_reason(operator_user, municipality):
    job = services.enqueue("tests.count_organizations", "Подсчёт", operator_user, territory_id=municipality.pk)
    job = _lost(job, attempts=2, seconds_ago=60)
    assert services.reap_stale_jobs() == []
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "перестал отвечать" in job.error and "2" in job.error
    assert job.finished_at is not None


@services.job_function("tests.taken_over")
def _taken_over(job):
    # while this run works, the reaper gives the job to another worker, which claims it (attempt 2)
    Job.objects.filter(pk=job.pk).update(attempts=job.attempts + 1, worker_id="host-b-1")
    return {"by": "the first run"}


def test_a_run_whose_job_was_taken_over_writes_nothing(operator_user):
    job = services.enqueue("tests.taken_over", "Перехват", operator_user)
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.result == {}  # the second run owns the outcome
    assert (job.attempts, job.worker_id) == (2, "host-b-1")
