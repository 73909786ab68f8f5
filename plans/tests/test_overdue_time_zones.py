"""Deadlines are dates in the organization's own time zone (demo region: Asia/Vladivostok, UTC+10)."""

from __future__ import annotations

import datetime

import time_machine

from plans import services
from plans.choices import ItemStatus, PlanStatus
from plans.models import PlanItem
from plans.tests.conftest import fill


def _approved_plan(plan, staff, official):
    fill(plan, staff)
    services.submit_plan(staff, plan)
    services.approve_plan(official, plan)
    return plan


def _set_up(draft_plan, staff_for, municipal_official, tz: str):
    org = draft_plan.organization
    org.timezone = tz
    org.save()
    plan = _approved_plan(draft_plan, staff_for(org), municipal_official)
    PlanItem.objects.filter(plan=plan).update(deadline=datetime.date(2027, 3, 1), status=ItemStatus.IN_PROGRESS)
    return plan


def test_item_is_overdue_when_the_local_day_after_the_deadline_begins(draft_plan, staff_for, municipal_official):
    plan = _set_up(draft_plan, staff_for, municipal_official, "Asia/Vladivostok")
    items = plan.items.count()
    ids = set(plan.items.values_list("pk", flat=True))
    # 13:59 UTC on 1 March = 23:59 in Vladivostok: still the deadline day
    with time_machine.travel(datetime.datetime(2027, 3, 1, 13, 59, tzinfo=datetime.UTC), tick=False):
        assert not ids & set(services.overdue_items(municipal_official).values_list("pk", flat=True))
        assert services.item_stats(plan)["overdue"] == 0
    # 14:01 UTC on 1 March = 00:01 on 2 March in Vladivostok, still 1 March in Moscow
    with time_machine.travel(datetime.datetime(2027, 3, 1, 14, 1, tzinfo=datetime.UTC), tick=False):
        assert ids <= set(services.overdue_items(municipal_official).values_list("pk", flat=True))
        assert services.item_stats(plan)["overdue"] == items


def test_a_moscow_organization_is_not_yet_late_at_the_same_instant(draft_plan, staff_for, municipal_official):
    plan = _set_up(draft_plan, staff_for, municipal_official, "Europe/Moscow")
    ids = set(plan.items.values_list("pk", flat=True))
    with time_machine.travel(datetime.datetime(2027, 3, 1, 14, 1, tzinfo=datetime.UTC), tick=False):
        assert not ids & set(services.overdue_items(municipal_official).values_list("pk", flat=True))
    # 21:01 UTC = 00:01 on 2 March in Moscow
    with time_machine.travel(datetime.datetime(2027, 3, 1, 21, 1, tzinfo=datetime.UTC), tick=False):
        assert ids <= set(services.overdue_items(municipal_official).values_list("pk", flat=True))


def test_done_items_and_unapproved_plans_are_never_overdue(draft_plan, staff_for, municipal_official):
    plan = _set_up(draft_plan, staff_for, municipal_official, "Asia/Vladivostok")
    done = plan.items.order_by("pk").first()
    PlanItem.objects.filter(pk=done.pk).update(status=ItemStatus.DONE)
    with time_machine.travel(datetime.datetime(2027, 6, 1, tzinfo=datetime.UTC), tick=False):
        overdue = set(services.overdue_items(municipal_official).values_list("pk", flat=True))
        assert done.pk not in overdue
        assert (set(plan.items.values_list("pk", flat=True)) - {done.pk}) <= overdue
        plan.status = PlanStatus.SUBMITTED
        plan.save()
        assert not set(plan.items.values_list("pk", flat=True)) & set(
            services.overdue_items(municipal_official).values_list("pk", flat=True)
        )


def test_control_summary_counts_overdue_per_municipality(draft_plan, staff_for, municipal_official, municipality):
    plan = _set_up(draft_plan, staff_for, municipal_official, "Asia/Vladivostok")
    year = plan.cycle.year
    with time_machine.travel(datetime.datetime(2027, 3, 1, 13, 0, tzinfo=datetime.UTC), tick=False):
        before = services.control_summary(municipal_official, year)["rows"][0]
    with time_machine.travel(datetime.datetime(2027, 3, 1, 15, 0, tzinfo=datetime.UTC), tick=False):
        after = services.control_summary(municipal_official, year)["rows"][0]
    assert after["territory"] == municipality
    assert after["overdue"] - before["overdue"] == plan.items.count()
    assert after["approved"] >= 1


def test_plan_deadlines_use_the_schedule_and_the_local_day(draft_plan, municipal_official):
    schedule = services.save_schedule(
        municipal_official,
        draft_plan.cycle,
        {"submit_by": datetime.date(2026, 1, 31), "approve_by": datetime.date(2026, 3, 30)},
    )
    assert schedule.pk
    with time_machine.travel(datetime.datetime(2026, 1, 31, 13, 0, tzinfo=datetime.UTC), tick=False):
        assert services.plan_deadlines(draft_plan) == []
    with time_machine.travel(datetime.datetime(2026, 1, 31, 15, 0, tzinfo=datetime.UTC), tick=False):
        late = services.plan_deadlines(draft_plan)
        assert len(late) == 1 and "31.01.2026" in late[0]
    with time_machine.travel(datetime.datetime(2026, 4, 2, tzinfo=datetime.UTC), tick=False):
        assert len(services.plan_deadlines(draft_plan)) == 2
