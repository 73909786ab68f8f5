"""/healthz and /healthz/queue: database, migrations and queue backlog."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from noko import health


@pytest.fixture(autouse=True)
def _fresh_migration_cache():
    health._migrations_cache.clear()
    yield
    health._migrations_cache.clear()


def _waiting_task(age_seconds: float) -> DBTaskResult:
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [0], "kwargs": {}},
        task_path="jobs.tasks.run_job",
        backend_name="default",
        run_after=timezone.now() - timedelta(seconds=age_seconds),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - timedelta(seconds=age_seconds))
    return task


def test_healthz_is_ok_on_a_migrated_database(db):
    DBTaskResult.objects.all().delete()
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"] == {"ok": True, "pending": 0}
    assert body["checks"]["queue"]["waiting"] == 0
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]


@override_settings(ALLOWED_HOSTS=["noko.example.ru"], SECURE_SSL_REDIRECT=True)
def test_balancer_may_probe_by_address_over_plain_http(db):
    client = Client()
    assert client.get("/healthz", HTTP_HOST="10.0.0.7").status_code == 200
    # the rest of the site still refuses unknown hosts and redirects to HTTPS
    assert client.get("/accounts/login/", HTTP_HOST="10.0.0.7").status_code == 400
    assert client.get("/accounts/login/", HTTP_HOST="noko.example.ru").status_code == 301


@override_settings(HEALTH_QUEUE_MAX_AGE=600)
def test_old_waiting_task_degrades_healthz_and_fails_the_queue_check(db):
    DBTaskResult.objects.all().delete()
    _waiting_task(30)
    _waiting_task(3600)
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    queue = body["checks"]["queue"]
    assert queue["waiting"] == 2
    assert 3590 <= queue["oldest_waiting_age_seconds"] <= 3700
    assert queue["ok"] is False

    strict = Client().get("/healthz/queue")
    assert strict.status_code == 503
    assert strict.json()["status"] == "fail"


@override_settings(HEALTH_QUEUE_MAX_AGE=600)
def test_fresh_backlog_is_healthy(db):
    DBTaskResult.objects.all().delete()
    for _ in range(3):
        _waiting_task(5)
    response = Client().get("/healthz/queue")
    assert response.status_code == 200
    assert response.json()["checks"]["queue"]["waiting"] == 3


@override_settings(JOB_LEASE_SECONDS=60)
def test_a_job_no_live_worker_took_back_fails_the_queue_check(db):
    from jobs.models import Job

    DBTaskResult.objects.all().delete()
    now = timezone.now()
    Job.objects.create(
        kind="noko.queue_probe",
        title="a",
        status=Job.Status.RUNNING,
        worker_id="h-1",
        heartbeat_at=now - timedelta(seconds=90),
    )  # late, but a live reaper is still due
    Job.objects.create(
        kind="noko.queue_probe",
        title="b",
        status=Job.Status.RUNNING,
        worker_id="",
        heartbeat_at=now - timedelta(seconds=900),
    )  # run by a plain db_worker: holds no lease
    assert Client().get("/healthz/queue").json()["checks"]["queue"]["lost_jobs"] == 0
    Job.objects.create(kind="noko.queue_probe", title="c", status=Job.Status.RUNNING, worker_id="h-2",
                       heartbeat_at=now - timedelta(seconds=121))  # fmt: skip
    response = Client().get("/healthz/queue")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"]["lost_jobs"] == 1
    assert Client().get("/healthz").status_code == 200  # web hosts stay in the pool


def test_pending_migrations_fail_healthz(db):
    with mock.patch.object(health, "pending_migrations", return_value=2):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "pending": 2}


def test_unreachable_database_fails_healthz(db):
    from django.db import OperationalError

    with mock.patch.object(health.connection, "cursor", side_effect=OperationalError("connection refused")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["status"] == "fail"


def test_pending_migrations_reads_the_real_plan(db):
    assert health.pending_migrations() == 0
