"""Target indicators computed from the system's data, shown plan vs fact and exported to XLSX."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from cycles import hooks, indicators, services
from cycles.models import CycleOrganization, TargetCode
from lib.score_inputs import SITE_HAS_QUESTIONNAIRE, InputValue
from registry.models import Organization


def _row(rows, code):
    return next(r for r in rows if r.code == code)


@pytest.fixture
def no_sitecheck(monkeypatch):
    real = hooks._optional
    monkeypatch.setattr(
        hooks, "_optional", lambda module, name: None if module.startswith("sitecheck") else real(module, name)
    )


def test_assessed_count_and_share_come_from_the_cycle_lists(municipality, no_sitecheck):
    orgs = [
        o for o in Organization.objects.filter(territory=municipality, parent__isnull=True) if o.status != "liquidated"
    ]
    on_lists = {
        e.organization_id
        for e in CycleOrganization.objects.filter(cycle__year=2025, status="included").select_related("cycle")
    }
    expected = sum(1 for o in orgs if o.pk in on_lists)
    row = _row(indicators.target_indicators(municipality, 2025), TargetCode.ASSESSED)
    assert row.denominator == len(orgs)
    assert row.fact_count == expected
    assert row.fact_share == (Decimal(expected * 100) / len(orgs)).quantize(Decimal("0.1"))
    # excluding one organization from the list lowers the fact by one
    entry = CycleOrganization.objects.filter(cycle__year=2025, organization__territory=municipality).first()
    entry.status = CycleOrganization.Status.EXCLUDED
    entry.save()
    assert _row(indicators.target_indicators(municipality, 2025), TargetCode.ASSESSED).fact_count == expected - 1


def test_questionnaire_on_sites_says_no_data_without_the_site_checker(municipality, no_sitecheck):
    row = _row(indicators.target_indicators(municipality, 2026), TargetCode.SITE_QUESTIONNAIRE)
    assert row.fact_count is None and row.note == indicators.NO_DATA
    assert row.planned_share == Decimal(100)  # the plan is still shown


def test_questionnaire_on_sites_is_read_from_the_site_checkers_inputs(municipality, monkeypatch):
    entries = list(CycleOrganization.objects.filter(cycle__year=2026, organization__territory=municipality))
    with_form = {e.pk for e in entries[::2]}

    def provide(cycle):
        for e in entries:
            if e.cycle_id == cycle.pk:
                yield InputValue(e.pk, SITE_HAS_QUESTIONNAIRE, Decimal(int(e.pk in with_form)), "sitecheck")

    class FakeScoreInputs:
        pass

    FakeScoreInputs.provide = staticmethod(provide)
    monkeypatch.setattr(
        hooks,
        "_optional",
        lambda module, name: provide if (module, name) == ("sitecheck.score_inputs", "provide") else None,
    )
    row = _row(indicators.target_indicators(municipality, 2026), TargetCode.SITE_QUESTIONNAIRE)
    assert row.fact_count == len(with_form)
    assert row.note.startswith("проверено сайтов: ")


def test_council_meetings_planned_and_held(municipality, municipal_official, no_sitecheck):
    from council import services as council_services
    from council.models import Council, Meeting

    council = Council.objects.get(territory=municipality)
    held = Meeting.objects.filter(council=council, date__year=2026, status="held").count()
    row = _row(indicators.target_indicators(municipality, 2026), TargetCode.COUNCIL_MEETINGS)
    assert row.fact_count == held
    assert row.planned_count == 4  # the demo's plan: one meeting a quarter
    meeting = council_services.save_meeting(
        municipal_official, council, {"date": datetime.date(2026, 3, 1), "place": "администрация"}
    )
    council_services.record_attendance(
        municipal_official, meeting, [m.pk for m in council.members.all()], today=datetime.date(2026, 3, 2)
    )
    assert _row(indicators.target_indicators(municipality, 2026), TargetCode.COUNCIL_MEETINGS).fact_count == held + 1


def test_plan_values_are_editable_and_audited(municipality, municipal_official, no_sitecheck):
    from audit.models import AuditEntry

    services.set_target_plan(municipal_official, municipality, 2027, TargetCode.ASSESSED, 12, Decimal("33.3"))
    row = _row(indicators.target_indicators(municipality, 2027), TargetCode.ASSESSED)
    assert (row.planned_count, row.planned_share) == (12, Decimal("33.3"))
    assert row.fact_count == 0 and row.achieved is False
    entry = AuditEntry.objects.filter(action="cycles.target.planned").latest("pk")
    assert entry.after == {"planned_count": 12, "planned_share": "33.3"}


def test_export_xlsx_holds_plan_and_fact_of_each_year(municipality, municipal_official, client_for, no_sitecheck):
    client = client_for(municipal_official)
    response = client.get(
        "/cycles/indicators/export.xlsx", {"territory": municipality.pk, "year_from": 2024, "year_to": 2026}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    data = indicators.indicators_by_year(municipality, [2024, 2025, 2026])
    assert sheet.cell(4, 2).value == str(TargetCode.ASSESSED.label)
    for index, year in enumerate([2024, 2025, 2026]):
        column = 3 + index * 5
        assert sheet.cell(2, column).value == str(year)
        assessed = _row(data[year], TargetCode.ASSESSED)
        assert sheet.cell(4, column).value == assessed.planned_count
        assert sheet.cell(4, column + 2).value == assessed.fact_count
        assert sheet.cell(5, column + 2).value == indicators.NO_DATA


def test_indicator_page_is_limited_to_visible_territories(municipal_official, other_municipality, client_for):
    client = client_for(municipal_official)
    page = client.get("/cycles/indicators/")
    assert page.status_code == 200
    assert page.context["territory"] == municipal_official.memberships.get().territory
    stranger = client.get(
        "/cycles/indicators/", {"territory": other_municipality.pk, "year_from": 2024, "year_to": 2026}
    )
    assert stranger.context["form"].errors  # a territory outside the scope is not a choice
    assert stranger.context["territory"] != other_municipality


def test_questionnaire_fact_matches_the_real_site_checker(municipality):
    score_inputs = pytest.importorskip("sitecheck.score_inputs")
    from cycles.models import Cycle

    found = {}
    for cycle in Cycle.objects.filter(year=2026):
        entry_orgs = dict(cycle.entries.values_list("pk", "organization_id"))
        for value in score_inputs.provide(cycle):
            if value.key == SITE_HAS_QUESTIONNAIRE:
                org_id = entry_orgs[value.cycle_organization_id]
                found[org_id] = found.get(org_id, False) or value.value > 0
    ids = set(indicators.assessable_organizations(municipality).values_list("pk", flat=True))
    row = _row(indicators.target_indicators(municipality, 2026), TargetCode.SITE_QUESTIONNAIRE)
    if not found.keys() & ids:
        assert row.note == indicators.NO_DATA
    else:
        assert row.fact_count == sum(1 for oid in ids if found.get(oid))
        assert row.note == f"проверено сайтов: {len(found.keys() & ids)} из {len(ids)}"
