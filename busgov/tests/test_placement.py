"""Placement of results and plans on bus.gov.ru: marks, the status file, overdue flags, audit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from busgov import monitoring, services, workdays
from busgov.choices import ImportKind, InfoKind, PlacementSource, PlacementStatus
from busgov.models import Placement
from busgov.tests.conftest import read_fixture
from cycles.models import Cycle, CycleOrganization

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def cycle_2025(municipality):
    return Cycle.objects.get(territory=municipality, year=2025)


def test_overdue_results_are_flagged_against_the_deadline(municipal_official, cycle_2025):
    table = monitoring.placement_table(municipal_official, cycle_2025, TODAY)
    due = table["results_due"].due
    assert due is not None and due < TODAY
    rows = table["rows"]
    overdue = [r for r in rows if r["results_overdue"]]
    unplaced_final = [r for r in rows if r["has_final"] and not r["results_placed"]]
    assert overdue == unplaced_final
    assert table["counts"]["results_overdue"] == len(overdue)
    # before the deadline nothing is overdue
    early = monitoring.placement_table(municipal_official, cycle_2025, table["results_due"].start)
    assert early["counts"].get("results_overdue", 0) == 0
    late = [r for r in rows if r["results_late"]]
    assert all(r["results"].placed_on > due for r in late)


def test_marking_placed_clears_the_flag_and_is_audited(municipal_official, cycle_2025):
    entry = CycleOrganization.objects.included().filter(cycle=cycle_2025).first()
    Placement.objects.filter(cycle_organization=entry).delete()
    due = services.results_deadline(cycle_2025).due
    row = next(
        r for r in monitoring.placement_table(municipal_official, cycle_2025, TODAY)["rows"] if r["entry"] == entry
    )
    assert row["results_overdue"] == row["has_final"]
    placement = services.mark_placement(
        municipal_official, entry, InfoKind.RESULTS, placed_on=due, url="https://bus.gov.ru/info-card/1"
    )
    row = next(
        r for r in monitoring.placement_table(municipal_official, cycle_2025, TODAY)["rows"] if r["entry"] == entry
    )
    assert row["results_placed"] and not row["results_overdue"] and not row["results_late"]
    audit = AuditEntry.objects.get(action="busgov.placement.marked", target_id=str(placement.pk))
    assert audit.after["status"] == "placed" and audit.before is None
    with pytest.raises(ValidationError):
        services.mark_placement(municipal_official, entry, InfoKind.RESULTS, url="ftp://x")
    after_due = workdays.add_working_days(due, 2)
    services.mark_placement(municipal_official, entry, InfoKind.RESULTS, placed_on=after_due)
    row = next(
        r for r in monitoring.placement_table(municipal_official, cycle_2025, TODAY)["rows"] if r["entry"] == entry
    )
    assert row["results_late"]


def test_status_file_import(municipal_official, sample_orgs, cycle_2025):
    for key in ("a", "b"):
        CycleOrganization.objects.create(cycle=cycle_2025, organization=sample_orgs[key])
    batch = services.prepare_import(municipal_official, ImportKind.STATUS, read_fixture("status-2025.csv"), "s.csv")
    assert batch.errors == [] and len(batch.rows) == 3
    assert services.apply_import(municipal_official, batch) == {"changed": 3, "unchanged": 0}
    a_results = Placement.objects.get(cycle_organization__organization=sample_orgs["a"], kind=InfoKind.RESULTS)
    assert a_results.status == PlacementStatus.PLACED and a_results.placed_on == datetime.date(2025, 12, 10)
    assert a_results.source == PlacementSource.STATUS_FILE and a_results.url.endswith("770001")
    a_plan = Placement.objects.get(cycle_organization__organization=sample_orgs["a"], kind=InfoKind.PLAN)
    assert a_plan.status == PlacementStatus.MODERATION
    again = services.prepare_import(municipal_official, ImportKind.STATUS, read_fixture("status-2025.csv"), "s.csv")
    assert services.apply_import(municipal_official, again) == {"changed": 0, "unchanged": 3}
    bad = "ИНН;Вид информации;Год;Статус\n2700000031;Результаты НОК;2025;Опубликовано\n2700000017;Отчёт;2025;Готово\n"
    batch = services.prepare_import(municipal_official, ImportKind.STATUS, bad.encode(), "bad.csv")
    messages = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "не оценивалась в 2025 году" in messages[(2, "C «Год»")]
    assert "неизвестный вид информации" in messages[(3, "B «Вид информации»")]
    assert "неизвестный статус" in messages[(3, "D «Статус»")]


def test_placement_page(client_for, municipal_official, cycle_2025):
    client = client_for(municipal_official)
    page = client.get(f"/busgov/cycles/{cycle_2025.pk}/")
    assert page.status_code == 200
    due = services.results_deadline(cycle_2025).due
    assert due.strftime("%d.%m.%Y") in page.content.decode()
    entry = CycleOrganization.objects.included().filter(cycle=cycle_2025).first()
    response = client.post(
        f"/busgov/placement/{entry.pk}/results/",
        {"kind": "results", "status": "placed", "placed_on": "2026-01-15", "url": "https://bus.gov.ru/x"},
    )
    assert response.status_code == 302
    assert Placement.objects.get(cycle_organization=entry, kind="results").placed_on == datetime.date(2026, 1, 15)
