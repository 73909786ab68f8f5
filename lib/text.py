"""Text helpers shared by search, import and display."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"«": '"', "»": '"', "„": '"', "“": '"', "”": '"', "'": '"'})


def normalize_search(value: str) -> str:
    """Fold case, ё→е, quotes and white space so both SQLite and PostgreSQL search the same way.

    SQLite's LIKE folds only ASCII case, so Cyrillic search runs over this column.
    """
    value = (value or "").lower().replace("ё", "е").translate(_QUOTES).replace('"', "")
    return _SPACES.sub(" ", value).strip()


def clean_cell(value: object) -> str:
    """A spreadsheet cell as trimmed text; numbers keep no trailing '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACES.sub(" ", str(value)).strip()


def ru_plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural: 1 школа, 2 школы, 5 школ, 21 школа, 11 школ."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


_TRANSLIT = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}


def translit(value: str) -> str:
    """Latin transliteration of Russian text (passport style), lower case, for slugs and host names."""
    return "".join(_TRANSLIT.get(ch, ch) for ch in value.lower())
