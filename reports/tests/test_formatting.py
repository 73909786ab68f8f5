"""Russian number formatting used by every document: decimal comma, half-up rounding, grouped thousands."""

from decimal import Decimal

from reports.formatting import NBSP, ru_date_long, ru_int, ru_number, ru_percent


def test_decimal_comma_and_half_up_rounding():
    assert ru_number(Decimal("86.5467")) == "86,55"
    assert ru_number(Decimal("96.665")) == "96,67"  # half up, not banker's rounding
    assert ru_number(Decimal("100")) == "100,00"
    assert ru_number(Decimal("0.004")) == "0,00"
    assert ru_number(Decimal("88.96"), 1) == "89,0"


def test_missing_values_are_a_dash():
    assert ru_number(None) == "—"
    assert ru_int(None) == "—"
    assert ru_percent(None) == "—"


def test_thousands_are_grouped_from_five_digits():
    assert ru_int(1250) == "1250"
    assert ru_int(12500) == f"12{NBSP}500"
    assert ru_number(Decimal("1234567.891")) == f"1{NBSP}234{NBSP}567,89"
    assert ru_percent(Decimal("87.46")) == f"87,5{NBSP}%"


def test_long_dates_in_genitive():
    import datetime

    assert ru_date_long(datetime.date(2026, 1, 21)) == "21 января 2026 г."
