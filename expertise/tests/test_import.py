"""Checklist results from XLSX: the template round-trip, named errors, nothing written on error."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from expertise import importer, services
from expertise.choices import Mark, ResultStatus
from expertise.models import ChecklistMark, ChecklistResult
from expertise.score_inputs import provide
from lib import score_inputs as keys


def _template(cycle, user):
    return openpyxl.load_workbook(io.BytesIO(importer.template_xlsx(cycle, user)))


def _save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fill(book, value_for):
    """Fill every applicable (non-grey) item cell with value_for(row, code)."""
    sheet = book["Чек-лист"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        inn = row[0].value
        for index, cell in enumerate(row):
            header = headers[index]
            if index < len(importer.FIXED) or cell.fill.fgColor.rgb not in (None, "00000000"):
                continue
            cell.value = value_for(inn, header.split(importer.SEPARATOR)[0])
    return sheet, headers


def test_template_round_trip_creates_and_submits_checklists(operator_user, fresh_cycle):
    book = _template(fresh_cycle, operator_user)
    entries = list(fresh_cycle.entries.select_related("organization"))
    assert book["Чек-лист"].max_row == 1 + len(entries) + sum(e.organization.branches.count() for e in entries)
    _fill(book, lambda inn, code: "нет" if code == "comfort.navigation" else "да")
    report = importer.import_file(fresh_cycle, operator_user, _save(book), "checklists.xlsx")
    assert report.ok, report.errors
    assert report.created == len(book["Чек-лист"]["A"]) - 1 == report.submitted
    results = ChecklistResult.objects.filter(cycle_organization__cycle=fresh_cycle)
    assert set(results.values_list("status", flat=True)) == {ResultStatus.SUBMITTED}
    comfort = [v for v in provide(fresh_cycle) if v.key == keys.COMFORT_CONDITIONS]
    assert len(comfort) == len(entries) and {v.value for v in comfort} == {4}
    assert AuditEntry.objects.filter(action="expertise.result.imported").count() == report.created


def test_errors_name_row_column_and_value_and_nothing_is_written(operator_user, fresh_cycle):
    book = _template(fresh_cycle, operator_user)
    sheet, headers = _fill(book, lambda inn, code: "да")
    column = headers.index(next(h for h in headers if h and h.startswith("comfort.drinking_water")))
    sheet.cell(row=2, column=column + 1, value="может быть")
    sheet.cell(row=3, column=1, value="7700000000")
    sheet.cell(row=4, column=5, value="31.02.2027")
    report = importer.import_file(fresh_cycle, operator_user, _save(book), "checklists.xlsx")
    assert not report.ok
    text = [str(e) for e in report.errors]
    letter = openpyxl.utils.get_column_letter(column + 1)
    assert any(
        t.startswith(f"строка 2, столбец {letter} «comfort.drinking_water") and "«может быть»" in t for t in text
    )
    assert any(t.startswith("строка 3") and "«7700000000»" in t and "нет в списке цикла" in t for t in text)
    assert any(t.startswith("строка 4") and "Дата посещения" in t and "«31.02.2027»" in t for t in text)
    assert not ChecklistResult.objects.filter(cycle_organization__cycle=fresh_cycle).exists()


def test_unknown_columns_and_broken_files_are_named(operator_user, fresh_cycle):
    book = _template(fresh_cycle, operator_user)
    book["Чек-лист"].cell(row=1, column=40, value="comfort.wifi — Wi-Fi")
    report = importer.import_file(fresh_cycle, operator_user, _save(book), "x.xlsx")
    assert "нет пункта с кодом «comfort.wifi»" in str(report.errors[0])
    broken = importer.import_file(fresh_cycle, operator_user, b"PK\x03\x04 not really", "x.xlsx")
    assert not broken.ok and "XLSX" in str(broken.errors[0])


def test_partial_rows_stay_drafts_and_na_is_checked(operator_user, fresh_cycle):
    book = _template(fresh_cycle, operator_user)
    sheet, headers = _fill(book, lambda inn, code: "1")
    paid = headers.index(next(h for h in headers if h.startswith("stand.paid_services"))) + 1
    water = headers.index(next(h for h in headers if h.startswith("comfort.drinking_water"))) + 1
    sheet.cell(row=2, column=paid, value="н/п")
    sheet.cell(row=3, column=water).value = None  # cell(value=None) would leave the value
    report = importer.import_file(fresh_cycle, operator_user, _save(book), "x.xlsx")
    assert report.ok, report.errors
    assert any(w.startswith("строка 3") and "черновиком" in w for w in report.warnings), report.warnings
    inn3 = sheet.cell(row=3, column=1).value
    draft = ChecklistResult.objects.get(
        cycle_organization__organization__inn=inn3, cycle_organization__cycle=fresh_cycle
    )
    assert draft.status == ResultStatus.DRAFT
    sheet.cell(row=2, column=water, value="н/п")
    again = importer.import_file(fresh_cycle, operator_user, _save(book), "x.xlsx")
    assert any("«не применимо» не допускается" in str(e) and e.row == 2 for e in again.errors)


def test_import_after_the_reply_window_opened_is_refused(operator_user, fresh_cycle):
    book = _template(fresh_cycle, operator_user)
    _fill(book, lambda inn, code: "да")
    assert importer.import_file(fresh_cycle, operator_user, _save(book), "x.xlsx").ok
    services.set_reply_window(operator_user, fresh_cycle, working_days=5)
    _fill(book, lambda inn, code: "нет")
    report = importer.import_file(fresh_cycle, operator_user, _save(book), "x.xlsx")
    assert not report.ok and "только по возражениям" in str(report.errors[0])
    assert not ChecklistMark.objects.filter(result__cycle_organization__cycle=fresh_cycle, value=Mark.NO).exists()


def test_only_the_operator_imports(municipal_official, school_staff, fresh_cycle, client_for):
    for user in (municipal_official, school_staff):
        with pytest.raises(PermissionDenied):
            importer.parse(fresh_cycle, user, b"", "x.xlsx")
    assert client_for(municipal_official).get(f"/expertise/cycle/{fresh_cycle.pk}/import/").status_code == 403


def test_import_page_shows_errors(client_for, operator_user, fresh_cycle):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = "ИНН;comfort.navigation\n7700000000;да\n".encode()
    response = client_for(operator_user).post(
        f"/expertise/cycle/{fresh_cycle.pk}/import/", {"file": SimpleUploadedFile("x.csv", data), "submit": "on"}
    )
    assert response.status_code == 200
    assert "строка 2" in response.content.decode() and "нет в списке цикла" in response.content.decode()
