"""Background work of the plans app."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from cycles.models import Cycle
from jobs.services import advance, job_function, set_total


@job_function("plans.seed")
def seed_job(job, cycle_id: int, **_ignored):
    """Create the draft plans of a cycle from its shortcomings (plans.services.seed_plans)."""
    from plans.services import seed_plans

    cycle = Cycle.objects.get(pk=cycle_id)
    user = get_user_model().objects.filter(pk=job.created_by_id).first() if job.created_by_id else None
    set_total(job, 1)
    report = seed_plans(cycle, user)
    advance(job)
    return report.as_dict()
