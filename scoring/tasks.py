"""Background work of scoring: recomputation of a cycle (services.start_recompute) and the loading of large input
files (services.start_import)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from cycles.models import Cycle
from jobs.services import job_function


@job_function("scoring.compute")
def compute_job(job, cycle_id: int, reason: str = "", gather: bool = True, **_ignored):
    from scoring.services import compute_cycle

    cycle = Cycle.objects.get(pk=cycle_id)
    user = get_user_model().objects.filter(pk=job.created_by_id).first() if job.created_by_id else None
    run = compute_cycle(cycle, user, gather=gather, reason=reason, job=job)
    from django.urls import reverse

    return {
        "url": reverse("scoring:cycle", args=[cycle.pk]),
        "run": run.pk,
        "organizations": run.organizations,
        "results_changed": run.results_changed,
        "warnings": run.warnings[:20],
    }


@job_function("scoring.import")
def import_job(job, import_id: int, **_ignored):
    """Check and load an operator's large input files kept by scoring.services.start_import."""
    from django.urls import reverse

    from jobs.services import advance, set_total
    from scoring.models import InputImport
    from scoring.services import run_import

    record = InputImport.objects.select_related("cycle", "created_by").get(pk=import_id)
    set_total(job, len(record.files) + 1)
    report = run_import(record, progress=lambda step: advance(job, step))
    if job.progress_total > job.progress_done:  # stopped early: errors, or a dry run
        advance(job, job.progress_total - job.progress_done)
    return {
        "url": reverse("scoring:import_detail", args=[record.pk]),
        "applied": report.applied,
        "error_count": report.error_count,
        "created": report.created,
        "changed": report.changed,
    }
