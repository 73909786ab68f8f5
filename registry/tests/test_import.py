"""Registry import: every bad row is named, nothing is half-imported, re-import shows a diff."""

import io

import openpyxl
import pytest

from audit.models import AuditEntry
from registry import importer
from registry.importer import COLUMNS, apply_import, prepare_import
from registry.models import ImportBatch, Organization

HEADERS = [h for h, *_ in COLUMNS]


def _xlsx(rows, headers=HEADERS):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h, "") for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _row(municipality, inn, name="МБОУ СОШ № 99", **extra):
    row = {
        "ИНН": inn,
        "Полное наименование": f"Муниципальное бюджетное общеобразовательное учреждение «{name}»",
        "Краткое наименование": name,
        "Тип": "ОО",
        "Муниципальное образование": municipality.name,
        "Контингент": 420,
        "Официальный сайт": "school99.edu.ru",
    }
    row.update(extra)
    return row


def _export_rows(user):
    """The user's registry as rows of the import layout (what a re-import starts from)."""
    data = importer.export_xlsx(Organization.objects.visible_to(user))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_template_has_every_column(client_for, municipal_official):
    response = client_for(municipal_official).get("/registry/import/template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.rstrip(" *") for c in next(sheet.iter_rows(max_row=1, values_only=True))]
    assert header == HEADERS


def test_clean_file_adds_organizations_after_confirmation(municipal_official, municipality):
    before = Organization.objects.count()
    data = _xlsx([_row(municipality, "7707083893"), _row(municipality, "7728168971", "МБДОУ д/с № 77", Тип="ДОО")])
    batch, parsed, diff = prepare_import(municipal_official, data, "new.xlsx")
    assert parsed.errors == []
    assert len(diff.added) == 2 and diff.changed == []
    # missing: every other organization of the municipality (they are not in this file)
    assert len(diff.missing) == Organization.objects.filter(territory=municipality).count()
    assert Organization.objects.count() == before  # nothing written before confirmation
    counts = apply_import(municipal_official, batch)
    assert counts["added"] == 2
    school = Organization.objects.get(inn="7707083893")
    assert school.website == "https://school99.edu.ru"
    assert Organization.objects.get(inn="7728168971").org_type == "doo"
    assert AuditEntry.objects.filter(action="registry.organization.created", target_id=str(school.pk)).exists()
    assert AuditEntry.objects.filter(action="registry.import.applied", target_id=str(batch.pk)).exists()


def test_every_kind_of_bad_row_is_reported_and_nothing_is_saved(municipal_official, municipality):
    existing = Organization.objects.filter(territory=municipality).first()
    rows = [
        _row(municipality, "7707083893"),
        _row(municipality, "7707083893", "Дубль"),  # duplicate ИНН
        _row(municipality, "7728168971", ОГРН="1027700132196"),  # bad ОГРН checksum
        _row(municipality, "500100732259", Тип="лицей-интернат"),  # unknown type
        _row(municipality, "7736050003", name="", **{"Полное наименование": ""}),  # empty name
        _row(municipality, "7702070139", **{"Официальный сайт": "http://школа 5"}),  # wrong URL
        _row(municipality, "1234567890"),  # bad ИНН checksum
        _row(municipality, "7704019762", Контингент="много"),
        _row(municipality, "7710140679", **{"Муниципальное образование": "Атлантида"}),
    ]
    before = Organization.objects.count()
    batch, parsed, _ = prepare_import(municipal_official, _xlsx(rows), "bad.xlsx")
    assert batch is None
    messages = [str(e) for e in parsed.errors]
    expected = [
        ("строка 3", "ИНН", "повторяется (уже в строке 2)"),
        ("строка 4", "ОГРН", "контрольная цифра"),
        ("строка 5", "Тип", "неизвестный тип"),
        ("строка 6", "Полное наименование", "пустое значение"),
        ("строка 7", "Официальный сайт", "неверный адрес сайта"),
        ("строка 8", "ИНН", "контрольная цифра"),
        ("строка 9", "Контингент", "целое"),
        ("строка 10", "Муниципальное образование", "не найдено"),
    ]
    for row_label, column, fragment in expected:
        assert any(row_label in m and f"«{column}»" in m and fragment in m for m in messages), (row_label, messages)
    assert Organization.objects.count() == before
    assert existing.full_name == Organization.objects.get(pk=existing.pk).full_name


def test_missing_required_column_is_named(municipal_official, municipality):
    headers = [h for h in HEADERS if h != "Тип"]
    _batch, parsed, _ = prepare_import(municipal_official, _xlsx([_row(municipality, "7707083893")], headers), "x.xlsx")
    assert [str(e) for e in parsed.errors] == ["строка 1, столбец «Тип»: нет обязательного столбца"]


def test_broken_file_is_rejected_with_a_message(municipal_official):
    _batch, parsed, _ = prepare_import(municipal_official, b"garbage", "registry.xlsx")
    assert "XLSX" in str(parsed.errors[0])


def test_reimport_shows_changes_and_applies_only_on_confirmation(municipal_official, municipality):
    rows = _export_rows(municipal_official)
    target = rows[0]
    target["Контингент"] = 999
    target["Руководитель (ФИО)"] = "Новикова Анна Сергеевна"
    dropped = rows.pop()
    rows.append(_row(municipality, "7707083893"))
    batch, parsed, diff = prepare_import(municipal_official, _xlsx(rows), "reimport.xlsx")
    assert parsed.errors == [], parsed.errors
    assert [a["inn"] for a in diff.added] == ["7707083893"]
    assert [c["inn"] for c in diff.changed] == [target["ИНН"]]
    assert set(diff.changed[0]["changes"]) == {"contingent", "head_name"}
    assert [m["inn"] for m in diff.missing] == [dropped["ИНН"]]
    org = Organization.objects.get(inn=target["ИНН"])
    assert org.contingent != 999  # not yet
    apply_import(municipal_official, batch)
    org.refresh_from_db()
    assert org.contingent == 999 and org.head_name == "Новикова Анна Сергеевна"
    assert Organization.objects.filter(inn=dropped["ИНН"]).exists()  # missing rows are only reported
    entry = AuditEntry.objects.get(action="registry.organization.updated", target_id=str(org.pk))
    assert entry.before["contingent"] != 999 and entry.after["contingent"] == 999


def test_changed_registry_after_preview_makes_the_batch_stale(municipal_official):
    rows = _export_rows(municipal_official)
    rows[0]["Контингент"] = 4321
    batch, _parsed, _diff = prepare_import(municipal_official, _xlsx(rows), "r.xlsx")
    Organization.objects.filter(inn=rows[1]["ИНН"]).update(contingent=1)  # someone else edits meanwhile
    with pytest.raises(importer.StaleImport):
        apply_import(municipal_official, batch)
    assert Organization.objects.get(inn=rows[0]["ИНН"]).contingent != 4321


def test_organization_of_another_territory_cannot_be_touched(municipal_official, other_municipality, municipality):
    stranger = Organization.objects.filter(territory=other_municipality).first()
    row = _row(municipality, stranger.inn)
    _batch, parsed, _ = prepare_import(municipal_official, _xlsx([row]), "x.xlsx")
    assert any("чужой территории" in str(e) for e in parsed.errors)


def test_branch_is_linked_to_its_parent_in_the_same_file(municipal_official, municipality):
    rows = [
        _row(municipality, "7707083893"),
        _row(municipality, "7728168971", "Филиал МБОУ СОШ № 99", **{"ИНН головной организации": "7707083893"}),
    ]
    batch, parsed, _ = prepare_import(municipal_official, _xlsx(rows), "b.xlsx")
    assert parsed.errors == []
    apply_import(municipal_official, batch)
    assert Organization.objects.get(inn="7728168971").parent.inn == "7707083893"


def test_csv_upload_through_the_web_shows_errors_then_diff(client_for, municipal_official, municipality):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(municipal_official)
    bad = f"ИНН;Полное наименование;Тип;Муниципальное образование\n7707083893;;ОО;{municipality.name}\n"
    response = client.post("/registry/import/", {"file": SimpleUploadedFile("r.csv", bad.encode())})
    assert response.status_code == 200
    assert "строка 2, столбец «Полное наименование»" in response.content.decode()
    good = f"ИНН;Полное наименование;Тип;Муниципальное образование\n7707083893;Школа;ОО;{municipality.name}\n"
    response = client.post("/registry/import/", {"file": SimpleUploadedFile("r.csv", good.encode("cp1251"))})
    batch = ImportBatch.objects.get(created_by=municipal_official)
    assert response["Location"] == f"/registry/import/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Будут добавлены" in page and "7707083893" in page
    response = client.post(f"/registry/import/{batch.pk}/", {"action": "apply"})
    assert response.status_code == 302
    assert Organization.objects.filter(inn="7707083893", territory=municipality).exists()
