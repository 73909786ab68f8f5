"""Background work of the bus.gov.ru bridge: generating a package for placement."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction

from audit.services import log_action
from busgov import exports
from busgov.choices import InfoKind, LayoutKind
from busgov.models import ExportPackage, Layout
from jobs.services import advance, job_function, set_total


@job_function("busgov.export")
def export_package(job, package_id: int, **_ignored) -> dict:
    """Build the package's ZIP (every format of its layout) and put it on the job."""
    package = ExportPackage.objects.select_related("cycle__territory").get(pk=package_id)
    kind = LayoutKind.RESULTS if package.kind == InfoKind.RESULTS else LayoutKind.PLANS
    layout = Layout.objects.get(code=package.layout_code, kind=kind)
    set_total(job, 1 + len(layout.formats))
    try:
        data, meta = exports.build_package(package.cycle, package.kind, layout, progress=lambda n: advance(job, n))
    except Exception:
        ExportPackage.objects.filter(pk=package.pk).update(status=ExportPackage.Status.FAILED)
        raise
    job.file.save(f"{exports.base_name(package.cycle, package.kind)}.zip", ContentFile(data), save=True)
    with transaction.atomic():
        package.status = ExportPackage.Status.READY
        package.organizations = meta["organizations"]
        package.rows = meta["rows"]
        package.problems = meta["problems"]
        package.sha256 = hashlib.sha256(data).hexdigest()
        package.job = job
        package.save(update_fields=["status", "organizations", "rows", "problems", "sha256", "job"])
        log_action(
            job.created_by,
            "busgov.package.generated",
            package,
            territory=package.cycle.territory,
            data={"rows": package.rows, "organizations": package.organizations, "sha256": package.sha256},
        )
    return {"package": package.pk, "rows": package.rows, "organizations": package.organizations}
