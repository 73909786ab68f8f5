"""The operator uploads a checklist, computes the cycle and opens an organization's card, in a browser."""

import io

import pytest
import xlsxwriter

pytestmark = pytest.mark.browser
PASSWORD = "Operator-2027-pass"


def _minimal_region():
    from django.contrib.auth.models import User

    from accounts.models import Membership, Role
    from cycles.models import Cycle, CycleOrganization
    from lib.ru_ids import inn_with_checksum
    from registry.models import Organization, Territory
    from scoring.services import methodology_for

    region = Territory.objects.create(name="Тестовая область", kind="region")
    municipality = Territory.objects.create(name="Тестовый округ", kind="municipality", parent=region)
    cycle = Cycle.objects.create(territory=municipality, year=2027, title="НОКО 2027: Тестовый округ")
    orgs = []
    for n in range(1, 4):
        org = Organization.objects.create(
            full_name=f"Муниципальное бюджетное общеобразовательное учреждение «Школа № {n}»",
            short_name=f"МБОУ Школа № {n}",
            inn=inn_with_checksum(f"250000{n:03d}"),
            org_type="oo",
            territory=municipality,
        )
        CycleOrganization.objects.create(cycle=cycle, organization=org)
        orgs.append(org)
    operator = User.objects.create_user("oper", password=PASSWORD)
    Membership.objects.create(user=operator, role=Role.OPERATOR, territory=municipality)
    methodology_for(cycle)
    return cycle, orgs


def _inputs_file(orgs) -> bytes:
    """Everything but the survey of school 3 is complete; school 1 lacks drinking water."""
    keys = {
        "stand.items_required": 10,
        "stand.items_present": 10,
        "site.items_required": 50,
        "site.items_present": 45,
        "site.remote_channels": 4,
        "site.bvi_version": 1,
        "comfort.conditions": 5,
        "access.premises_conditions": 3,
        "access.service_conditions": 4,
        "survey.respondents": 100,
    }
    codes = [
        "info_stand_used",
        "info_stand_satisfied",
        "info_site_used",
        "info_site_satisfied",
        "comfort_satisfied",
        "disability",
        "accessibility_satisfied",
        "first_contact_polite",
        "service_staff_polite",
        "remote_used",
        "remote_polite",
        "recommend",
        "org_conditions_satisfied",
        "overall_satisfied",
    ]
    headers = ["ИНН", *keys, "comfort.conditions.missing"]
    for code in codes:
        headers += [f"survey.{code}.yes", f"survey.{code}.answered"]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, headers)
    for row, org in enumerate(orgs, start=1):
        values = dict(keys)
        missing = ""
        if row == 1:
            values["comfort.conditions"] = 4
            missing = "drinking_water"
        cells = [org.inn, *values.values(), missing]
        for _code in codes:
            cells += [90 - row, 100]
        sheet.write_row(row, 0, cells)
    book.close()
    return buffer.getvalue()


def test_operator_imports_computes_and_reads_a_card(transactional_db, login_as, page, live_server, tmp_path):
    cycle, orgs = _minimal_region()
    upload = tmp_path / "inputs.xlsx"
    upload.write_bytes(_inputs_file(orgs))

    login_as("oper", PASSWORD)
    page.goto(f"{live_server.url}/scoring/cycles/{cycle.pk}/import/")
    page.set_input_files("#id_inputs", str(upload))
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Загружено" in page.content()

    page.goto(f"{live_server.url}/scoring/cycles/{cycle.pk}/")
    page.click("text=Рассчитать")
    page.wait_for_load_state("networkidle")
    assert "/jobs/" in page.url

    page.goto(f"{live_server.url}/scoring/cycles/{cycle.pk}/")
    rows = page.locator("table.scoring-table tbody tr")
    assert rows.count() == 3
    assert "МБОУ Школа № 1" in rows.nth(2).inner_text()  # the weakest: fewer comfort conditions
    page.click("text=МБОУ Школа № 1")
    page.wait_for_load_state("networkidle")
    body = page.content()
    assert "наличие и доступность питьевой воды" in body
    assert "95% интервал" in body
