"""The XLSX export re-opened with openpyxl: numeric cells with formats, equal to the stored results."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from lib.scoring_math import quantize
from reports import services
from reports.choices import DocumentKind
from reports.tests.conftest import MOMENT, YEAR
from scoring.models import Result


def test_every_table_is_a_sheet_with_numeric_cells(regional_official, region_scope):
    generated = services.generate(regional_official, DocumentKind.XLSX, region_scope, generated_at=MOMENT)
    assert generated.filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(generated.content))
    assert {
        "Итоги",
        "Показатели",
        "По муниципалитетам",
        "По типам",
        "Лидеры и наихудшие",
        "Недостатки",
        "Выборка",
    } <= set(book.sheetnames)
    sheet = book["Итоги"]
    header = [cell.value for cell in sheet[3]]
    assert header[:5] == ["№", "Организация", "ИНН", "Тип", "Муниципалитет"]
    totals = dict(
        region_scope.filter(Result.objects.filter(cycle__year=YEAR, code="S")).values_list(
            "cycle_organization__organization__inn", "value"
        )
    )
    rows = list(sheet.iter_rows(min_row=4))
    assert len(rows) == len(totals)
    for row in rows:
        inn, total = row[2].value, row[10]
        assert total.data_type == "n" and total.number_format == "0.00"
        assert Decimal(str(total.value)) == quantize(totals[inn], 2)
        assert isinstance(row[11].value, int)  # place


def test_municipality_means_and_counts(regional_official, region_scope):
    generated = services.generate(regional_official, DocumentKind.XLSX, region_scope, generated_at=MOMENT)
    sheet = load_workbook(io.BytesIO(generated.content))["По муниципалитетам"]
    n = sum(row[1].value for row in sheet.iter_rows(min_row=4))
    assert n == region_scope.filter(Result.objects.filter(cycle__year=YEAR, code="S", value__isnull=False)).count()


def test_same_data_same_workbook(regional_official, municipal_scope):
    first = services.generate(regional_official, DocumentKind.XLSX, municipal_scope, generated_at=MOMENT).content
    again = services.generate(regional_official, DocumentKind.XLSX, municipal_scope, generated_at=MOMENT).content
    assert first == again
