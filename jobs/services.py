"""The one seam for background work.

A job function is an ordinary function ``fn(job, **params)`` registered with
``@job_function("kind")``. ``enqueue(kind, title, user, **params)`` creates a
``Job`` row and hands its id to django-tasks; the worker (``manage.py db_worker``)
or, in tests and the demo, the immediate backend runs ``run_job(job_id)``.
Parameters are JSON only (ids, not objects).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.models import Job

log = logging.getLogger(__name__)

_REGISTRY: dict[str, Callable[..., Any]] = {}


def job_function(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[kind] = fn
        return fn

    return register


def enqueue(kind: str, title: str, user=None, **params: Any) -> Job:
    if kind not in _REGISTRY:
        raise KeyError(f"unknown job kind {kind!r}")
    job = Job.objects.create(
        kind=kind, title=title, created_by=user if getattr(user, "pk", None) else None, params=params
    )
    from jobs.tasks import run_job

    def _send() -> None:
        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])

    if _runs_inline():
        _send()
    else:
        transaction.on_commit(_send)
    return job


def _runs_inline() -> bool:
    from django_tasks import task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    return isinstance(task_backends["default"], ImmediateBackend)


# The id of the worker process running jobs here (set by ``manage.py worker``); empty elsewhere.
# Only jobs run under a worker id hold a lease and can be taken back by the reaper.
CURRENT_WORKER = ""


def execute(job_id: int) -> None:
    """Run one job; claimed with a conditional UPDATE so a job runs once even if delivered twice."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        worker_id=CURRENT_WORKER,
        attempts=F("attempts") + 1,
        error="",
    )
    if not claimed:
        log.info("job %s already claimed or finished", job_id)
        return
    job = Job.objects.get(pk=job_id)
    # this run's own running row: if the job was paused, or the reaper gave it to another worker meanwhile,
    # this run writes nothing
    this_run = Job.objects.filter(pk=job.pk, attempts=job.attempts, status=Job.Status.RUNNING)
    fn = _REGISTRY.get(job.kind)
    try:
        if fn is None:
            raise KeyError(f"unknown job kind {job.kind!r}")
        result = fn(job, **job.params)
    except Exception as exc:  # the job records the failure for the person who started it
        log.exception("job %s (%s) failed", job.pk, job.kind)
        this_run.update(
            status=Job.Status.FAILED,
            error=f"{exc}\n\n{traceback.format_exc(limit=5)}",
            finished_at=timezone.now(),
        )
        return
    updates: dict[str, Any] = {"status": Job.Status.DONE, "finished_at": timezone.now()}
    if isinstance(result, dict):
        updates["result"] = result
    if not this_run.update(**updates):
        log.info("job %s was paused or taken over by another worker; this run's result is dropped", job.pk)


def heartbeat(worker_id: str) -> int:
    """Renew the lease of every job this worker is running; returns how many."""
    if not worker_id:
        return 0
    return Job.objects.filter(status=Job.Status.RUNNING, worker_id=worker_id).update(heartbeat_at=timezone.now())


def reap_stale_jobs(*, now=None) -> list[int]:
    """Queue again the jobs whose worker stopped renewing its lease (killed, host lost).

    A job is taken back only if it still holds the stale stamp (a conditional UPDATE, so two reapers
    on two hosts cannot both take it). Its progress starts again from zero, the orphaned django-tasks
    row is closed as failed, and a fresh task is sent. After JOB_MAX_ATTEMPTS runs the job fails
    with a message saying so instead. Returns the ids of the jobs queued again.
    """
    from django.conf import settings

    now = now or timezone.now()
    cutoff = now - timezone.timedelta(seconds=settings.JOB_LEASE_SECONDS)
    stale = list(
        Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff)
        .exclude(worker_id="")
        .values_list("pk", "attempts", "heartbeat_at", "worker_id", "task_id")
    )
    requeued: list[int] = []
    for pk, attempts, stamp, lost_worker, task_id in stale:
        still_stale = Job.objects.filter(pk=pk, status=Job.Status.RUNNING, attempts=attempts, heartbeat_at=stamp)
        with transaction.atomic():
            if attempts >= settings.JOB_MAX_ATTEMPTS:
                taken = still_stale.update(
                    status=Job.Status.FAILED,
                    finished_at=now,
                    error=_("Исполнитель задания перестал отвечать; попыток: %(n)s. Задание не выполнено.")
                    % {"n": attempts},
                )
            else:
                taken = still_stale.update(status=Job.Status.QUEUED, progress_done=0, heartbeat_at=None)
            if not taken:
                continue
            _close_orphaned_task(task_id, now)
            log.warning("job %s lost its worker %s (attempt %s)", pk, lost_worker, attempts)
            if attempts < settings.JOB_MAX_ATTEMPTS:
                requeued.append(pk)
                transaction.on_commit(lambda pk=pk: _resend(pk))
    return requeued


def _close_orphaned_task(task_id: str, now) -> None:
    if not task_id or _runs_inline():
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=task_id, status="RUNNING").update(status="FAILED", finished_at=now)


def _resend(pk: int) -> None:
    from jobs.tasks import run_job

    result = run_job.enqueue(pk)
    Job.objects.filter(pk=pk).update(task_id=str(result.id)[:64])


def set_total(job: Job, total: int) -> None:
    job.progress_total = total
    Job.objects.filter(pk=job.pk).update(progress_total=total)


def advance(job: Job, step: int = 1) -> None:
    job.progress_done += step
    Job.objects.filter(pk=job.pk).update(progress_done=F("progress_done") + step)
