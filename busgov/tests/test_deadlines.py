"""Working days by the production calendar and the placement deadlines built on them."""

from __future__ import annotations

import datetime

from busgov import services, workdays
from busgov.models import CycleSchedule, TerritorySettings
from cycles.models import Cycle

D = datetime.date


def test_holidays_and_transferred_days():
    assert workdays.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 10)  # 9 March 2026 is a holiday
    assert workdays.add_working_days(D(2026, 3, 6), 5) == D(2026, 3, 16)
    assert workdays.add_working_days(D(2024, 4, 26), 1) == D(2024, 4, 27)  # a working Saturday
    assert workdays.add_working_days(D(2025, 12, 26), 5) == D(2026, 1, 14)  # 29, 30 Dec; 31 Dec–11 Jan off
    assert not workdays.is_working_day(D(2025, 11, 3))
    assert workdays.is_working_day(D(2025, 11, 1))
    assert workdays.working_days_between(D(2026, 4, 30), D(2026, 5, 12)) == 6  # 1 and 11 May are holidays


def test_unknown_year_uses_fixed_holidays_and_says_so():
    assert not workdays.calendar_known(2031)
    assert not workdays.is_working_day(D(2031, 6, 12))  # Thursday, Russia Day
    assert workdays.calendar_known(2026)


def test_results_deadline_from_council_decision(municipality):
    cycle = Cycle.objects.get(territory=municipality, year=2025)
    start, basis = services.council_results_date(cycle)
    assert start is not None and "протокол" in basis
    deadline = services.results_deadline(cycle)
    assert deadline.start == start and deadline.working_days == 5
    assert deadline.due == workdays.add_working_days(start, 5)


def test_schedule_and_settings_override(municipal_official, regional_official, municipality, region):
    cycle = Cycle.objects.get(territory=municipality, year=2025)
    services.save_cycle_schedule(municipal_official, cycle, D(2026, 3, 6), None)
    assert services.results_deadline(cycle).due == D(2026, 3, 16)
    services.save_settings(regional_official, region, {"results_working_days": 10})
    assert services.settings_for(municipality).results_working_days == 10  # inherited from the region
    assert services.results_deadline(cycle).due == workdays.add_working_days(D(2026, 3, 6), 10)
    CycleSchedule.objects.filter(cycle=cycle).update(results_working_days=3)
    assert services.results_deadline(cycle).due == D(2026, 3, 12)
    assert TerritorySettings.objects.filter(territory=municipality).count() == 0
