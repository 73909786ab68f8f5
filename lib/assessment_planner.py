"""The three-year rule of НОКО as a pure function over an assessment history.

273-ФЗ ст. 95.2 (methodology.md §7): an organization is assessed not more than once a year and not less
than once every three years. Given each organization's status and the years it was assessed, this module

* proposes the list for a year (``propose``): every organization whose three-year window closes this year,
  then the ones whose window closes soonest, up to the capacity (earliest deadline first, which is the
  order that meets every deadline whenever any order can);
* checks a list a person made (``check``): *violations* break the rule or cannot be assessed at all
  (assessed already this year, liquidated) and block the list unless overridden with a reason; *gaps* are
  organizations left out although their window closes this year;
* plans several years ahead by feeding each year's proposal back into the history (``plan_years``).

No Django here: ``cycles.planner`` turns the registry and the cycle lists into ``OrgHistory`` rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

WINDOW = 3  # years: "not less than once every three years"

ACTIVE = "active"
REORGANIZING = "reorganizing"
LIQUIDATED = "liquidated"
CLOSED = "closed"

# statuses whose organizations the rule covers (must be assessed) and may be proposed
COVERED_STATUSES = frozenset({ACTIVE, REORGANIZING})
# statuses shown with a flag on every list they appear on
FLAGGED_STATUSES = frozenset({REORGANIZING, LIQUIDATED, CLOSED})

# violation codes
ALREADY_THIS_YEAR = "already_this_year"
NOT_ASSESSABLE = "not_assessable"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class OrgHistory:
    """One organization as the planner sees it."""

    id: int
    status: str = ACTIVE
    assessed_years: frozenset[int] = frozenset()

    def last_before(self, year: int) -> int | None:
        earlier = [y for y in self.assessed_years if y < year]
        return max(earlier) if earlier else None

    def deadline(self, year: int, window: int = WINDOW) -> int:
        """The last year by which the organization must be assessed, seen from YEAR.

        Never assessed (or assessed too long ago) means the deadline has come: YEAR itself.
        """
        last = self.last_before(year)
        if last is None:
            return year
        return max(year, last + window)


@dataclass(frozen=True)
class Violation:
    organization_id: int
    code: str
    detail: str = ""


@dataclass
class Proposal:
    year: int
    capacity: int
    proposed: list[int] = field(default_factory=list)  # ordered by priority
    due: list[int] = field(default_factory=list)  # must be assessed this year (window closes)
    gaps: list[int] = field(default_factory=list)  # due but beyond the capacity
    skipped_this_year: list[int] = field(default_factory=list)  # already assessed in YEAR elsewhere
    flagged: dict[int, str] = field(default_factory=dict)  # organization id → status


@dataclass
class Check:
    year: int
    violations: list[Violation] = field(default_factory=list)
    gaps: list[int] = field(default_factory=list)  # covered organizations left out whose window closes
    flagged: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations


def default_capacity(histories: Iterable[OrgHistory], window: int = WINDOW) -> int:
    """An even spread: a third of the covered organizations each year (rounded up)."""
    covered = sum(1 for h in histories if h.status in COVERED_STATUSES)
    return math.ceil(covered / window) if covered else 0


def _priority(history: OrgHistory, year: int, window: int) -> tuple[int, int, int]:
    last = history.last_before(year)
    return (history.deadline(year, window), last if last is not None else -1, history.id)


def propose(histories: Sequence[OrgHistory], year: int, capacity: int | None = None, window: int = WINDOW) -> Proposal:
    """The list the rule suggests for YEAR, at most CAPACITY organizations (default: an even spread).

    Organizations already assessed in YEAR (for instance by another authority's cycle) are never proposed;
    liquidated and temporarily closed ones are flagged and left out; reorganising ones are proposed with a flag.
    """
    if capacity is None:
        capacity = default_capacity(histories, window)
    capacity = max(0, capacity)
    result = Proposal(year=year, capacity=capacity)
    candidates: list[OrgHistory] = []
    for history in histories:
        if history.status in FLAGGED_STATUSES:
            result.flagged[history.id] = history.status
        if history.status not in COVERED_STATUSES:
            continue
        if year in history.assessed_years:
            result.skipped_this_year.append(history.id)
            continue
        candidates.append(history)
    candidates.sort(key=lambda h: _priority(h, year, window))
    result.due = [h.id for h in candidates if h.deadline(year, window) <= year]
    result.proposed = [h.id for h in candidates[:capacity]]
    chosen = set(result.proposed)
    result.gaps = [oid for oid in result.due if oid not in chosen]
    return result


def check(histories: Sequence[OrgHistory], year: int, selected: Iterable[int], window: int = WINDOW) -> Check:
    """Check a list a person made for YEAR against the rule."""
    by_id = {h.id: h for h in histories}
    chosen = list(dict.fromkeys(selected))
    result = Check(year=year)
    for oid in chosen:
        history = by_id.get(oid)
        if history is None:
            result.violations.append(Violation(oid, UNKNOWN))
            continue
        if history.status in FLAGGED_STATUSES:
            result.flagged[oid] = history.status
        if history.status not in COVERED_STATUSES and history.status != CLOSED:
            result.violations.append(Violation(oid, NOT_ASSESSABLE, history.status))
        if year in history.assessed_years:
            result.violations.append(Violation(oid, ALREADY_THIS_YEAR, str(year)))
    chosen_set = set(chosen)
    result.gaps = sorted(
        (
            h.id
            for h in histories
            if h.status in COVERED_STATUSES
            and h.id not in chosen_set
            and year not in h.assessed_years
            and h.deadline(year, window) <= year
        ),
        key=lambda oid: _priority(by_id[oid], year, window),
    )
    return result


def plan_years(
    histories: Sequence[OrgHistory],
    start_year: int,
    years: int = WINDOW,
    capacity: int | None = None,
    window: int = WINDOW,
) -> dict[int, list[int]]:
    """Propose the lists of YEARS consecutive years, each year seeing the ones before it as assessed."""
    if capacity is None:
        capacity = default_capacity(histories, window)
    current = {h.id: h for h in histories}
    plan: dict[int, list[int]] = {}
    for year in range(start_year, start_year + years):
        proposal = propose(list(current.values()), year, capacity, window)
        plan[year] = proposal.proposed
        for oid in proposal.proposed:
            history = current[oid]
            current[oid] = replace(history, assessed_years=history.assessed_years | {year})
    return plan


def coverage(histories: Sequence[OrgHistory], year: int, window: int = WINDOW) -> dict[int, int | None]:
    """For each covered organization: the last year it was assessed in the window ending with YEAR, or None."""
    result: dict[int, int | None] = {}
    for history in histories:
        if history.status not in COVERED_STATUSES:
            continue
        inside = [y for y in history.assessed_years if year - window < y <= year]
        result[history.id] = max(inside) if inside else None
    return result
