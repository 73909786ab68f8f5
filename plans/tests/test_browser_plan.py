"""School staff fill a plan item on a phone and submit; the municipal official approves."""

import pytest

from cycles.models import CycleOrganization, Phase
from plans.choices import PlanStatus
from plans.models import Plan
from scoring.models import Shortcoming

pytestmark = pytest.mark.browser


def _one_item_plan(school) -> Plan:
    from plans.services import seed_plans

    entry = (
        CycleOrganization.objects.filter(organization=school).select_related("cycle").order_by("-cycle__year").first()
    )
    cycle = entry.cycle
    if not cycle.phase_reached(Phase.FINAL):
        cycle.phase = Phase.PLANS
        cycle.save(update_fields=["phase"])
    Plan.objects.filter(cycle_organization=entry).delete()
    keep = Shortcoming.objects.filter(cycle_organization=entry, active=True).order_by("pk").first()
    if keep is None:
        keep = Shortcoming.objects.create(
            cycle=cycle,
            cycle_organization=entry,
            indicator_code="1.1",
            criterion_code="K1",
            kind="item_missing",
            item_code="site:catering",
            text="На официальном сайте не размещена информация об организации питания",
        )
    Shortcoming.objects.filter(cycle_organization=entry).exclude(pk=keep.pk).update(active=False)
    seed_plans(cycle)
    plan = Plan.objects.get(cycle_organization=entry)
    assert plan.items.count() == 1 and plan.status == PlanStatus.DRAFT
    return plan


def test_staff_fill_and_submit_then_official_approves(live_demo, login_as, page, live_server):
    school = live_demo.users["school"].memberships.get().organization
    plan = _one_item_plan(school)
    item = plan.items.get()
    item.measure = ""
    item.save()

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    login_as("school")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    assert page.locator("#submit-plan").is_disabled()
    card = page.locator(f"#item-{item.pk}")
    card.get_by_role("button", name="Заполнить").click()
    page.fill(f"textarea[name=i{item.pk}-measure]", "Разместить на сайте сведения об организации питания")
    page.fill(f"input[name=i{item.pk}-deadline]", "2027-04-30")
    page.fill(f"input[name=i{item.pk}-responsible_name]", "Соколова Ирина Викторовна")
    page.fill(f"input[name=i{item.pk}-responsible_position]", "заместитель директора по УВР")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_selector(f"article#item-{item.pk}")
    assert "Разместить на сайте сведения об организации питания" in page.locator(f"#item-{item.pk}").inner_text()
    # the out-of-band block now lets the plan go
    page.wait_for_function("() => !document.querySelector('#submit-plan').disabled")
    page.click("#submit-plan")
    page.wait_for_load_state("networkidle")
    assert "на утверждении" in page.locator(".plan-status").first.inner_text()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    item.refresh_from_db()
    assert item.responsible_name == "Соколова Ирина Викторовна" and str(item.deadline) == "2027-04-30"
    assert page.locator("#approve-plan").count() == 0

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    login_as("mun1")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.fill("input[name=approver_position]", "Начальник управления образования")
    page.click("#approve-plan")
    page.wait_for_load_state("networkidle")
    assert "утверждён" in page.locator(".plan-status").first.inner_text()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_by == live_demo.users["mun1"]
    assert plan.approver_position == "Начальник управления образования"

    # the approved plan downloads in the ПП 457 form
    with page.expect_download() as download:
        page.click("text=DOCX")
    assert download.value.suggested_filename.endswith(".docx")
