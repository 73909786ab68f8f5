"""Read-only view of the ``plans`` app for documents and the portal.

Plans are read through this one module so that reports and the portal keep working (with "no plan data")
where the plans app is absent or not migrated.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import DatabaseError


@dataclass
class PlanInfo:
    entry_id: int
    status: str
    status_label: str
    approved: bool
    published: bool
    exception: str = ""
    exception_label: str = ""
    approved_on: object = None
    published_url: str = ""
    items: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def fulfilment(self):
        """Share of measures done, in percent (None when the plan has no measures)."""
        return round(100 * self.done / self.items, 1) if self.items else None


@dataclass
class PlanItemInfo:
    criterion_code: str
    section: str
    shortcoming: str
    measure: str
    deadline: object
    responsible: str
    status: str
    status_label: str
    actual_measures: str
    actual_date: object
    shortcoming_id: int | None = None


@dataclass
class PlansSummary:
    available: bool
    assessed: int = 0
    with_plan: int = 0
    approved: int = 0
    published: int = 0
    exceptions: int = 0
    neither: int = 0
    by_status: Counter = field(default_factory=Counter)
    by_exception: Counter = field(default_factory=Counter)
    items: int = 0
    items_done: int = 0

    @property
    def fulfilment(self):
        return round(100 * self.items_done / self.items, 1) if self.items else None


def _models():
    try:
        from plans import models as plan_models
    except ImportError:
        return None
    if not hasattr(plan_models, "Plan") or not hasattr(plan_models, "PlanItem"):
        return None
    return plan_models


def plans_for(entry_ids, *, published_only: bool = False, today=None) -> dict[int, PlanInfo] | None:
    """Plan per organization of a cycle (by CycleOrganization id); None when plans are not available."""
    m = _models()
    if m is None:
        return None
    from plans.choices import ExceptionReason, ItemStatus, PlanStatus

    entry_ids = list(entry_ids)
    out: dict[int, PlanInfo] = {}
    try:
        qs = m.Plan.objects.filter(cycle_organization_id__in=entry_ids)
        if published_only:
            qs = qs.published()
        status_labels = dict(PlanStatus.choices)
        exception_labels = dict(ExceptionReason.choices)
        for row in qs.order_by().values(
            "pk", "cycle_organization_id", "status", "exception_reason", "published", "approved_on", "published_url"
        ):
            out[row["cycle_organization_id"]] = PlanInfo(
                entry_id=row["cycle_organization_id"],
                status=row["status"],
                status_label=str(status_labels.get(row["status"], row["status"])),
                approved=row["status"] == PlanStatus.APPROVED,
                published=row["published"],
                exception=row["exception_reason"],
                exception_label=str(exception_labels.get(row["exception_reason"], ""))
                if row["exception_reason"]
                else "",
                approved_on=row["approved_on"],
                published_url=row["published_url"],
            )
        if out:
            items = m.PlanItem.objects.filter(plan__cycle_organization_id__in=list(out))
            rows = items.order_by().values_list("plan__cycle_organization_id", "status", "deadline")
            for entry_id, status, deadline in rows:
                info = out[entry_id]
                info.items += 1
                if status == ItemStatus.DONE:
                    info.done += 1
                elif today is not None and deadline is not None and deadline < today and info.approved:
                    info.overdue += 1
    except DatabaseError:
        return None
    return out


def plan_items(entry_id: int, *, published_only: bool = False) -> list[PlanItemInfo] | None:
    m = _models()
    if m is None:
        return None
    from plans.choices import SECTION_NUMERAL, ItemStatus

    labels = dict(ItemStatus.choices)
    try:
        qs = m.PlanItem.objects.filter(plan__cycle_organization_id=entry_id)
        if published_only:
            qs = qs.filter(plan__in=m.Plan.objects.published())
        return [
            PlanItemInfo(
                criterion_code=item.criterion_code,
                section=SECTION_NUMERAL.get(item.criterion_code, ""),
                shortcoming=item.shortcoming_text,
                measure=item.measure,
                deadline=item.deadline,
                responsible=item.responsible,
                status=item.status,
                status_label=str(labels.get(item.status, item.status)),
                actual_measures=item.actual_measures,
                actual_date=item.actual_date,
                shortcoming_id=item.shortcoming_id,
            )
            for item in qs.order_by("criterion_code", "order", "pk")
        ]
    except DatabaseError:
        return None


def measures_by_shortcoming(entry_ids) -> dict[int, str]:
    """Measure text of each plan item by its shortcoming id (the proposals column of the annex)."""
    m = _models()
    if m is None:
        return {}
    out: dict[int, str] = {}
    try:
        for shortcoming_id, measure in (
            m.PlanItem.objects.filter(plan__cycle_organization_id__in=list(entry_ids), shortcoming__isnull=False)
            .order_by()
            .values_list("shortcoming_id", "measure")
        ):
            if measure:
                out[shortcoming_id] = measure
    except DatabaseError:
        return {}
    return out


def summarize(entry_ids, plans: dict[int, PlanInfo] | None) -> PlansSummary:
    entry_ids = list(entry_ids)
    if plans is None:
        return PlansSummary(available=False, assessed=len(entry_ids))
    summary = PlansSummary(available=True, assessed=len(entry_ids))
    counts = defaultdict(int)
    for entry_id in entry_ids:
        info = plans.get(entry_id)
        if info is None:
            summary.neither += 1
            continue
        if info.exception:
            summary.exceptions += 1
            summary.by_exception[info.exception_label] += 1
            continue
        summary.with_plan += 1
        summary.by_status[info.status_label] += 1
        summary.approved += int(info.approved)
        summary.published += int(info.published)
        summary.items += info.items
        summary.items_done += info.done
        counts[info.status] += 1
    return summary
