"""Background generation of documents for large regions (``jobs.enqueue("reports.generate", …)``)."""

from __future__ import annotations

from cycles.models import Cycle
from jobs.services import job_function
from registry.models import Territory
from reports import services
from reports.scope import ReportScope


@job_function(services.JOB_KIND)
def generate(job, *, document: str, territory_id: int, year: int, cycle_id: int | None = None) -> dict:
    territory = Territory.objects.get(pk=territory_id)
    cycle = Cycle.objects.get(pk=cycle_id) if cycle_id else None
    generated = services.generate(job.created_by, document, ReportScope(territory, year, cycle), job=job)
    services.attach(job, generated)
    return {"filename": generated.filename, "size": len(generated.content)}
