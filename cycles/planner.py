"""The three-year planner seen from the registry: history of assessments → ``lib.assessment_planner``.

The history of an organization is every cycle list it was included in (any territory's cycle, so a
college assessed by the region counts for the municipality too) and every ``PriorAssessment`` recorded
for the years before the system. The cycle being planned is left out of the history: its list is what
the planner proposes or checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cycles.models import Cycle, CycleOrganization, PriorAssessment
from lib import assessment_planner as ap
from registry.choices import OrgStatus

_STATUS = {
    OrgStatus.ACTIVE: ap.ACTIVE,
    OrgStatus.REORGANIZING: ap.REORGANIZING,
    OrgStatus.LIQUIDATED: ap.LIQUIDATED,
    OrgStatus.CLOSED_TEMPORARILY: ap.CLOSED,
}


def candidate_organizations(cycle: Cycle):
    """Organizations a cycle may assess: head organizations (not branches) of the cycle's territory.

    A regional cycle covers the colleges (СПО) of the whole region; a municipal cycle covers the
    other organizations of its municipality.
    """
    from registry.choices import OrgType
    from registry.models import Organization

    queryset = Organization.objects.filter(parent__isnull=True, territory_id__in=cycle.territory.subtree_ids())
    if cycle.territory.parent_id is None:
        queryset = queryset.filter(org_type=OrgType.SPO)
    else:
        queryset = queryset.exclude(org_type=OrgType.SPO)
    return queryset.select_related("territory")


def histories(organizations, exclude_cycle: Cycle | None = None) -> list[ap.OrgHistory]:
    ids = [o.pk for o in organizations]
    years: dict[int, set[int]] = {oid: set() for oid in ids}
    entries = CycleOrganization.objects.included().filter(organization_id__in=ids)
    if exclude_cycle is not None:
        entries = entries.exclude(cycle=exclude_cycle)
    for oid, year in entries.values_list("organization_id", "cycle__year"):
        years[oid].add(year)
    for oid, year in PriorAssessment.objects.filter(organization_id__in=ids).values_list("organization_id", "year"):
        years[oid].add(year)
    return [
        ap.OrgHistory(id=o.pk, status=_STATUS.get(o.status, ap.ACTIVE), assessed_years=frozenset(years[o.pk]))
        for o in organizations
    ]


@dataclass
class PlannerRow:
    organization: object
    last_assessed: int | None
    deadline: int
    proposed: bool
    on_list: bool
    due: bool
    flag: str = ""
    assessed_this_year: bool = False
    violations: list[str] = field(default_factory=list)


@dataclass
class PlannerView:
    cycle: Cycle
    proposal: ap.Proposal
    check: ap.Check
    rows: list[PlannerRow]
    capacity: int

    @property
    def gap_rows(self) -> list[PlannerRow]:
        return [r for r in self.rows if r.organization.pk in set(self.check.gaps)]

    @property
    def violation_rows(self) -> list[PlannerRow]:
        return [r for r in self.rows if r.violations]

    @property
    def flagged_rows(self) -> list[PlannerRow]:
        return [r for r in self.rows if r.flag]


VIOLATION_TEXT = {
    ap.ALREADY_THIS_YEAR: "уже оценивается в этом году (не чаще одного раза в год)",
    ap.NOT_ASSESSABLE: "организация ликвидирована",
    ap.UNKNOWN: "организация не относится к территории цикла",
}


def current_list_ids(cycle: Cycle) -> list[int]:
    return list(cycle.entries.included().values_list("organization_id", flat=True))


def plan_cycle(cycle: Cycle, capacity: int | None = None) -> PlannerView:
    organizations = list(candidate_organizations(cycle).order_by("territory__name", "short_name"))
    hist = histories(organizations, exclude_cycle=cycle)
    proposal = ap.propose(hist, cycle.year, capacity)
    on_list = current_list_ids(cycle)
    check = ap.check(hist, cycle.year, on_list)
    proposed = set(proposal.proposed)
    due = set(proposal.due)
    on_list_set = set(on_list)
    violations: dict[int, list[str]] = {}
    for v in check.violations:
        violations.setdefault(v.organization_id, []).append(VIOLATION_TEXT.get(v.code, v.code))
    rows = []
    for org, h in zip(organizations, hist, strict=True):
        rows.append(
            PlannerRow(
                organization=org,
                last_assessed=h.last_before(cycle.year),
                deadline=h.deadline(cycle.year),
                proposed=org.pk in proposed,
                on_list=org.pk in on_list_set,
                due=org.pk in due,
                flag=org.get_status_display() if h.status in ap.FLAGGED_STATUSES else "",
                assessed_this_year=cycle.year in h.assessed_years,
                violations=violations.get(org.pk, []),
            )
        )
    # the most urgent first: deadline, then the oldest assessment, then the name
    rows.sort(key=lambda r: (r.deadline, r.last_assessed or 0, r.organization.territory.name, str(r.organization)))
    return PlannerView(cycle=cycle, proposal=proposal, check=check, rows=rows, capacity=proposal.capacity)


def check_selection(cycle: Cycle, organization_ids) -> ap.Check:
    organizations = list(candidate_organizations(cycle))
    return ap.check(histories(organizations, exclude_cycle=cycle), cycle.year, organization_ids)
