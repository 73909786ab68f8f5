"""Health endpoints for load balancers and monitoring.

``/healthz``        200 when the database answers and every migration is applied, else 503.
                    The queue backlog is reported too (``status: degraded`` when it is too old) but
                    does not fail the check: a slow queue is no reason to take a web host out.
``/healthz/queue``  503 also when the oldest waiting background task is older than
                    ``HEALTH_QUEUE_MAX_AGE`` seconds (workers stopped or overloaded), or when a job
                    lost its worker and no live worker took it back within two leases — for monitoring.

``HealthCheckMiddleware`` sits first in MIDDLEWARE and answers these two paths before the host
check and the HTTPS redirect, so a balancer may probe a host by its address over plain HTTP.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache

_MIGRATIONS_TTL = 30.0
_migrations_cache: dict[str, tuple[float, int]] = {}


def check_database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        connection.close_if_unusable_or_obsolete()
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def pending_migrations() -> int:
    """Number of migrations on disk not yet applied to the database (cached for a few seconds)."""
    from django.db.migrations.executor import MigrationExecutor

    cached = _migrations_cache.get(connection.alias)
    now = time.monotonic()
    if cached and now - cached[0] < _MIGRATIONS_TTL:
        return cached[1]
    executor = MigrationExecutor(connection)
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _migrations_cache[connection.alias] = (now, pending)
    return pending


def check_migrations() -> dict:
    try:
        pending = pending_migrations()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": pending == 0, "pending": pending}


def _age(moment, now) -> float | None:
    return None if moment is None else round(max(0.0, (now - moment).total_seconds()), 1)


def check_queue() -> dict:
    """Backlog of the django-tasks database queue: waiting tasks and the age of the oldest one."""
    from django.db.models import Count, Min, Q
    from django_tasks_db.models import DBTaskResult

    from jobs.models import Job

    max_age = getattr(settings, "HEALTH_QUEUE_MAX_AGE", 900)
    now = timezone.now()
    try:
        ready = DBTaskResult.objects.ready()
        waiting = ready.aggregate(n=Count("pk"), oldest=Min("enqueued_at"))
        running = DBTaskResult.objects.filter(Q(status="RUNNING")).aggregate(n=Count("pk"), oldest=Min("started_at"))
        # the reaper of any live worker takes such a job back within a lease; two leases late means none is alive
        lost = (
            Job.objects.filter(
                status=Job.Status.RUNNING,
                heartbeat_at__lt=now - timezone.timedelta(seconds=2 * settings.JOB_LEASE_SECONDS),
            )
            .exclude(worker_id="")
            .count()
        )
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    oldest_waiting = _age(waiting["oldest"], now)
    return {
        "ok": (oldest_waiting is None or oldest_waiting <= max_age) and not lost,
        "lost_jobs": lost,
        "waiting": waiting["n"],
        "oldest_waiting_age_seconds": oldest_waiting,
        "running": running["n"],
        "oldest_running_age_seconds": _age(running["oldest"], now),
        "max_age_seconds": max_age,
    }


def report(*, queue_is_fatal: bool) -> tuple[int, dict]:
    checks = {"database": check_database()}
    if checks["database"]["ok"]:
        checks["migrations"] = check_migrations()
        checks["queue"] = check_queue()
    else:
        checks["migrations"] = {"ok": False, "error": "database unavailable"}
        checks["queue"] = {"ok": False, "error": "database unavailable"}
    fatal = [checks["database"], checks["migrations"]]
    if queue_is_fatal:
        fatal.append(checks["queue"])
    if not all(check["ok"] for check in fatal):
        status, code = "fail", 503
    elif not all(check["ok"] for check in checks.values()):
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return code, {"status": status, "time": timezone.now().isoformat(), "checks": checks}


def _respond(queue_is_fatal: bool) -> JsonResponse:
    code, body = report(queue_is_fatal=queue_is_fatal)
    response = JsonResponse(body, status=code, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def healthz(request):
    return _respond(queue_is_fatal=False)


@never_cache
def healthz_queue(request):
    return _respond(queue_is_fatal=True)


_PATHS = {"/healthz": healthz, "/healthz/": healthz, "/healthz/queue": healthz_queue}


class HealthCheckMiddleware:
    """Answer the health paths first: no host validation, no HTTPS redirect, no session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = _PATHS.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/queue", healthz_queue, name="healthz-queue"),
]
