"""Background recomputation of a cycle (started by scoring.services.start_recompute)."""

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
