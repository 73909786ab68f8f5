"""The plan in the ПП 457 form: DOCX re-opened with python-docx, XLSX re-opened with openpyxl."""

from __future__ import annotations

import datetime
import io

from docx import Document
from openpyxl import load_workbook

from plans import documents, services
from plans.choices import SECTIONS, ExceptionReason, ItemStatus
from plans.tests.conftest import fill


def _approved(plan, staff, official):
    fill(plan, staff)
    services.submit_plan(staff, plan)
    return services.approve_plan(
        official,
        plan,
        approver_name="О.В. Смирнова",
        approver_position="Начальник управления образования",
        approved_on=datetime.date(2026, 3, 12),
    )


def test_docx_has_the_form_columns_sections_and_rows(draft_plan, staff_for, municipal_official):
    staff = staff_for(draft_plan.organization)
    plan = _approved(draft_plan, staff, municipal_official)
    item = plan.items.order_by("pk").first()
    services.save_progress(
        staff,
        item,
        {
            "status": ItemStatus.DONE,
            "actual_measures": "Сведения размещены 01.02.2026",
            "actual_date": datetime.date(2026, 2, 1),
        },
        now=datetime.datetime(2026, 3, 20, tzinfo=datetime.UTC),
    )
    doc = Document(io.BytesIO(documents.plan_docx(plan)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "УТВЕРЖДАЮ" in text
    assert "Начальник управления образования" in text and "О.В. Смирнова" in text
    assert "«12» марта 2026 г." in text
    assert "ПЛАН" in text and plan.organization.full_name in text and f"на {plan.year} год" in text

    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    for title in documents.COLUMNS:
        assert title in header
    assert documents.PROGRESS in header[4] and header[4] == header[5]  # merged column 5
    assert [c.text for c in table.rows[1].cells][4:] == documents.PROGRESS_COLUMNS
    assert [c.text for c in table.rows[2].cells] == ["1", "2", "3", "4", "5", "6"]

    section_rows = [r for r in table.rows[3:] if len({c.text for c in r.cells}) == 1]
    titles = [r.cells[0].text for r in section_rows if r.cells[0].text.split(".")[0] in {"I", "II", "III", "IV", "V"}]
    assert titles == [f"{numeral}. {title}" for _code, numeral, title in SECTIONS]

    item_rows = [r for r in table.rows[3:] if len({c.text for c in r.cells}) > 1]
    assert len(item_rows) == plan.items.count()
    first = next(r for r in item_rows if r.cells[0].text == item.shortcoming_text and r.cells[1].text == item.measure)
    assert first.cells[2].text == item.deadline.strftime("%d.%m.%Y")
    assert first.cells[3].text == "Иванова Мария Петровна, заместитель директора"
    assert first.cells[4].text == "Сведения размещены 01.02.2026" and first.cells[5].text == "01.02.2026"
    # items appear under the header of their own section
    rows = list(table.rows[3:])
    for it in plan.items.all():
        index = next(
            i for i, r in enumerate(rows) if r.cells[0].text == it.shortcoming_text and r.cells[1].text == it.measure
        )
        header_above = next(r.cells[0].text for r in reversed(rows[:index]) if len({c.text for c in r.cells}) == 1)
        assert header_above.startswith(f"{it.section_numeral}. ")


def test_exception_document_is_the_explanation(draft_plan, municipal_official):
    services.record_exception(municipal_official, draft_plan, ExceptionReason.TEMPORARY_CLOSURE)
    doc = Document(io.BytesIO(documents.plan_docx(draft_plan)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "ПОЯСНЕНИЕ" in text and "Иная информация" in text
    assert "временно приостановлена" in text
    assert not doc.tables


def test_xlsx_lists_every_item_with_progress(draft_plan, staff_for, municipal_official):
    staff = staff_for(draft_plan.organization)
    plan = _approved(draft_plan, staff, municipal_official)
    sheet = load_workbook(io.BytesIO(documents.plan_xlsx(plan))).active
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(i for i, r in enumerate(rows) if r[0] == "Раздел")
    assert list(rows[header_index][2:6]) == documents.COLUMNS
    data = [r for r in rows[header_index + 1 :] if r[1] is not None or (r[0] and r[2])]
    assert len(data) == plan.items.count()
    assert {r[3] for r in data} == set(plan.items.values_list("measure", flat=True))


def test_report_docx_is_the_same_form_titled_as_the_report(draft_plan, staff_for, municipal_official, client_for):
    staff = staff_for(draft_plan.organization)
    plan = _approved(draft_plan, staff, municipal_official)
    response = client_for(staff).get(f"/plans/{plan.pk}/docx/?report=1")
    assert response.status_code == 200 and "plan-report-" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "СВЕДЕНИЯ О ХОДЕ РЕАЛИЗАЦИИ" in text and "по состоянию на" in text
    assert [c.text for c in doc.tables[0].rows[2].cells] == ["1", "2", "3", "4", "5", "6"]


def test_fulfilment_per_organization_matches_the_municipal_totals(client_for, municipal_official):
    rows = services.organization_rows(municipal_official, 2025)
    summary = services.control_summary(municipal_official, 2025)
    assert rows and {r["territory"] for r in rows} == {summary["rows"][0]["territory"]}
    assert sum(r["done"] for r in rows) == summary["totals"]["done"]
    assert sum(r["overdue"] for r in rows) == summary["totals"]["overdue"]
    response = client_for(municipal_official).get("/plans/control/xlsx/?year=2025")
    sheet = load_workbook(io.BytesIO(response.content)).active
    body = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(body) == len(rows)
    assert sorted(r[2] for r in body) == sorted(r["organization"].inn for r in rows)
