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
