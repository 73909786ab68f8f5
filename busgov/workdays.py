"""Working days by the Russian production calendar (data: ``busgov/data/production_calendar.json``).

Pure functions, no models. ``add_working_days(start, n)`` is the deadline «в течение N рабочих дней после»
START: the N-th working day after START. A year missing from the calendar falls back to the fixed holidays of
ТК РФ ст. 112 without transfers; ``calendar_known(year)`` lets the caller warn about it.
"""

from __future__ import annotations

import datetime
import json
from functools import lru_cache
from pathlib import Path

CALENDAR_FILE = Path(__file__).resolve().parent / "data" / "production_calendar.json"


@lru_cache(maxsize=1)
def _calendar() -> dict:
    return json.loads(CALENDAR_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=32)
def _year(year: int) -> tuple[frozenset[datetime.date], frozenset[datetime.date], bool]:
    data = _calendar()
    entry = data["years"].get(str(year))
    if entry is None:
        fixed = frozenset(datetime.date.fromisoformat(f"{year}-{md}") for md in data["fixed"])
        return fixed, frozenset(), False
    holidays = frozenset(datetime.date.fromisoformat(d) for d in entry["holidays"])
    workdays = frozenset(datetime.date.fromisoformat(d) for d in entry["workdays"])
    return holidays, workdays, True


def calendar_known(year: int) -> bool:
    return _year(year)[2]


def is_working_day(day: datetime.date) -> bool:
    holidays, workdays, _known = _year(day.year)
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The DAYS-th working day after START (START itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after START up to and including END (0 if END is not after START)."""
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
