"""On a phone: the expert fills a checklist with a photo (surviving a lost connection), the school disputes
one item, the operator accepts it."""

import pytest

from cycles import services as cycle_services
from cycles.models import CycleOrganization
from expertise import services
from expertise.choices import DisputeStatus, Mark, ResultStatus
from expertise.models import ChecklistMark, ChecklistResult, Dispute, Evidence
from expertise.tests.conftest import jpeg_bytes

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "ru-RU",
}


def _phone(browser, live_server, username):
    context = browser.new_context(**PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "noko-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return context, page


def test_expert_fills_on_a_phone_and_the_school_disputes(live_demo, browser, live_server, tmp_path):
    mun1, school_user = live_demo.users["mun1"], live_demo.users["school"]
    school = school_user.memberships.get().organization
    cycle = cycle_services.create_cycle(mun1, school.territory, 2027)
    cycle_services.add_organizations(mun1, cycle, [school])
    entry = CycleOrganization.objects.get(cycle=cycle, organization=school)
    photo = tmp_path / "ramp.jpg"
    photo.write_bytes(jpeg_bytes())

    # the expert, on a phone
    context, page = _phone(browser, live_server, "operator")
    page.goto(f"{live_server.url}/expertise/org/{entry.pk}/")
    page.get_by_role("button", name="Начать чек-лист").first.click()
    page.wait_for_url("**/fill/")
    result = ChecklistResult.objects.get(cycle_organization=entry)
    items = list(result.marks.select_related("item").order_by("item__order"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, "the form fits the phone screen without horizontal scrolling"

    ramp = "premises.entrance_ramps_or_lifts"
    box = page.get_by_test_id(f"item-{ramp}")
    box.locator(".seg-no").tap()
    box.locator("textarea").fill("Пандус у входа отсутствует")
    box.locator("input[type=file]").set_input_files(str(photo))
    box.locator("ul.thumbs img").wait_for()
    page.get_by_text("Сохранено").wait_for()
    assert ChecklistMark.objects.get(result=result, item__code=ramp).value == Mark.NO
    assert Evidence.objects.get(result=result).item.code == ramp

    # the connection drops: marks stay on the phone and are sent when it is back
    context.set_offline(True)
    offline_item = items[0].item.code
    page.get_by_test_id(f"item-{offline_item}").locator(".seg-yes").tap()
    page.get_by_text("Нет связи").wait_for()
    assert ChecklistMark.objects.get(result=result, item__code=offline_item).value == Mark.BLANK
    context.set_offline(False)
    page.get_by_text("Сохранено").wait_for()
    assert ChecklistMark.objects.get(result=result, item__code=offline_item).value == Mark.YES

    for mark in items:
        if mark.item.code not in (ramp, offline_item):
            page.get_by_test_id(f"item-{mark.item.code}").locator(".seg-yes").tap()
    page.get_by_text("Сохранено").wait_for()
    page.get_by_role("button", name="Отправить чек-лист").tap()
    page.wait_for_url(f"**/expertise/result/{result.pk}/")
    result.refresh_from_db()
    assert result.status == ResultStatus.SUBMITTED
    assert not ChecklistMark.objects.filter(result=result, value=Mark.BLANK).exists()

    # the reply window opens; the school disputes the ramp from its phone
    services.set_reply_window(live_demo.users["operator"], cycle, working_days=5)
    school_context, school_page = _phone(browser, live_server, "school")
    school_page.goto(f"{live_server.url}/expertise/result/{result.pk}/")
    assert "Приём возражений открыт до" in school_page.get_by_test_id("reply-state").inner_text()
    school_page.get_by_test_id(f"dispute-{ramp}").tap()
    school_page.fill("textarea[name=text]", "Пандус установлен 1 сентября, акт и фото прилагаем.")
    school_page.set_input_files("input[name=files]", str(photo))
    school_page.get_by_role("button", name="Подать возражение").tap()
    school_page.wait_for_url("**/expertise/dispute/*/")
    assert "на рассмотрении" in school_page.get_by_test_id("dispute-status").inner_text()
    dispute = Dispute.objects.get(mark__result=result)
    assert dispute.evidence.get().kind == "photo"

    # the operator accepts it; the mark changes and the preliminary value is kept
    page.goto(f"{live_server.url}/expertise/dispute/{dispute.pk}/")
    page.get_by_label("принять").check()
    page.fill("textarea[name=reason]", "Фотография подтверждает наличие пандуса.")
    page.get_by_role("button", name="Сохранить решение").tap()
    page.get_by_text("Решение сохранено").wait_for()
    assert page.get_by_test_id("current-mark").inner_text() == "да"
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.ACCEPTED
    mark = ChecklistMark.objects.get(result=result, item__code=ramp)
    assert (mark.value, mark.preliminary_value) == (Mark.YES, Mark.NO)
    school_context.close()
    context.close()
