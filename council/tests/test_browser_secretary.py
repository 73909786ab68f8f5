"""The council secretary records a meeting and the decision approving the list of a cycle, in a browser."""

import datetime

import pytest

from accounts.models import Membership, Role
from council.models import Council, CouncilMember, Decision
from cycles import services as cycle_services
from cycles.models import Cycle
from cycles.planner import plan_cycle

pytestmark = pytest.mark.browser
PASSWORD = "Sekretar-2027-pass"


def test_secretary_records_a_meeting_and_approves_the_list(live_demo, login_as, page, live_server):
    from django.contrib.auth.models import User

    mun1 = live_demo.users["mun1"]
    municipality = mun1.memberships.get().territory
    cycle = cycle_services.create_cycle(mun1, municipality, 2027)
    proposed = plan_cycle(cycle).proposal.proposed
    cycle_services.set_list(mun1, cycle, proposed)
    council = Council.objects.get(territory=municipality)
    secretary = User.objects.create_user("sekretar", password=PASSWORD, first_name="Анна", last_name="Секретарёва")
    Membership.objects.create(user=secretary, role=Role.COUNCIL, territory=municipality)
    CouncilMember.objects.create(
        council=council, full_name="Секретарёва Анна Петровна", role="secretary", user=secretary
    )
    today = datetime.date.today()
    members_today = council.members.active_on(today).count()

    login_as("sekretar", PASSWORD)
    page.goto(f"{live_server.url}/council/")
    assert council.name in page.content()
    page.click("text=Новое заседание")
    page.fill("#id_date", today.isoformat())
    page.fill("#id_place", "Администрация, малый зал")
    page.click("button[type=submit]")
    page.wait_for_url("**/council/meetings/*/")
    assert "Администрация, малый зал" in page.content()

    page.select_option("#id_kind", "list")
    page.click("text=Добавить вопрос")
    page.wait_for_load_state("networkidle")
    assert "О перечне организаций" in page.locator("ol").first.inner_text()

    checkboxes = page.locator("input[name=present]")
    assert checkboxes.count() == members_today
    page.click("text=Отметить присутствие")
    page.wait_for_load_state("networkidle")
    assert "кворум есть" in page.locator("#quorum").inner_text()

    assert page.input_value("#id_decision-kind") == "approve_list"  # suggested by the agenda item
    page.select_option("#id_decision-target", str(cycle.pk))
    page.fill("#id_decision-text", "Утвердить перечень организаций для независимой оценки в 2027 году")
    page.fill("#id_decision-votes_for", str(members_today))
    page.click("#decision-form button")
    page.wait_for_load_state("networkidle")
    assert "Решение принято и записано." in page.content()
    assert "принято" in page.locator("table.data").last.inner_text()

    decision = Decision.objects.get(text__startswith="Утвердить перечень организаций для независимой")
    assert decision.adopted and decision.target == cycle
    assert Cycle.objects.get(pk=cycle.pk).list_frozen

    page.goto(f"{live_server.url}/council/meetings/{decision.meeting_id}/")
    with page.expect_download() as download_info:
        page.click("text=Протокол (DOCX)")
    assert download_info.value.suggested_filename.endswith(".docx")

    page.goto(f"{live_server.url}/cycles/{cycle.pk}/")
    assert "утверждён" in page.locator("dl.facts").inner_text()
