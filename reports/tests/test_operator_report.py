"""The operator's report for a region: re-opened with python-docx, its numbers are the stored results."""

import io
import zipfile

from docx import Document

from reports import services
from reports.choices import DocumentKind
from reports.formatting import ru_int, ru_number
from reports.tests.conftest import MOMENT, YEAR, body_rows, table_with
from scoring.models import CRITERION_CODES, Result
from scoring.services import overall

CRITERIA = ["К1", "К2", "К3", "К4", "К5"]


def _report(user, scope, moment=MOMENT):
    return services.generate(user, DocumentKind.OPERATOR_REPORT, scope, generated_at=moment)


def _results(scope):
    rows = {}
    for name, territory, code, value in scope.filter(Result.objects.filter(cycle__year=YEAR)).values_list(
        "cycle_organization__organization__short_name",
        "cycle_organization__organization__territory__name",
        "code",
        "value",
    ):
        rows.setdefault((name, territory), {})[code] = value
    return rows


def test_organization_table_holds_every_result_in_russian_format(regional_official, region_scope):
    generated = _report(regional_official, region_scope)
    document = Document(io.BytesIO(generated.content))
    expected = _results(region_scope)
    table = table_with(document, "№", "Организация", "Тип", "Муниципалитет", *CRITERIA, "Итог")
    rows = body_rows(table)
    assert len(rows) == len(expected) > 10
    for row in rows:
        values = expected[(row[1], row[3])]
        assert row[4:9] == [ru_number(values.get(code)) for code in CRITERION_CODES]
        assert row[9] == ru_number(values["S"])
        assert "," in row[9] and "." not in row[9]


def test_criteria_means_are_the_scoring_aggregates(regional_official, region_scope):
    document = Document(io.BytesIO(_report(regional_official, region_scope).content))
    table = table_with(document, "Код", "Критерий / показатель", "Среднее", "N")
    rows = {row[0]: row for row in body_rows(table)}
    stats = overall(region_scope.filter(Result.objects.filter(cycle__year=YEAR)))
    for code, shown in zip(CRITERION_CODES, CRITERIA, strict=True):
        assert rows[shown][2] == ru_number(stats[code]["mean"])
        assert rows[shown][3] == ru_int(stats[code]["n"])
    assert rows["S"][2] == ru_number(stats["S"]["mean"])
    assert "1.3" in rows and "5.3" in rows  # indicators are listed under their criteria


def test_municipality_table_has_n_per_group_and_charts_are_embedded(regional_official, region_scope):
    document = Document(io.BytesIO(_report(regional_official, region_scope).content))
    table = table_with(document, "Муниципальное образование", "N", *CRITERIA, "Итог")
    counts = sum(int(row[1]) for row in body_rows(table))
    assert counts == Result.objects.filter(cycle__year=YEAR, code="S", value__isnull=False).count()
    assert len(document.inline_shapes) >= 4


def test_annexes_list_indicators_sample_and_shortcomings(regional_official, region_scope):
    document = Document(io.BytesIO(_report(regional_official, region_scope).content))
    indicators = table_with(document, "№", "Организация", "1.1", "1.2")
    expected = _results(region_scope)
    first = body_rows(indicators)[0]
    organization_rows = body_rows(table_with(document, "№", "Организация", "Тип", "Муниципалитет"))
    key = (first[1], organization_rows[0][3])
    assert first[2] == ru_number(expected[key]["1.1"])
    sample = table_with(document, "№", "Организация", "Контингент", "Расчётная выборка", "Получено анкет")
    assert len(body_rows(sample)) == len(expected)
    annex = table_with(document, "Показатель", "Недостаток", "Нормативное основание", "Предложение")
    text = "\n".join(cell.text for row in annex.rows for cell in row.cells)
    assert "итоговый показатель" in text and "{%" not in text


def test_same_data_same_bytes_and_only_the_date_changes(regional_official, municipal_scope):
    first = _report(regional_official, municipal_scope).content
    again = _report(regional_official, municipal_scope).content
    assert first == again
    import datetime

    later = _report(regional_official, municipal_scope, MOMENT + datetime.timedelta(days=3)).content
    a, b = zipfile.ZipFile(io.BytesIO(first)), zipfile.ZipFile(io.BytesIO(later))
    assert a.namelist() == b.namelist()
    differing = [name for name in a.namelist() if a.read(name) != b.read(name)]
    assert set(differing) <= {"docProps/core.xml", "word/document.xml"}
    assert "docProps/core.xml" in differing


def test_preliminary_results_are_marked(regional_official, region):
    from reports.scope import ReportScope
    from reports.tests.conftest import CURRENT

    document = Document(io.BytesIO(_report(regional_official, ReportScope(region, CURRENT)).content))
    assert any("ПРЕДВАРИТЕЛЬНЫЕ РЕЗУЛЬТАТЫ" in p.text for p in document.paragraphs)
    final = Document(io.BytesIO(_report(regional_official, ReportScope(region, YEAR)).content))
    assert not any("ПРЕДВАРИТЕЛЬНЫЕ" in p.text for p in final.paragraphs)


def test_municipal_report_holds_only_its_organizations(municipal_official, municipal_scope, municipality):
    document = Document(io.BytesIO(_report(municipal_official, municipal_scope).content))
    rows = body_rows(table_with(document, "№", "Организация", "Тип", "Муниципалитет"))
    assert rows and {row[3] for row in rows} == {municipality.name}
