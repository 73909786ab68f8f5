"""Phases with dates (where the cycle is, what is late, who acts) and the operator's contract."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from cycles import services
from cycles.models import Cycle, CyclePhase, Phase


@pytest.fixture
def cycle(municipal_official, municipality):
    cycle = services.create_cycle(municipal_official, municipality, 2027)
    services.ensure_phases(cycle)
    return cycle


def test_phases_follow_the_cycle_and_show_who_acts(cycle):
    phases = list(cycle.phases.all())
    assert [p.phase for p in phases] == [p for p in Phase.values if p != Phase.CLOSED]
    assert all(p.responsible for p in phases)
    assert services.ensure_phases(cycle) and cycle.phases.count() == len(phases)  # idempotent
    early = datetime.date(2027, 1, 20)
    states = {p.phase: p.state(early) for p in phases}
    assert states[Phase.PREPARATION] == CyclePhase.State.CURRENT
    assert states[Phase.COLLECTION] == CyclePhase.State.UPCOMING
    late = datetime.date(2027, 5, 1)  # preparation should have ended on 31 March
    states = {p.phase: p.state(late) for p in cycle.phases.all()}
    assert states[Phase.PREPARATION] == CyclePhase.State.LATE
    assert states[Phase.COLLECTION] == CyclePhase.State.LATE  # should have started in April


def test_data_collection_waits_for_the_approved_list(cycle, municipal_official):
    with pytest.raises(ValidationError):
        services.advance_phase(municipal_official, cycle)
    Cycle.objects.filter(pk=cycle.pk).update(list_frozen=True)
    cycle.refresh_from_db()
    services.advance_phase(municipal_official, cycle, today=datetime.date(2027, 4, 2))
    assert Cycle.objects.get(pk=cycle.pk).phase == Phase.COLLECTION
    preparation = cycle.phases.get(phase=Phase.PREPARATION)
    collection = cycle.phases.get(phase=Phase.COLLECTION)
    assert preparation.completed_on == datetime.date(2027, 4, 2)
    assert collection.started_on == datetime.date(2027, 4, 2)
    assert preparation.state(datetime.date(2027, 4, 3)) == CyclePhase.State.DONE


def test_phase_dates_are_validated_and_audited(cycle, municipal_official):
    row = cycle.phases.get(phase=Phase.COLLECTION)
    with pytest.raises(ValidationError):
        services.update_phase_dates(
            municipal_official,
            row,
            {"planned_start": datetime.date(2027, 5, 1), "planned_end": datetime.date(2027, 4, 1)},
        )
    row.refresh_from_db()
    services.update_phase_dates(municipal_official, row, {"planned_end": datetime.date(2027, 7, 15)})
    entry = AuditEntry.objects.filter(action="cycles.phase.dates").latest("pk")
    assert entry.before["planned_end"] == "2027-06-30" and entry.after["planned_end"] == "2027-07-15"


def test_cycle_page_shows_the_late_phase_of_a_demo_cycle(municipality, municipal_official, client_for):
    current = Cycle.objects.get(territory=municipality, year=2026)
    page = client_for(municipal_official).get(current.get_absolute_url())
    assert page.status_code == 200
    phase = page.context["current_phase"]
    assert phase.phase == current.phase
    expected_late = phase.planned_end < datetime.date.today()
    assert (phase in page.context["late_phases"]) == expected_late
    assert phase.responsible in page.content.decode()


def test_operator_contract_milestones_and_acceptance(cycle, municipal_official):
    engagement = services.save_operator(
        municipal_official,
        cycle,
        {
            "name": "АНО «Оператор»",
            "basis": "contract",
            "contract_number": "15/НОК",
            "report_due": datetime.date(2027, 10, 1),
        },
    )
    milestone = services.add_milestone(municipal_official, engagement, "Анкетирование", datetime.date(2027, 6, 1))
    assert milestone.is_late(datetime.date(2027, 6, 2))
    services.complete_milestone(municipal_official, milestone, datetime.date(2027, 5, 30))
    milestone.refresh_from_db()
    assert not milestone.is_late(datetime.date(2027, 6, 2))
    with pytest.raises(ValidationError):
        services.accept_operator_report(municipal_official, engagement, datetime.date(2027, 10, 5))
    services.save_operator(municipal_official, cycle, {"report_received_on": datetime.date(2027, 10, 1)})
    engagement.refresh_from_db()
    services.accept_operator_report(municipal_official, engagement, datetime.date(2027, 10, 5), "без замечаний")
    engagement.refresh_from_db()
    assert engagement.accepted_by == municipal_official
    actions = set(AuditEntry.objects.filter(target_id=str(cycle.pk)).values_list("action", flat=True))
    assert {"cycles.operator.saved", "cycles.operator.milestone_done", "cycles.operator.accepted"} <= actions


def test_operator_page_is_for_the_authority_only(cycle, municipal_official, operator_user, client_for):
    assert client_for(municipal_official).get(f"/cycles/{cycle.pk}/operator/").status_code == 200
    response = client_for(operator_user).get(f"/cycles/{cycle.pk}/operator/")
    assert response.status_code == 403
