"""Checksums of Russian state identifiers: ИНН (taxpayer number) and ОГРН/ОГРНИП."""

from __future__ import annotations

_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_error(value: str) -> str | None:
    """Return a Russian message if VALUE is not a valid ИНН, else None."""
    if not value.isdigit():
        return "ИНН должен состоять только из цифр"
    if len(value) == 10:
        if _check(value, _INN10) != int(value[9]):
            return "неверная контрольная цифра ИНН"
        return None
    if len(value) == 12:
        if _check(value, _INN12_1) != int(value[10]) or _check(value, _INN12_2) != int(value[11]):
            return "неверные контрольные цифры ИНН"
        return None
    return "ИНН должен содержать 10 (организация) или 12 (ИП) цифр"


def ogrn_error(value: str) -> str | None:
    """Return a Russian message if VALUE is not a valid ОГРН (13) or ОГРНИП (15), else None."""
    if not value.isdigit():
        return "ОГРН должен состоять только из цифр"
    if len(value) == 13:
        if int(value[:12]) % 11 % 10 != int(value[12]):
            return "неверная контрольная цифра ОГРН"
        return None
    if len(value) == 15:
        if int(value[:14]) % 13 % 10 != int(value[14]):
            return "неверная контрольная цифра ОГРНИП"
        return None
    return "ОГРН должен содержать 13 цифр (ОГРНИП — 15)"


def inn_with_checksum(first9: str) -> str:
    """Complete a 9-digit prefix into a valid 10-digit ИНН (used by the demo generator)."""
    return first9 + str(_check(first9, _INN10))


def ogrn_with_checksum(first12: str) -> str:
    return first12 + str(int(first12) % 11 % 10)
