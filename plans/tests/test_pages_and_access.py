"""Pages per role: lists hold only the role's slice, strangers get 404, htmx rows save items."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans import services
from plans.choices import PlanStatus
from plans.models import Plan


def test_school_staff_sees_only_its_own_plans(client_for, school_staff, school, school_plan):
    client = client_for(school_staff)
    response = client.get(reverse("plans:list"))
    assert response.status_code == 200
    shown = list(response.context["page"].object_list)
    assert shown and all(p.cycle_organization.organization_id == school.pk for p in shown)
    assert set(Plan.objects.visible_to(school_staff).values_list("cycle_organization__organization", flat=True)) == {
        school.pk
    }
    stranger = Plan.objects.exclude(cycle_organization__organization=school).first()
    assert client.get(reverse("plans:detail", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("plans:docx", args=[stranger.pk])).status_code == 404


def test_municipal_official_sees_only_its_municipality(client_for, municipal_official, municipality):
    client = client_for(municipal_official)
    visible = Plan.objects.visible_to(municipal_official)
    assert visible.exists()
    assert set(visible.values_list("cycle_organization__organization__territory", flat=True)) == {municipality.pk}
    elsewhere = Plan.objects.exclude(cycle_organization__organization__territory=municipality).first()
    assert client.get(reverse("plans:detail", args=[elsewhere.pk])).status_code == 404
    response = client.get(reverse("plans:control") + "?year=2025")
    assert response.status_code == 200
    rows = response.context["summary"]["rows"]
    assert [r["territory"] for r in rows] == [municipality]


def test_regional_official_control_covers_every_municipality(client_for, regional_official, region):
    response = client_for(regional_official).get(reverse("plans:control") + "?year=2025")
    summary = response.context["summary"]
    assert len(summary["rows"]) == region.children.count()
    totals = summary["totals"]
    assert totals["assessed"] == totals["approved"] + totals["exceptions"] + totals["missing"]
    missing_plans = [m["plan"] for m in summary["missing"] if m["plan"] is not None]
    assert all(p.status != PlanStatus.APPROVED for p in missing_plans)
    assert len(summary["missing"]) == totals["missing"]


def test_staff_fills_a_row_through_htmx_and_submits(client_for, school_staff, school_plan):
    client = client_for(school_staff)
    page = client.get(school_plan.get_absolute_url())
    assert page.status_code == 200
    assert "Направить на утверждение" in page.content.decode()
    item = school_plan.items.order_by("pk").first()
    form = client.get(reverse("plans:item_edit", args=[school_plan.pk, item.pk]), HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and f'name="i{item.pk}-measure"' in form.content.decode()
    hinted = client.get(reverse("plans:item_edit", args=[school_plan.pk, item.pk]) + "?hint=1", HTTP_HX_REQUEST="true")
    assert hinted.context["form"].initial["measure"]
    saved = client.post(
        reverse("plans:item_edit", args=[school_plan.pk, item.pk]),
        {
            f"i{item.pk}-measure": "Разместить сведения о питании",
            f"i{item.pk}-deadline": "2027-05-31",
            f"i{item.pk}-responsible_name": "Петрова Анна Ивановна",
            f"i{item.pk}-responsible_position": "заместитель директора",
        },
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200
    assert "Разместить сведения о питании" in saved.content.decode()
    item.refresh_from_db()
    assert item.measure == "Разместить сведения о питании" and str(item.deadline) == "2027-05-31"
    bad = client.post(
        reverse("plans:item_edit", args=[school_plan.pk, item.pk]),
        {f"i{item.pk}-measure": "x", f"i{item.pk}-deadline": "2001-01-01"},
        HTTP_HX_REQUEST="true",
    )
    assert "Плановый срок не может быть раньше" in bad.content.decode()
    item.refresh_from_db()
    assert item.measure == "Разместить сведения о питании"

    incomplete = client.post(reverse("plans:submit", args=[school_plan.pk]), follow=True)
    school_plan.refresh_from_db()
    if school_plan.items.count() > 1:
        assert school_plan.status == PlanStatus.DRAFT
        assert "не указано" in incomplete.content.decode()
    school_plan.items.update(measure="Мероприятие")
    client.post(reverse("plans:submit", args=[school_plan.pk]))
    school_plan.refresh_from_db()
    assert school_plan.status == PlanStatus.SUBMITTED
    # staff cannot approve through the page either
    assert client.post(reverse("plans:approve", args=[school_plan.pk]), {}).status_code == 403


def test_official_approves_through_the_page(client_for, municipal_official, school_plan, school_staff):
    school_plan.items.update(measure="Мероприятие")
    services.submit_plan(school_staff, school_plan)
    client = client_for(municipal_official)
    page = client.get(school_plan.get_absolute_url())
    assert 'id="approve-plan"' in page.content.decode()
    client.post(
        reverse("plans:approve", args=[school_plan.pk]),
        {"approver_name": "И.И. Иванов", "approver_position": "Начальник управления", "approved_on": "2027-02-10"},
    )
    school_plan.refresh_from_db()
    assert school_plan.status == PlanStatus.APPROVED
    assert school_plan.approver_name == "И.И. Иванов" and str(school_plan.approved_on) == "2027-02-10"


@pytest.mark.parametrize("persona", ["school_staff", "municipal_official", "regional_official"])
def test_home_and_list_pages_render_for_every_role(request, client_for, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("plans:list") + "?year=2025&status=approved").status_code == 200
    assert client.get(reverse("plans:control")).status_code == 200


def test_official_seeds_plans_through_a_job_and_sets_deadlines(client_for, municipal_official, fresh_cycle):
    client = client_for(municipal_official)
    control = client.get(reverse("plans:control") + f"?year={fresh_cycle.year}")
    assert fresh_cycle in control.context["cycles"]
    response = client.post(reverse("plans:seed", args=[fresh_cycle.pk]))
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    assert Plan.objects.filter(cycle=fresh_cycle).count() == fresh_cycle.entries.included().count()
    saved = client.post(
        reverse("plans:schedule", args=[fresh_cycle.pk]),
        {
            "submit_by": "2026-02-15",
            "approve_by": "2026-03-30",
            "publish_days": "5",
            "report_every_months": "3",
            "default_deadline": "2026-12-25",
        },
    )
    assert saved.status_code == 302
    schedule = services.schedule_for(fresh_cycle)
    assert schedule.pk and str(schedule.submit_by) == "2026-02-15" and schedule.report_every_months == 3


def test_strangers_cannot_seed_or_set_deadlines(client_for, school_staff, fresh_cycle):
    client = client_for(school_staff)
    assert client.post(reverse("plans:seed", args=[fresh_cycle.pk])).status_code in (403, 404)
    assert client.get(reverse("plans:schedule", args=[fresh_cycle.pk])).status_code in (403, 404)
    assert not Plan.objects.filter(cycle=fresh_cycle).exists()


def test_dashboard_card_tells_each_role_what_to_do(client_for, school_staff, municipal_official, school_plan):
    staff_home = client_for(school_staff).get(reverse("home")).content.decode()
    assert "Требуют заполнения" in staff_home and "Ожидают утверждения" not in staff_home
    school_plan.items.update(measure="Мероприятие")
    services.submit_plan(school_staff, school_plan)
    official_home = client_for(municipal_official).get(reverse("home")).content.decode()
    assert "Ожидают утверждения" in official_home and "Требуют заполнения" not in official_home
