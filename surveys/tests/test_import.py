"""Import of paper questionnaires: errors name row, column and value; a bad file writes nothing."""

import io

import openpyxl
import pytest

from audit.models import AuditEntry
from cycles.models import Cycle, CycleOrganization, Phase
from surveys import importer
from surveys.models import Campaign, Mode, Response, SurveyLink
from surveys.services import form_for

PAPER = {
    "Вы отвечаете на вопросы как": "родитель (законный представитель) несовершеннолетнего обучающегося",
    "1": "Да",
    "2": "Нет",
    "3": "нет",
    "5": "да",
    "6": "Нет",
    "8": "Да",
    "9": "Да",
    "10": "Нет",
    "12": "Да",
    "13": "Да",
    "14": "Да",
}


@pytest.fixture
def campaign(municipality):
    return Campaign.objects.select_related("cycle").get(cycle__territory=municipality, cycle__phase=Phase.COLLECTION)


@pytest.fixture
def headers(campaign):
    return importer.template_headers(form_for(campaign.questionnaire_id))


def _row(headers, link_code, number="", **answers):
    values = {**PAPER, **answers}
    by_number = {h.split(".")[0]: h for h in headers if h[:1].isdigit()}
    row = {importer.COL_CODE: link_code, importer.COL_MODE: "бумага", importer.COL_NUMBER: number}
    for key, value in values.items():
        row[by_number.get(key, key)] = value
    return row


def _xlsx(headers, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _links(campaign, n=2):
    return list(SurveyLink.objects.filter(cycle_organization__cycle=campaign.cycle).order_by("pk")[:n])


def test_template_download_has_the_import_columns(client_for, operator_user, campaign, headers):
    response = client_for(operator_user).get(f"/surveys/cycles/{campaign.cycle_id}/import/template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == headers


def test_clean_file_is_imported_whole_and_counted(client_for, operator_user, campaign, headers):
    first, second = _links(campaign)
    rows = [_row(headers, first.code, "17"), _row(headers, second.code, "18"), _row(headers, first.code.lower(), "19")]
    upload = io.BytesIO(_xlsx(headers, rows))
    upload.name = "paper.xlsx"
    before = Response.objects.count()
    response = client_for(operator_user).post(f"/surveys/cycles/{campaign.cycle_id}/import/", {"file": upload})
    assert response.status_code == 302
    assert Response.objects.count() == before + 3
    stored = Response.objects.get(cycle_organization=first.cycle_organization, paper_number="17")
    assert stored.mode == Mode.PAPER and stored.entered_by == operator_user
    assert stored.answers["info_stand_satisfied"] == "no" and "info_site_satisfied" not in stored.answers
    assert stored.answers["respondent_group"] == "parent_pupil"
    assert AuditEntry.objects.filter(action="surveys.import.applied", data__responses=3).exists()


def test_every_bad_row_is_named_and_nothing_is_saved(operator_user, campaign, headers):
    first, second = _links(campaign)
    rows = [
        _row(headers, first.code, "1"),
        _row(headers, "NOPE42", "2"),  # unknown link
        _row(headers, first.code, "3", **{"8": "может быть"}),  # not yes/no
        _row(headers, first.code, "4", **{"1": "", "2": "Да"}),  # answer behind an empty gate
        _row(headers, first.code, "5", **{"3": "Нет", "4": "Да"}),  # answer although the gate says no
        _row(headers, second.code, "6", **{"Ваш возраст (полных лет)": "сто"}),
        _row(headers, first.code, "1"),  # same paper number twice
        {**_row(headers, first.code, "8"), importer.COL_MODE: "голубиная почта"},
    ]
    before = Response.objects.count()
    result = importer.import_answers(operator_user, campaign, _xlsx(headers, rows), "bad.xlsx")
    assert result.created == 0 and Response.objects.count() == before
    text = "\n".join(result.errors)
    assert "Строка 3, столбец A «Код ссылки»: значение «NOPE42»" in text
    assert "Строка 4, столбец" in text and "«может быть» — ожидается «Да», «Нет» или пусто" in text
    assert "Строка 5, столбец" in text and "без ответа на вопрос 1" in text
    assert "Строка 6, столбец" in text and "на вопрос 3 дан ответ «Нет»" in text
    assert "Строка 7, столбец" in text and "«сто»" in text
    assert "Строка 8, столбец D «Номер бланка»: значение «1» — бланк с этим номером уже есть в строке 2" in text
    assert "Строка 9, столбец C «Способ опроса»" in text
    assert len(result.errors) == 7


def test_unknown_column_and_missing_organization_column_are_reported(operator_user, campaign, headers):
    data = _xlsx(["Рост респондента", *headers[2:]], [{"Рост респондента": "180"}])
    result = importer.import_answers(operator_user, campaign, data, "odd.xlsx")
    assert any("Столбец A «Рост респондента»" in e for e in result.errors)
    assert any("Нет столбца «Код ссылки» или «ИНН организации»" in e for e in result.errors)


def test_the_same_file_or_the_same_paper_numbers_cannot_be_loaded_twice(operator_user, campaign, headers):
    first, _second = _links(campaign)
    data = _xlsx(headers, [_row(headers, first.code, "501")])
    assert importer.import_answers(operator_user, campaign, data, "a.xlsx").created == 1
    again = importer.import_answers(operator_user, campaign, data, "a-copy.xlsx")
    assert again.created == 0 and "уже был загружен" in again.errors[0]
    other_file = _xlsx(headers, [_row(headers, first.code, "501", **{"13": "Нет"})])
    numbered = importer.import_answers(operator_user, campaign, other_file, "b.xlsx")
    assert numbered.errors == ["Строка 2, столбец «Номер бланка»: бланк с этим номером уже загружен ранее"]


def test_organization_can_be_named_by_inn_and_csv_is_accepted(operator_user, campaign, headers):
    entry = CycleOrganization.objects.filter(cycle=campaign.cycle).select_related("organization").first()
    row = {**_row(headers, "", "77"), importer.COL_INN: entry.organization.inn}
    lines = [";".join(headers), ";".join(str(row.get(h, "")) for h in headers)]
    result = importer.import_answers(operator_user, campaign, "\n".join(lines).encode("utf-8-sig"), "phone.csv")
    assert result.errors == [] and result.created == 1
    assert Response.objects.filter(cycle_organization=entry, paper_number="77").exists()


def test_only_the_operator_imports(client_for, municipal_official, campaign):
    assert client_for(municipal_official).get(f"/surveys/cycles/{campaign.cycle_id}/import/").status_code == 403


def test_broken_file_is_a_clear_error(operator_user, campaign):
    result = importer.import_answers(operator_user, campaign, b"not a workbook", "x.xlsx")
    assert result.errors == ["Файл не является книгой XLSX (повреждён или другого формата)"]
    assert not Cycle.objects.filter(pk=campaign.cycle_id, survey_campaign__imports__isnull=False).exists()
