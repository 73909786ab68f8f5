import datetime

import pytest

from reports.scope import ReportScope

YEAR = 2025  # closed in the demo: final results, published
CURRENT = 2026  # data collection in the demo: preliminary results only
MOMENT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def region_scope(region):
    return ReportScope(region, YEAR)


@pytest.fixture
def municipal_scope(municipality):
    return ReportScope(municipality, YEAR)


def table_with(document, *headers):
    """The first table whose header row starts with HEADERS."""
    for table in document.tables:
        first = [cell.text.strip() for cell in table.rows[0].cells]
        if first[: len(headers)] == list(headers):
            return table
    raise AssertionError(f"no table with headers {headers}")


def body_rows(table):
    return [[cell.text.strip() for cell in row.cells] for row in table.rows[1:]]
