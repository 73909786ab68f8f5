"""The activity plan: the shipped template, editing, overdue items highlighted."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from cycles import activity, services
from cycles.models import ActivityPlan, DeadlineKind, ItemStatus


@pytest.fixture
def plan(municipal_official, municipality):
    return services.create_activity_plan(municipal_official, municipality, 2027, 2028)


def test_template_follows_section_ii_of_the_municipal_plan(plan):
    spec = activity.template()["items"]
    numbers = [s["number"] for s in spec]
    assert numbers[:3] == ["1", "1.1", "1.2"] and numbers[-1] == "15"
    items = list(plan.items.all())
    per_year = [s for s in spec if s["deadline"]["kind"] == "quarter" and s["deadline"].get("years", "each") == "each"]
    once = [s for s in spec if s["deadline"]["kind"] == "quarter" and s["deadline"].get("years") in ("first", "last")]
    others = [s for s in spec if s["deadline"]["kind"] != "quarter"]
    assert len(items) == 2 * len(per_year) + len(once) + len(others)
    kinds = {i.deadline_kind for i in items}
    assert {DeadlineKind.QUARTER, DeadlineKind.PERMANENT, DeadlineKind.AS_NEEDED, DeadlineKind.TEXT} <= kinds
    listing = [i for i in items if i.number == "1.1"]
    assert [(i.deadline_quarter, i.deadline_year) for i in listing] == [(4, 2026), (4, 2027)]
    assert listing[0].deadline_display() == "IV квартал 2026 г."
    assert listing[0].due_date == datetime.date(2026, 12, 31)


def test_overdue_items_are_the_dated_ones_past_their_deadline(plan):
    day = datetime.date(2027, 7, 10)
    overdue = [i for i in plan.items.all() if i.is_overdue(day)]
    assert overdue and all(i.due_date < day for i in overdue)
    assert all(i.deadline_kind in (DeadlineKind.QUARTER, DeadlineKind.DATE) for i in overdue)
    undated = plan.items.exclude(deadline_kind__in=[DeadlineKind.QUARTER, DeadlineKind.DATE]).first()
    assert not undated.is_overdue(datetime.date(2100, 1, 1))


def test_done_item_is_no_longer_overdue_and_the_change_is_audited(plan, municipal_official):
    item = plan.items.filter(deadline_kind=DeadlineKind.QUARTER).order_by("deadline_year", "deadline_quarter").first()
    assert item.is_overdue(datetime.date(2030, 1, 1))
    services.save_activity_item(
        municipal_official, plan, {"status": ItemStatus.DONE, "evidence": "протокол № 1"}, item=item
    )
    item.refresh_from_db()
    assert not item.is_overdue(datetime.date(2030, 1, 1)) and item.done_on is not None
    entry = AuditEntry.objects.filter(action="cycles.activity.item_saved").latest("pk")
    assert entry.before["status"] == "planned" and entry.after["status"] == "done"


def test_item_needs_a_complete_deadline(plan, municipal_official):
    with pytest.raises(ValidationError):
        services.save_activity_item(municipal_official, plan, {"title": "Семинар", "deadline_kind": DeadlineKind.DATE})
    item = services.save_activity_item(
        municipal_official,
        plan,
        {"title": "Семинар", "deadline_kind": DeadlineKind.DATE, "deadline_date": datetime.date(2027, 3, 1)},
    )
    assert item.order == plan.items.count()


def test_demo_plan_page_highlights_overdue_items(municipality, municipal_official, client_for):
    plan = ActivityPlan.objects.get(territory=municipality)
    today = datetime.date.today()
    expected = [i for i in plan.items.all() if i.is_overdue(today)]
    page = client_for(municipal_official).get(plan.get_absolute_url())
    assert page.status_code == 200
    assert page.context["overdue_count"] == len(expected)
    assert page.content.decode().count('class="overdue"') == len(expected)
    only = client_for(municipal_official).get(plan.get_absolute_url(), {"show": "overdue"})
    assert len(only.context["items"]) == len(expected)


def test_others_cannot_edit_or_see_the_plan(plan, council_member, school_staff, other_municipality, client_for):
    from django.contrib.auth.models import User

    with pytest.raises(PermissionDenied):
        services.save_activity_item(council_member, plan, {"status": ItemStatus.DONE}, item=plan.items.first())
    assert client_for(school_staff).get(plan.get_absolute_url()).status_code == 404
    mun2 = User.objects.get(username="mun2")
    assert client_for(mun2).get(plan.get_absolute_url()).status_code == 404
    assert client_for(council_member).get(plan.get_absolute_url()).status_code == 200  # the council reads it
