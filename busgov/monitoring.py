"""Read-only dashboards of the bus.gov.ru bridge: reviews per organization and municipality, the trend
between two checks, organizations without responsible officials, the placement table of a cycle.

Every function takes the user and goes through ``visible_to``: a municipal official sees only its own
municipality's organizations.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q

from busgov.choices import Duty, InfoKind, NoticeKind, PlacementStatus
from busgov.models import CitizenReview, Placement, ResponsibleOfficial, Topic
from cycles.models import Cycle, CycleOrganization
from registry.choices import OrgStatus
from registry.models import Organization, Territory


def organizations(user, territory: Territory | None = None):
    """Organizations that should have a bus.gov.ru page: visible, head organizations, not liquidated."""
    qs = Organization.objects.visible_to(user).filter(parent__isnull=True).exclude(status=OrgStatus.LIQUIDATED)
    if territory is not None:
        qs = qs.filter(territory_id__in=territory.subtree_ids())
    return qs.select_related("territory")


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class TerritoryRow:
    territory: Territory
    organizations: int = 0
    with_reviews: int = 0
    reviews: int = 0
    negative: int = 0
    unanswered: int = 0
    unanswered_negative: int = 0
    rating_sum: int = 0
    rated: int = 0

    @property
    def without_reviews(self) -> int:
        return self.organizations - self.with_reviews

    @property
    def negative_share(self) -> Decimal | None:
        return _share(self.negative, self.reviews)

    @property
    def average_rating(self) -> Decimal | None:
        if not self.rated:
            return None
        return (Decimal(self.rating_sum) / self.rated).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class ReviewSummary:
    year: int
    as_of: datetime.date
    rows: list[TerritoryRow]
    totals: TerritoryRow
    without_reviews: list[Organization]
    per_organization: dict[int, dict[str, Any]]
    criteria: list[dict[str, Any]] = field(default_factory=list)
    topics: list[dict[str, Any]] = field(default_factory=list)


def review_summary(
    user, year: int, *, territory: Territory | None = None, as_of: datetime.date | None = None
) -> ReviewSummary:
    """Reviews of YEAR posted up to AS_OF, per organization and per municipality (the monitoring dashboard)."""
    as_of = as_of or datetime.date(year, 12, 31)
    orgs = list(organizations(user, territory).order_by("territory__name", "short_name", "pk"))
    org_ids = [o.pk for o in orgs]
    reviews = CitizenReview.objects.visible_to(user).filter(
        organization_id__in=org_ids, posted_on__year=year, posted_on__lte=as_of
    )
    stats = {
        row["organization_id"]: row
        for row in reviews.order_by()
        .values("organization_id")
        .annotate(
            reviews=Count("pk"),
            negative=Count("pk", filter=Q(is_negative=True)),
            unanswered=Count("pk", filter=Q(response__isnull=True)),
            unanswered_negative=Count("pk", filter=Q(response__isnull=True, is_negative=True)),
            rated=Count("rating"),
            average=Avg("rating"),
        )
    }
    rows: dict[int, TerritoryRow] = {}
    totals = TerritoryRow(territory=territory or Territory(name="Итого"))
    without = []
    for org in orgs:
        row = rows.setdefault(org.territory_id, TerritoryRow(territory=org.territory))
        s = stats.get(org.pk)
        for target in (row, totals):
            target.organizations += 1
            if s:
                target.with_reviews += 1
                target.reviews += s["reviews"]
                target.negative += s["negative"]
                target.unanswered += s["unanswered"]
                target.unanswered_negative += s["unanswered_negative"]
                target.rated += s["rated"]
                target.rating_sum += round((s["average"] or 0) * s["rated"])
        if not s:
            without.append(org)
    criteria_sum: dict[str, list[int]] = defaultdict(list)
    topic_counts: Counter = Counter()
    topic_negative: Counter = Counter()
    for ratings, topics, negative in reviews.values_list("criterion_ratings", "topics", "is_negative"):
        for code, value in (ratings or {}).items():
            if value:
                criteria_sum[code].append(int(value))
        for topic in topics or []:
            topic_counts[topic] += 1
            if negative:
                topic_negative[topic] += 1
    labels = {t.code: t for t in Topic.objects.filter(marks_negative=False)}
    from scoring.models import display_code

    criteria = [
        {
            "code": code,
            "label": display_code(code),
            "count": len(values),
            "average": (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        }
        for code, values in sorted(criteria_sum.items())
    ]
    topics = [
        {
            "code": code,
            "label": labels[code].label if code in labels else code,
            "criterion": display_code(labels[code].criterion_code) if code in labels else "",
            "count": count,
            "negative": topic_negative[code],
        }
        for code, count in topic_counts.most_common()
    ]
    return ReviewSummary(
        year=year,
        as_of=as_of,
        rows=sorted(rows.values(), key=lambda r: r.territory.name),
        totals=totals,
        without_reviews=without,
        per_organization=stats,
        criteria=criteria,
        topics=topics,
    )


def trend(
    user, year: int, first: datetime.date, second: datetime.date, *, territory: Territory | None = None
) -> list[dict[str, Any]]:
    """Per municipality: organizations without reviews of YEAR at the first and at the second check."""
    if second < first:
        first, second = second, first
    orgs = list(organizations(user, territory))
    counts_first = _counts(user, orgs, year, first)
    counts_second = _counts(user, orgs, year, second)
    rows: dict[int, dict[str, Any]] = {}
    for org in orgs:
        row = rows.setdefault(
            org.territory_id,
            {
                "territory": org.territory,
                "organizations": 0,
                "without_first": 0,
                "without_second": 0,
                "reviews_first": 0,
                "reviews_second": 0,
                "got_first_review": [],
            },
        )
        a, b = counts_first.get(org.pk, 0), counts_second.get(org.pk, 0)
        row["organizations"] += 1
        row["reviews_first"] += a
        row["reviews_second"] += b
        row["without_first"] += int(a == 0)
        row["without_second"] += int(b == 0)
        if a == 0 and b > 0:
            row["got_first_review"].append(org)
    result = sorted(rows.values(), key=lambda r: r["territory"].name)
    for row in result:
        row["added"] = row["reviews_second"] - row["reviews_first"]
    return result


def _counts(user, orgs, year: int, day: datetime.date) -> dict[int, int]:
    return dict(
        CitizenReview.objects.visible_to(user)
        .filter(organization__in=[o.pk for o in orgs], posted_on__year=year, posted_on__lte=day)
        .order_by()
        .values("organization_id")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "n")
    )


# --- responsible officials -------------------------------------------------------------------------------


def _duties_by_owner(qs) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    by_org: dict[int, set[str]] = defaultdict(set)
    by_territory: dict[int, set[str]] = defaultdict(set)
    for org_id, territory_id, duties in qs.values_list("organization_id", "territory_id", "duties"):
        if org_id:
            by_org[org_id].update(duties or [])
        else:
            by_territory[territory_id].update(duties or [])
    return by_org, by_territory


def officials_register(
    user, day: datetime.date, *, duty: str = "", territory: Territory | None = None
) -> dict[str, Any]:
    """Who is responsible today, and where nobody is: organizations and authorities with duties uncovered."""
    from busgov.services import managed_territory_ids, officials_due

    active = ResponsibleOfficial.objects.visible_to(user).active_on(day)
    by_org, by_territory = _duties_by_owner(active)
    all_duties = set(Duty.values)
    orgs = organizations(user, territory).order_by("territory__name", "short_name")
    missing_orgs = []
    for org in orgs:
        have = by_org.get(org.pk, set())
        lacking = duty not in have if duty else not have
        if lacking:
            missing_orgs.append({"organization": org, "uncovered": sorted(all_duties - have, key=Duty.values.index)})
    ids = managed_territory_ids(user)
    territories = Territory.objects.all() if ids is None else Territory.objects.filter(pk__in=ids)
    if territory is not None:
        territories = territories.filter(pk__in=territory.subtree_ids())
    authorities = []
    for t in territories.order_by("parent_id", "name"):
        have = by_territory.get(t.pk, set())
        uncovered = sorted(all_duties - have, key=Duty.values.index)
        due = officials_due(t, day.year)
        authorities.append(
            {
                "territory": t,
                "uncovered": uncovered,
                "uncovered_labels": [str(Duty(d).label) for d in uncovered],
                "due": due,
                "days_left": (due - day).days,
                "late": bool(uncovered) and day > due,
            }
        )
    for row in missing_orgs:
        row["uncovered_labels"] = [str(Duty(d).label) for d in row["uncovered"]]
    return {
        "officials": active.select_related("organization__territory", "territory"),
        "missing_organizations": missing_orgs,
        "authorities": authorities,
        "organizations_total": orgs.count(),
    }


# --- placement of a cycle --------------------------------------------------------------------------------


def placement_table(user, cycle: Cycle, today: datetime.date) -> dict[str, Any]:
    """Per organization of the cycle: results and plan placement, their deadlines and overdue flags."""
    from busgov.services import results_deadlines

    deadlines = results_deadlines([cycle])
    rows, counts = _placement_rows(user, [cycle], today, deadlines)
    return {"rows": rows, "results_due": deadlines[cycle.pk], "counts": dict(counts)}


def _placement_rows(user, cycles: list[Cycle], today: datetime.date, deadlines: dict) -> tuple[list, Counter]:
    from busgov.services import plan_deadline, settings_for
    from plans.models import Plan
    from scoring.models import TOTAL_CODE, Result

    entries = list(
        CycleOrganization.objects.visible_to(user)
        .included()
        .filter(cycle__in=cycles)
        .select_related("organization__territory")
        .order_by("cycle_id", "organization__territory__name", "organization__short_name")
    )
    entry_ids = [e.pk for e in entries]
    placements = {
        (p.cycle_organization_id, p.kind): p for p in Placement.objects.filter(cycle_organization_id__in=entry_ids)
    }
    plans = {p.cycle_organization_id: p for p in Plan.objects.filter(cycle_organization_id__in=entry_ids)}
    final = set(
        Result.objects.final()
        .filter(cycle__in=cycles, code=TOTAL_CODE, value__isnull=False)
        .values_list("cycle_organization_id", flat=True)
    )
    by_id = {c.pk: c for c in cycles}
    confs: dict[int, Any] = {}
    rows = []
    counts: Counter = Counter()
    for entry in entries:
        cycle = by_id[entry.cycle_id]
        if cycle.territory_id not in confs:
            confs[cycle.territory_id] = settings_for(cycle.territory)
        results_due = deadlines[cycle.pk]
        res = placements.get((entry.pk, InfoKind.RESULTS))
        res_placed = res is not None and res.status == PlacementStatus.PLACED
        res_overdue = entry.pk in final and not res_placed and results_due.due is not None and today > results_due.due
        res_late = res_placed and results_due.due is not None and res.placed_on and res.placed_on > results_due.due
        plan = plans.get(entry.pk)
        plan_row = placements.get((entry.pk, InfoKind.PLAN))
        approved = plan is not None and plan.status == "approved"
        plan_due = plan_deadline(plan, confs[cycle.territory_id]) if approved else None
        if plan_row is not None:
            plan_placed, plan_on, plan_url = plan_row.status == PlacementStatus.PLACED, plan_row.placed_on, plan_row.url
        elif plan is not None and plan.published:
            plan_placed = True
            plan_on = plan.published_at.date() if plan.published_at else None
            plan_url = plan.published_url
        else:
            plan_placed, plan_on, plan_url = False, None, ""
        plan_overdue = bool(plan_due and plan_due.due and not plan_placed and today > plan_due.due)
        counts["organizations"] += 1
        counts["results_final"] += int(entry.pk in final)
        counts["results_placed"] += int(res_placed)
        counts["results_overdue"] += int(res_overdue)
        counts["plans_approved"] += int(approved)
        counts["plans_placed"] += int(plan_placed)
        counts["plans_overdue"] += int(plan_overdue)
        rows.append(
            {
                "entry": entry,
                "organization": entry.organization,
                "has_final": entry.pk in final,
                "results": res,
                "results_placed": res_placed,
                "results_overdue": res_overdue,
                "results_late": bool(res_late),
                "plan": plan,
                "plan_placement": plan_row,
                "plan_placed": plan_placed,
                "plan_placed_on": plan_on,
                "plan_url": plan_url,
                "plan_due": plan_due.due if plan_due else None,
                "plan_overdue": plan_overdue,
            }
        )
    return rows, counts


def placement_rows(user, today: datetime.date) -> list[dict[str, Any]]:
    """Rows of every cycle the user sees that has reached the council's decision (for letters and totals)."""
    from busgov.services import results_deadlines

    cycles = list(Cycle.objects.visible_to(user).filter(phase__in=_placement_phases()).select_related("territory"))
    return _placement_rows(user, cycles, today, results_deadlines(cycles))[0]


def overdue_summary(user, today: datetime.date) -> dict[str, int]:
    """Across the cycles the user sees: overdue result and plan placements (for the overview page)."""
    rows = placement_rows(user, today)
    return {
        "results_overdue": sum(1 for r in rows if r["results_overdue"]),
        "plans_overdue": sum(1 for r in rows if r["plan_overdue"]),
    }


def _placement_phases() -> list[str]:
    from cycles.models import PHASE_ORDER, Phase

    return PHASE_ORDER[PHASE_ORDER.index(Phase.COUNCIL) :]


# --- letters ---------------------------------------------------------------------------------------------


def organizations_for_notice(user, kind: str, year: int, as_of: datetime.date) -> list[tuple[Territory, list]]:
    """Per municipality in the user's scope: the organizations a letter of KIND should list."""
    if kind == NoticeKind.NO_REVIEWS:
        orgs = review_summary(user, year, as_of=as_of).without_reviews
    elif kind == NoticeKind.UNANSWERED:
        ids = set(
            CitizenReview.objects.visible_to(user)
            .filter(posted_on__year=year, posted_on__lte=as_of, is_negative=True, response__isnull=True)
            .values_list("organization_id", flat=True)
        )
        orgs = [o for o in organizations(user) if o.pk in ids]
    elif kind == NoticeKind.NO_OFFICIALS:
        orgs = [r["organization"] for r in officials_register(user, as_of)["missing_organizations"]]
    else:
        orgs = [r["organization"] for r in placement_rows(user, as_of) if r["results_overdue"] or r["plan_overdue"]]
    groups: dict[int, list] = defaultdict(list)
    territories: dict[int, Territory] = {}
    seen: set[int] = set()
    for org in orgs:
        if org.pk in seen:
            continue
        seen.add(org.pk)
        groups[org.territory_id].append(org)
        territories[org.territory_id] = org.territory
    return [
        (territories[t], sorted(groups[t], key=lambda o: o.short_name))
        for t in sorted(groups, key=lambda t: territories[t].name)
    ]
