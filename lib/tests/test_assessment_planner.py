"""Property tests of the three-year planner on generated assessment histories."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from lib import assessment_planner as ap

START = 2027
STATUSES = [ap.ACTIVE] * 6 + [ap.REORGANIZING, ap.LIQUIDATED, ap.CLOSED]


@st.composite
def histories(draw, min_size: int = 0, max_size: int = 40, statuses=STATUSES):
    n = draw(st.integers(min_size, max_size))
    result = []
    for oid in range(1, n + 1):
        years = draw(st.frozensets(st.integers(START - 6, START - 1), max_size=4))
        result.append(ap.OrgHistory(id=oid, status=draw(st.sampled_from(statuses)), assessed_years=years))
    return result


@given(histories(), st.integers(START, START + 3), st.none() | st.integers(0, 50))
def test_proposal_never_names_an_organization_twice_or_one_assessed_this_year(hist, year, capacity):
    # some organizations were already assessed in the planned year by another authority's cycle
    hist = [ap.OrgHistory(h.id, h.status, h.assessed_years | ({year} if h.id % 5 == 0 else set())) for h in hist]
    proposal = ap.propose(hist, year, capacity)
    assert len(proposal.proposed) == len(set(proposal.proposed))
    by_id = {h.id: h for h in hist}
    for oid in proposal.proposed:
        assert year not in by_id[oid].assessed_years
        assert by_id[oid].status in ap.COVERED_STATUSES
    assert len(proposal.proposed) <= proposal.capacity
    # the list the planner proposes passes its own check
    assert ap.check(hist, year, proposal.proposed).ok


@given(histories(), st.integers(1, 4), st.none() | st.integers(0, 30))
def test_multi_year_plan_assesses_each_organization_at_most_once_a_year(hist, years, capacity):
    plan = ap.plan_years(hist, START, years, capacity)
    assert sorted(plan) == list(range(START, START + years))
    for chosen in plan.values():
        assert len(chosen) == len(set(chosen))


@given(histories(min_size=1), st.data())
def test_every_active_organization_is_covered_within_three_years_when_capacity_allows(hist, data):
    covered = [h for h in hist if h.status in ap.COVERED_STATUSES]
    needed = math.ceil(len(covered) / ap.WINDOW)
    capacity = data.draw(st.integers(needed, needed + 10))
    plan = ap.plan_years(hist, START, ap.WINDOW, capacity)
    assessed = {oid for chosen in plan.values() for oid in chosen}
    assert {h.id for h in covered} <= assessed
    # nobody liquidated or closed is ever proposed
    assert not assessed & {h.id for h in hist if h.status not in ap.COVERED_STATUSES}


@settings(max_examples=60)
@given(histories(min_size=1, statuses=[ap.ACTIVE]))
def test_steady_state_keeps_the_rule_forever(hist):
    """With the even-spread capacity the rule holds in every window over nine planned years."""
    plan = ap.plan_years(hist, START, 9)
    for h in hist:
        years = sorted({y for y, chosen in plan.items() if h.id in chosen})
        # from the third planned year on, no three consecutive years pass without an assessment
        for first in range(START + 2, START + 9 - 2):
            assert any(first <= y < first + 3 for y in years), (h, years)


@given(histories(min_size=1), st.integers(START, START + 2))
def test_gaps_are_exactly_the_due_organizations_left_out(hist, year):
    proposal = ap.propose(hist, year, capacity=0)
    assert proposal.proposed == []
    assert set(proposal.gaps) == set(proposal.due)
    check = ap.check(hist, year, [])
    assert set(check.gaps) == set(proposal.due)
    for oid in proposal.due:
        h = next(x for x in hist if x.id == oid)
        last = h.last_before(year)
        assert last is None or last <= year - ap.WINDOW


def test_check_reports_violations_with_their_codes():
    hist = [
        ap.OrgHistory(1, ap.ACTIVE, frozenset({2027})),
        ap.OrgHistory(2, ap.LIQUIDATED, frozenset()),
        ap.OrgHistory(3, ap.CLOSED, frozenset({2023})),
        ap.OrgHistory(4, ap.ACTIVE, frozenset({2024})),
        ap.OrgHistory(5, ap.REORGANIZING, frozenset({2026})),
    ]
    result = ap.check(hist, 2027, [1, 2, 3, 5, 99])
    codes = {(v.organization_id, v.code) for v in result.violations}
    assert codes == {(1, ap.ALREADY_THIS_YEAR), (2, ap.NOT_ASSESSABLE), (99, ap.UNKNOWN)}
    assert result.flagged == {2: ap.LIQUIDATED, 3: ap.CLOSED, 5: ap.REORGANIZING}
    assert result.gaps == [4]  # assessed in 2024: its window 2025–2027 closes now
    proposal = ap.propose(hist, 2027, capacity=1)
    assert proposal.proposed == [4]
    assert proposal.skipped_this_year == [1]
