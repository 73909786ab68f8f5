"""The operator's files: matched by identifier, validated before anything is written, named errors."""

from __future__ import annotations

import csv
import io
import random
from decimal import Decimal

import openpyxl
import pytest

from audit.models import AuditEntry
from lib import score_inputs as K
from scoring import services
from scoring.models import Result, ScoreInput
from scoring.tests.helpers import SURVEY_EXAMPLE, make_cycle, organizations_of

pytestmark = pytest.mark.django_db

QUESTION_ORDER = [
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


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], delimiter: str = ";") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    return buffer.getvalue().encode("utf-8")


def inputs_of(cycle, organization):
    return ScoreInput.objects.filter(cycle=cycle, cycle_organization__organization=organization).values_list(
        "key", "value"
    )


@pytest.fixture
def cycle(municipality):
    return make_cycle(municipality, organizations_of(municipality, 3))


@pytest.fixture
def orgs(cycle):
    return [e.organization for e in cycle.entries.order_by("pk")]


def answer_rows(org, answers: list[list[str | None]]):
    return [[org.inn, *row] for row in answers]


def answers_header():
    return ["ИНН"] + [f"{n}. вопрос" for n in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)]


def example_answers() -> list[list[str | None]]:
    """200 questionnaires reproducing the survey counts of the worked example (§11)."""
    counts = {code: (yes, answered) for code, yes, answered in SURVEY_EXAMPLE}
    rows: list[list[str | None]] = [[None] * 14 for _ in range(200)]
    gates = {"info_stand_satisfied": 0, "info_site_satisfied": 2, "accessibility_satisfied": 5, "remote_polite": 9}
    for column, code in enumerate(QUESTION_ORDER):
        yes, answered = counts[code]
        if code in gates:
            eligible = [i for i in range(200) if rows[i][gates[code]] == "Да"]
            assert len(eligible) == answered
            targets = eligible
        else:
            targets = list(range(answered))
        for position, index in enumerate(targets):
            rows[index][column] = "Да" if position < yes else "Нет"
    return rows


def test_answers_file_reproduces_the_worked_example_regardless_of_row_order(cycle, orgs, admin_user):
    rows = answer_rows(orgs[0], example_answers())
    random.Random(3).shuffle(rows)
    report = services.import_inputs(admin_user, cycle, [("answers.xlsx", xlsx([answers_header(), *rows]))])
    assert report.ok, report.errors
    assert report.applied
    value = {
        k: v
        for k, v in ScoreInput.objects.filter(cycle=cycle, cycle_organization__organization=orgs[0]).values_list(
            "key", "value"
        )
    }
    assert value[K.SURVEY_RESPONDENTS] == 200
    assert value[K.survey_yes("info_stand_satisfied")] == 114
    assert value[K.survey_answered("info_stand_satisfied")] == 120
    assert value[K.survey_answered("remote_polite")] == 90
    services.compute_cycle(cycle, admin_user, gather=False)
    results = dict(
        Result.objects.filter(cycle=cycle, cycle_organization__organization=orgs[0]).values_list("code", "value")
    )
    assert results["1.3"] == Decimal("94.5000")
    assert abs(results["4.3"] - Decimal("96.6667")) < Decimal("0.0001")
    assert AuditEntry.objects.filter(action="scoring.input.imported").exists()


def test_answer_codes_other_than_declared_are_errors_and_nothing_is_written(cycle, orgs, admin_user):
    good = ["Да"] * 14
    rows = [
        answers_header(),
        [orgs[0].inn, *good],
        [orgs[0].inn, "1", *good[1:]],
        [orgs[0].inn, *good[:4], True, *good[5:]],
    ]
    report = services.import_inputs(admin_user, cycle, [("answers.xlsx", xlsx(rows))])
    assert not report.applied
    assert report.error_count == 2
    assert any("строка 3" in e and "«1»" in e and "столбец B" in e for e in report.errors)
    assert any("строка 4" in e and "«True»" in e for e in report.errors)
    assert not ScoreInput.objects.filter(cycle=cycle).exists()


def test_loosely_written_yes_is_accepted_with_a_warning(cycle, orgs, admin_user):
    rows = [answers_header(), [orgs[0].inn, "да ", *["Да"] * 13], [orgs[0].inn, "ДА", *["Нет"] * 13]]
    report = services.import_inputs(admin_user, cycle, [("answers.csv", csv_bytes(rows))])
    assert report.ok, report.errors
    assert any("лишними пробелами" in w and "строка 2" in w for w in report.warnings)
    assert ScoreInput.objects.get(cycle=cycle, key=K.survey_yes("info_stand_used")).value == 2


def test_gate_violations_are_named(cycle, orgs, admin_user):
    after_no = ["Нет", "Да", *["Да"] * 12]  # «Да» on Q2 after «Нет» on Q1: dropped with a warning
    report = services.import_inputs(admin_user, cycle, [("a.xlsx", xlsx([answers_header(), [orgs[0].inn, *after_no]]))])
    assert report.ok
    assert any("переходы анкеты" in w and "вопрос 2" in w for w in report.warnings)
    assert ScoreInput.objects.get(cycle=cycle, key=K.survey_answered("info_stand_satisfied")).value == 0
    after_blank = [None, "Да", *["Да"] * 12]  # an answer behind an unanswered gate cannot be counted
    report = services.import_inputs(
        admin_user, cycle, [("b.xlsx", xlsx([answers_header(), [orgs[1].inn, *after_blank]]))]
    )
    assert not report.applied
    assert any("вопрос-фильтр 1" in e and "строка 2" in e for e in report.errors)


def test_missing_question_column_is_an_error(cycle, orgs, admin_user):
    header = answers_header()[:-1]
    report = services.import_inputs(admin_user, cycle, [("a.xlsx", xlsx([header, [orgs[0].inn, *["Да"] * 13]]))])
    assert not report.applied
    assert any("нет столбцов для вопросов: 15" in e for e in report.errors)


def test_inputs_table_text_in_numeric_cell_and_unknown_organization(cycle, orgs, admin_user):
    from registry.models import Organization

    stranger = Organization.objects.exclude(pk__in=[o.pk for o in orgs]).first()
    rows = [
        ["ИНН", "Наименование", f"[{K.COMFORT_CONDITIONS}]", f"Чобщ [{K.SURVEY_RESPONDENTS}]"],
        [orgs[0].inn, "первая", 4, "много"],
        [stranger.inn, "чужая", 3, 10],
        ["7700000000", "нет такой", 3, 10],
        [orgs[1].inn, "вторая", -1, 10],
    ]
    report = services.import_inputs(admin_user, cycle, [("inputs.xlsx", xlsx(rows))])
    assert not report.applied
    text = "\n".join(report.errors)
    assert "строка 2, столбец D" in text and "«много» — не число" in text
    assert f"ИНН {stranger.inn}" in text and "не входит в этот цикл" in text
    assert "ИНН 7700000000 не найдена" in text
    assert "строка 5, столбец C" in text and "целое число" in text
    assert not ScoreInput.objects.filter(cycle=cycle).exists()


def test_inputs_table_by_registry_id_with_missing_lists_and_consistency(cycle, orgs, admin_user):
    rows = [
        [
            "ID в реестре",
            f"[{K.COMFORT_CONDITIONS}]",
            f"[{K.COMFORT_CONDITIONS}.missing]",
            f"[{K.STAND_ITEMS_REQUIRED}]",
        ],
        [orgs[0].pk, 3, "waiting_zone; наличие и доступность питьевой воды"],
    ]
    report = services.import_inputs(admin_user, cycle, [("inputs.csv", csv_bytes(rows))])
    assert report.ok, report.errors
    value = ScoreInput.objects.get(cycle=cycle, key=K.COMFORT_CONDITIONS)
    assert value.value == 3
    assert [m["code"] for m in value.detail["missing"]] == ["waiting_zone", "drinking_water"]
    rows = [["ИНН", f"[{K.STAND_ITEMS_PRESENT}]", f"[{K.STAND_ITEMS_REQUIRED}]"], [orgs[0].inn, 12, 10]]
    report = services.import_inputs(admin_user, cycle, [("bad.csv", csv_bytes(rows))])
    assert not report.applied
    assert any("больше, чем" in e for e in report.errors)


def test_checklist_and_answers_files_name_organizations_missing_from_one(cycle, orgs, admin_user):
    methodology = services.methodology_for(cycle)
    groups = services._items_by_group(methodology)
    header = ["ИНН"]
    for group in ("stand", "site", "remote", "comfort", "premises", "service"):
        header += [f"{group}:{code}" for code in groups[group]]
    marks_full = [1] * (len(header) - 1)
    marks_gap = list(marks_full)
    marks_gap[-1] = 0  # the last item of the last block
    checklist = xlsx([header, [orgs[0].inn, *marks_full], [orgs[1].inn, *marks_gap]])
    answers = xlsx([answers_header(), [orgs[0].inn, *["Да"] * 14]])
    report = services.import_inputs(admin_user, cycle, [("checklist.xlsx", checklist), ("answers.xlsx", answers)])
    assert report.ok, report.errors
    assert any(orgs[1].short_name in w and "answers.xlsx" in w for w in report.warnings)
    assert any("Нет данных" in w and orgs[2].short_name in w for w in report.warnings)
    services.compute_cycle(cycle, admin_user, gather=False)
    last_service_item = list(groups["service"])[-1]
    from scoring.models import Shortcoming

    assert Shortcoming.objects.filter(
        cycle_organization__organization=orgs[1], item_code__endswith=f":{last_service_item}"
    ).exists()
    counts = dict(
        ScoreInput.objects.filter(cycle=cycle, cycle_organization__organization=orgs[0]).values_list("key", "value")
    )
    assert counts[K.STAND_ITEMS_REQUIRED] == len(groups["stand"])
    assert counts[K.SITE_BVI] == 1


def test_the_downloaded_template_imports_back(cycle, orgs, admin_user, client_for):
    response = client_for(admin_user).get(f"/scoring/cycles/{cycle.pk}/template/inputs.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Данные"]
    headers = [c.value for c in sheet[1]]
    column = headers.index(next(h for h in headers if h.endswith(f"[{K.COMFORT_CONDITIONS}]"))) + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=column, value=5)
    buffer = io.BytesIO()
    book.save(buffer)
    report = services.import_inputs(admin_user, cycle, [("filled.xlsx", buffer.getvalue())])
    assert report.ok, report.errors
    assert ScoreInput.objects.filter(cycle=cycle, key=K.COMFORT_CONDITIONS, value=5).count() == 3


def test_unrecognised_and_broken_files_are_errors(cycle, admin_user):
    report = services.import_inputs(
        admin_user, cycle, [("x.xlsx", b"not a workbook"), ("y.csv", csv_bytes([["что-то", "ещё"], ["1", "2"]]))]
    )
    assert not report.applied
    assert any("x.xlsx" in e and "XLSX" in e for e in report.errors)
    assert any("y.csv" in e and "не удалось определить вид файла" in e for e in report.errors)


def test_dry_run_writes_nothing(cycle, orgs, admin_user):
    rows = [["ИНН", f"[{K.COMFORT_CONDITIONS}]"], [orgs[0].inn, 4]]
    report = services.import_inputs(admin_user, cycle, [("i.csv", csv_bytes(rows))], dry_run=True)
    assert report.ok and not report.applied
    assert not ScoreInput.objects.filter(cycle=cycle).exists()


def test_both_xlsx_readers_give_the_same_rows():
    from scoring import importers

    data = xlsx([["ИНН", "1. вопрос"], ["0101010101", "Да"], [None, None], [101010101, "Нет"]])
    headers, rows = importers.iter_rows(data, "a.xlsx")
    fallback_headers, fallback_rows = importers._openpyxl_rows(data)
    assert headers == fallback_headers == ["ИНН", "1. вопрос"]
    blank = (None, "")
    normal = [[None if c in blank else c for c in row] for row in rows]
    assert normal == [[None if c in blank else c for c in row] for row in fallback_rows]
    # a number typed into the ИНН column loses its leading zero; matching restores it
    assert importers.OrganizationMatcher.normalize_inn(101010101.0) == "0101010101"


def test_blank_lines_in_a_csv_are_skipped(cycle, orgs, admin_user):
    rows = [answers_header(), [orgs[0].inn, *["Да"] * 14], [], [orgs[0].inn, *["Нет"] * 14]]
    report = services.import_inputs(admin_user, cycle, [("a.csv", csv_bytes(rows))])
    assert report.ok, report.errors
    assert ScoreInput.objects.get(cycle=cycle, key=K.SURVEY_RESPONDENTS).value == 2
