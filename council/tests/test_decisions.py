"""Meetings, attendance and quorum, decisions approving objects of other apps."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from council import services
from council.models import Council, Decision, DecisionKind, Meeting
from cycles import services as cycle_services
from cycles.planner import plan_cycle

DAY = datetime.date(2027, 2, 10)


@pytest.fixture
def council(municipality):
    return Council.objects.get(territory=municipality)


@pytest.fixture
def cycle(municipal_official, municipality):
    cycle = cycle_services.create_cycle(municipal_official, municipality, 2027)
    cycle_services.set_list(municipal_official, cycle, plan_cycle(cycle).proposal.proposed)
    return cycle


@pytest.fixture
def meeting(municipal_official, council, cycle):
    meeting = services.save_meeting(
        municipal_official, council, {"date": DAY, "place": "зал заседаний", "cycle": cycle}
    )
    services.add_agenda_item(municipal_official, meeting, "list")
    return meeting


def _members(council, day=DAY):
    return list(council.members.active_on(day))


def test_meeting_is_numbered_within_its_year(meeting, council):
    assert meeting.number == str(Meeting.objects.filter(council=council, date__year=2027).count())
    assert meeting.agenda.get().title.startswith("О перечне организаций")


def test_decision_with_quorum_and_majority_approves_and_freezes_the_list(meeting, cycle, council, municipal_official):
    members = _members(council)
    services.record_attendance(municipal_official, meeting, [m.pk for m in members], today=DAY)
    decision = services.record_decision(
        municipal_official,
        meeting,
        text="Утвердить перечень организаций на 2027 год",
        kind=DecisionKind.APPROVE_LIST,
        agenda_item=meeting.agenda.get(),
        votes_for=len(members),
        target=cycle,
    )
    assert decision.adopted
    cycle.refresh_from_db()
    assert cycle.list_frozen
    assert list(services.decisions_for(cycle)) == [decision]
    assert decision.target == cycle
    assert AuditEntry.objects.filter(action="cycles.list.approved", target_id=str(cycle.pk)).exists()


def test_without_quorum_nothing_is_approved(meeting, cycle, council, municipal_official):
    members = _members(council)
    few = members[: int(len(members) * council.quorum_share)]  # not more than half
    services.record_attendance(municipal_official, meeting, [m.pk for m in few], today=DAY)
    q = services.quorum(meeting)
    assert (q["present"], q["total"], q["met"]) == (len(few), len(members), False)
    decision = services.record_decision(
        municipal_official, meeting, text="Утвердить", kind=DecisionKind.APPROVE_LIST, votes_for=len(few), target=cycle
    )
    assert not decision.adopted
    cycle.refresh_from_db()
    assert not cycle.list_frozen


def test_minority_vote_does_not_adopt(meeting, cycle, council, municipal_official):
    members = _members(council)
    services.record_attendance(municipal_official, meeting, [m.pk for m in members], today=DAY)
    half = len(members) // 2
    decision = services.record_decision(
        municipal_official,
        meeting,
        text="Утвердить",
        kind=DecisionKind.APPROVE_LIST,
        votes_for=half,
        votes_against=len(members) - half,
        target=cycle,
    )
    assert not decision.adopted and not type(cycle).objects.get(pk=cycle.pk).list_frozen


def test_bad_records_are_refused(meeting, cycle, council, municipal_official):
    with pytest.raises(ValidationError):  # no attendance yet
        services.record_decision(municipal_official, meeting, text="x", votes_for=1)
    with pytest.raises(ValidationError):  # the meeting is in the future
        services.record_attendance(municipal_official, meeting, [], today=DAY - datetime.timedelta(days=1))
    members = _members(council)
    services.record_attendance(municipal_official, meeting, [m.pk for m in members[:5]], today=DAY)
    with pytest.raises(ValidationError):  # more votes than people present
        services.record_decision(municipal_official, meeting, text="x", votes_for=6)
    with pytest.raises(ValidationError):  # approving a list needs the list
        services.record_decision(municipal_official, meeting, text="x", kind=DecisionKind.APPROVE_LIST, votes_for=5)
    assert not Decision.objects.filter(meeting=meeting).exists()


def test_failed_approval_rolls_the_decision_back(meeting, cycle, council, municipal_official):
    type(cycle).objects.filter(pk=cycle.pk).update(list_frozen=True)
    cycle.refresh_from_db()
    members = _members(council)
    services.record_attendance(municipal_official, meeting, [m.pk for m in members], today=DAY)
    with pytest.raises(ValidationError):
        services.record_decision(
            municipal_official, meeting, text="x", kind=DecisionKind.APPROVE_LIST, votes_for=len(members), target=cycle
        )
    assert not Decision.objects.filter(meeting=meeting).exists()


def test_other_objects_can_be_referenced_without_a_handler(meeting, council, municipal_official, municipality):
    from cycles.models import ActivityPlan

    plan = ActivityPlan.objects.get(territory=municipality)
    members = _members(council)
    services.record_attendance(municipal_official, meeting, [m.pk for m in members], today=DAY)
    decision = services.record_decision(
        municipal_official, meeting, text="Одобрить план", kind=DecisionKind.OTHER, votes_for=len(members), target=plan
    )
    decision.refresh_from_db()
    assert decision.target == plan and decision.target_repr == str(plan)
    assert list(services.decisions_for(plan)) == [decision]


def test_demo_lists_are_approved_by_decisions_of_their_councils(municipality):
    from cycles.models import Cycle

    for cycle in Cycle.objects.filter(territory=municipality):
        decisions = list(services.decisions_for(cycle).filter(kind=DecisionKind.APPROVE_LIST))
        assert len(decisions) == 1
        assert decisions[0].meeting.council.territory == municipality
        assert decisions[0].meeting.date.year == cycle.year


def test_meeting_counts(council, municipality):
    meetings = Meeting.objects.filter(council=council, date__year=2025)
    assert services.meeting_counts(municipality, 2025) == (
        meetings.exclude(status="cancelled").count(),
        meetings.filter(status="held").count(),
    )
