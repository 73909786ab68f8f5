"""Numbers as Russian documents print them: decimal comma, a non-breaking space between thousands.

Values are stored with full precision and rounded only here, half up, to the methodology's publication
precision (2 places; methodology.md §3.6). Whole numbers of four digits are not split («1250»), longer ones are
(«12 500»), as Russian typography does; ``"—"`` stands for a value that is not computable.
"""

from __future__ import annotations

from decimal import Decimal

from lib.scoring_math import quantize

NBSP = "\u00a0"
MISSING = "—"


def _group(digits: str) -> str:
    if len(digits) <= 4:
        return digits
    parts = []
    while digits:
        parts.append(digits[-3:])
        digits = digits[:-3]
    return NBSP.join(reversed(parts))


def ru_number(value, places: int = 2) -> str:
    """86.5467 → «86,55»; 12500 → «12 500,00»; None → «—»."""
    if value is None or value == "":
        return MISSING
    rounded = quantize(value if isinstance(value, Decimal) else Decimal(str(value)), places)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):.{places}f}"
    whole, _sep, fraction = text.partition(".")
    return f"{sign}{_group(whole)}" + (f",{fraction}" if places > 0 else "")


def ru_int(value) -> str:
    if value is None or value == "":
        return MISSING
    return ru_number(value, 0)


def ru_percent(value, places: int = 1) -> str:
    """A share already in percent: 87.46 → «87,5 %»."""
    if value is None:
        return MISSING
    return f"{ru_number(value, places)}{NBSP}%"


def ru_date(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def ru_date_long(value) -> str:
    """«21 января 2026 г.»"""
    if not value:
        return ""
    return f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year} г."
