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


def execute(job_id: int) -> None:
    """Run one job; claimed with a conditional UPDATE so a job runs once even if delivered twice."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        log.info("job %s already claimed or finished", job_id)
        return
    job = Job.objects.get(pk=job_id)
    fn = _REGISTRY.get(job.kind)
    try:
        if fn is None:
            raise KeyError(f"unknown job kind {job.kind!r}")
        result = fn(job, **job.params)
    except Exception as exc:  # the job records the failure for the person who started it
        log.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            error=f"{exc}\n\n{traceback.format_exc(limit=5)}",
            finished_at=timezone.now(),
        )
        return
    job.refresh_from_db(fields=["status", "progress_done", "progress_total"])
    if job.status == Job.Status.PAUSED:
        return
    updates: dict[str, Any] = {"status": Job.Status.DONE, "finished_at": timezone.now()}
    if isinstance(result, dict):
        updates["result"] = result
    Job.objects.filter(pk=job.pk).update(**updates)


def set_total(job: Job, total: int) -> None:
    job.progress_total = total
    Job.objects.filter(pk=job.pk).update(progress_total=total)


def advance(job: Job, step: int = 1) -> None:
    job.progress_done += step
    Job.objects.filter(pk=job.pk).update(progress_done=F("progress_done") + step)
