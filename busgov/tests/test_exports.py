"""Packages for placement, re-opened and checked against the published Result values and the layout."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from busgov import services
from busgov.choices import InfoKind
from busgov.models import ExportPackage, Layout
from cycles.models import Cycle, CycleOrganization
from plans.models import Plan, PlanItem
from scoring.models import Methodology, Result


@pytest.fixture
def closed_cycle(municipality):
    return Cycle.objects.get(territory=municipality, year=2025)


def _members(package: ExportPackage) -> dict[str, bytes]:
    package.job.refresh_from_db()
    with package.job.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return {name.rsplit(".", 1)[-1]: archive.read(name) for name in archive.namelist()}


def _expected(cycle):
    places = Methodology.objects.get(code=cycle.methodology_version).publish_decimals
    quantum = Decimal(1).scaleb(-places)
    values = {}
    for entry_id, code, value in (
        Result.objects.final().filter(cycle=cycle).values_list("cycle_organization_id", "code", "value")
    ):
        values[(entry_id, code)] = None if value is None else value.quantize(quantum, rounding=ROUND_HALF_UP)
    return values


def test_results_package_matches_results_and_layout(municipal_official, closed_cycle):
    package = services.start_export(municipal_official, closed_cycle, InfoKind.RESULTS)
    package.refresh_from_db()
    assert package.status == ExportPackage.Status.READY and package.job.file
    layout = Layout.objects.get(code=package.layout_code)
    files = _members(package)
    assert set(files) == {"xlsx", "csv", "xml", "json"}  # json = manifest

    sheet = openpyxl.load_workbook(io.BytesIO(files["xlsx"]), data_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    headers = list(rows[0])
    assert headers == [c["header"] for c in layout.columns]  # every declared column, in order
    col = {c["code"]: headers.index(c["header"]) for c in layout.columns}
    entries = list(CycleOrganization.objects.included().filter(cycle=closed_cycle).select_related("organization"))
    by_inn = {r[col["inn"]]: r for r in rows[1:]}
    assert sorted(by_inn) == sorted(e.organization.inn for e in entries)  # no organization missing
    expected = _expected(closed_cycle)
    checked = 0
    for entry in entries:
        row = by_inn[entry.organization.inn]
        assert (row[col["busgov_id"]] or "") == entry.organization.busgov_id
        for column in layout.columns:
            if not column["source"].startswith("result:"):
                continue
            code = column["source"].split(":", 1)[1]
            value = expected.get((entry.pk, code))
            cell = row[col[column["code"]]]
            if value is None:
                assert cell is None
            else:
                assert Decimal(str(cell)).quantize(value) == value
                checked += 1
    assert checked >= len(entries) * 20

    # CSV and XML carry the same numbers
    reader = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig")), delimiter=";"))
    assert reader[0] == headers and len(reader) == len(rows)
    total_at = headers.index(next(c["header"] for c in layout.columns if c["source"] == "result:S"))
    inn_at = headers.index("ИНН")
    entry_by_inn = {e.organization.inn: e for e in entries}
    for line in reader[1:]:
        value = expected[(entry_by_inn[line[inn_at]].pk, "S")]
        assert Decimal(line[total_at].replace(",", ".")) == value
    root = ET.fromstring(files["xml"])  # noqa: S314 - the file the test just generated
    assert root.tag == layout.definition["xml"]["root"] and int(root.get("count")) == len(entries)
    for item in root:
        entry = entry_by_inn[item.findtext("inn")]
        assert Decimal(item.findtext("total")) == expected[(entry.pk, "S")]
        k1 = next(el for el in item.findall("criterion") if el.get("code") == "K1")
        assert Decimal(k1.text) == expected[(entry.pk, "K1")]


def test_validation_names_missing_busgov_id(municipal_official, closed_cycle):
    entry = CycleOrganization.objects.included().filter(cycle=closed_cycle).select_related("organization").first()
    entry.organization.busgov_id = ""
    entry.organization.save()
    package = services.start_export(municipal_official, closed_cycle, InfoKind.RESULTS)
    missing = [p for p in package.problems if p["column"] == "busgov_id"]
    assert [p["organization"] for p in missing] == [entry.organization.short_name]
    sheet = openpyxl.load_workbook(io.BytesIO(_members(package)["xlsx"])).worksheets[1]
    assert any(entry.organization.short_name in (row[1] or "") for row in sheet.iter_rows(values_only=True))


def test_plans_package_has_every_item_of_approved_plans(municipal_official, closed_cycle):
    package = services.start_export(municipal_official, closed_cycle, InfoKind.PLAN)
    package.refresh_from_db()
    approved = Plan.objects.approved().filter(cycle=closed_cycle)
    items = PlanItem.objects.filter(plan__in=approved.proper()).count()
    expected_rows = items + approved.exceptions().count()
    assert package.rows == expected_rows
    sheet = openpyxl.load_workbook(io.BytesIO(_members(package)["xlsx"])).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) - 1 == expected_rows
    assert "Наименование мероприятия" in rows[0][8]
    not_approved = Plan.objects.filter(cycle=closed_cycle).exclude(status="approved")
    names = {p["organization"] for p in package.problems}
    for plan in not_approved:
        assert plan.cycle_organization.organization.short_name in names


def test_no_final_results_blocks_and_strangers_are_refused(municipal_official, regional_official, municipality):
    current = Cycle.objects.get(territory=municipality, year=2026)
    with pytest.raises(ValidationError, match="итоговых"):
        services.start_export(municipal_official, current, InfoKind.RESULTS)
    region_cycle = Cycle.objects.get(territory__parent__isnull=True, year=2025)
    with pytest.raises(PermissionDenied):
        services.start_export(municipal_official, region_cycle, InfoKind.RESULTS)
    assert services.start_export(regional_official, Cycle.objects.get(territory=municipality, year=2025), "results")


def test_package_pages_and_downloads(client_for, municipal_official, other_municipality, closed_cycle):
    client = client_for(municipal_official)
    response = client.post(f"/busgov/cycles/{closed_cycle.pk}/export/results/")
    package = ExportPackage.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{package.job_id}/"
    page = client.get(package.get_absolute_url())
    assert page.status_code == 200 and package.sha256 in page.content.decode()
    xml = client.get(f"/busgov/packages/{package.pk}/download/xml/")
    assert xml.status_code == 200 and xml.content.startswith(b"<?xml")
    other = Cycle.objects.get(territory=other_municipality, year=2025)
    assert client.get(f"/busgov/cycles/{other.pk}/").status_code == 404
