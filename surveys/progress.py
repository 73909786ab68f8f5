"""Read-side figures of a campaign: collected vs target per organization, by group and by day."""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDate

from cycles.models import CycleOrganization
from surveys.models import Campaign, Response, SurveyLink
from surveys.services import target_of

GROUP_LABELS = {
    "parent_pupil": "родители обучающихся",
    "parent_preschool": "родители воспитанников",
    "adult_student": "совершеннолетние обучающиеся",
    "": "группа не указана",
}


@dataclass
class OrgProgress:
    entry: CycleOrganization
    link: SurveyLink | None
    target: int
    accepted: int = 0
    review: int = 0
    excluded: int = 0
    by_group: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.accepted + self.review + self.excluded

    @property
    def percent(self) -> float | None:
        return round(100 * self.accepted / self.target, 1) if self.target else None

    @property
    def remaining(self) -> int:
        return max(0, self.target - self.accepted)

    @property
    def excluded_share(self) -> float | None:
        return round(100 * self.excluded / self.total, 1) if self.total else None

    @property
    def reached(self) -> bool:
        return self.target > 0 and self.accepted >= self.target


def cycle_progress(campaign: Campaign, entries) -> list[OrgProgress]:
    """One row per entry in ENTRIES (a CycleOrganization queryset already restricted to what the user sees)."""
    entries = list(entries.select_related("organization", "organization__territory", "survey_link"))
    ids = [e.pk for e in entries]
    by_status: dict[int, dict[str, int]] = defaultdict(dict)
    by_group: dict[int, dict[str, int]] = defaultdict(dict)
    if ids:
        for row in (
            Response.objects.filter(cycle_organization_id__in=ids)
            .order_by()
            .values("cycle_organization_id", "status", "respondent_group")
            .annotate(n=Count("id"))
        ):
            entry_id = row["cycle_organization_id"]
            by_status[entry_id][row["status"]] = by_status[entry_id].get(row["status"], 0) + row["n"]
            if row["status"] == Response.Status.ACCEPTED:
                by_group[entry_id][row["respondent_group"]] = row["n"]
    rows = []
    for entry in entries:
        link = getattr(entry, "survey_link", None)
        statuses = by_status.get(entry.pk, {})
        rows.append(
            OrgProgress(
                entry=entry,
                link=link,
                target=target_of(campaign, link, entry.organization.contingent),
                accepted=statuses.get(Response.Status.ACCEPTED, 0),
                review=statuses.get(Response.Status.REVIEW, 0),
                excluded=statuses.get(Response.Status.EXCLUDED, 0),
                by_group=by_group.get(entry.pk, {}),
            )
        )
    return rows


@dataclass
class Totals:
    organizations: int = 0
    target: int = 0
    accepted: int = 0
    review: int = 0
    excluded: int = 0
    reached: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.accepted / self.target, 1) if self.target else None


def totals(rows: list[OrgProgress]) -> Totals:
    result = Totals(organizations=len(rows))
    for row in rows:
        result.target += row.target
        result.accepted += row.accepted
        result.review += row.review
        result.excluded += row.excluded
        result.reached += row.reached
    return result


def daily(entry: CycleOrganization, days: int = 31) -> list[tuple[datetime.date, int]]:
    """Accepted questionnaires per local day of the organization (the last DAYS days with answers)."""
    tz = zoneinfo.ZoneInfo(entry.organization.effective_timezone or settings.TIME_ZONE)
    rows = (
        Response.objects.filter(cycle_organization=entry, status=Response.Status.ACCEPTED)
        .annotate(day=TruncDate("submitted_at", tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(n=Count("id"))
        .order_by("-day")[:days]
    )
    return sorted((row["day"], row["n"]) for row in rows)


def by_mode(entry: CycleOrganization) -> dict[str, int]:
    return dict(
        Response.objects.filter(cycle_organization=entry, status=Response.Status.ACCEPTED)
        .order_by()
        .values_list("mode")
        .annotate(n=Count("id"))
    )
