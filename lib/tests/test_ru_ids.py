import random

import pytest

from lib.ru_ids import inn_error, inn_with_checksum, ogrn_error, ogrn_with_checksum


@pytest.mark.parametrize("inn", ["7707083893", "7728168971", "500100732259"])
def test_real_inns_are_valid(inn):
    assert inn_error(inn) is None


@pytest.mark.parametrize(
    ("inn", "fragment"),
    [("7707083894", "контрольн"), ("77070838", "10"), ("77070838a3", "цифр"), ("500100732258", "контрольн")],
)
def test_bad_inns_are_named(inn, fragment):
    assert fragment in inn_error(inn)


@pytest.mark.parametrize("ogrn", ["1027700132195", "1027739609391", "304500116000157"])
def test_real_ogrns_are_valid(ogrn):
    assert ogrn_error(ogrn) is None


def test_bad_ogrn_checksum():
    assert "контрольн" in ogrn_error("1027700132196")
    assert "13" in ogrn_error("12345")


def test_generated_identifiers_always_validate():
    rng = random.Random(1)
    for _ in range(500):
        assert inn_error(inn_with_checksum(f"{rng.randint(0, 999_999_999):09d}")) is None
        assert ogrn_error(ogrn_with_checksum(f"1{rng.randint(0, 10**11 - 1):011d}")) is None
