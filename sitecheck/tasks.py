"""Background jobs of the site checker (started through ``jobs.services.enqueue``)."""

from __future__ import annotations

from jobs.services import advance, job_function, set_total
from sitecheck import services
from sitecheck.models import SiteCheck


@job_function("sitecheck.check")
def check_site(job, check_id: int) -> dict:
    set_total(job, 1)
    try:
        check = services.perform_check(check_id)
    except Exception as exc:
        services.fail_check(SiteCheck.objects.get(pk=check_id), f"{exc.__class__.__name__}: {exc}")
        raise
    advance(job)
    return {"check_id": check.pk, "items_placed": check.items_placed, "items_required": check.items_required}


@job_function("sitecheck.run")
def check_cycle(job, run_id: int) -> dict:
    return services.perform_run(job, run_id)
