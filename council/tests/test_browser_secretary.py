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


def _minimal_region():
    """A municipality with four schools, its authority, a cycle with a list, a council with a secretary."""
    from django.contrib.auth.models import User

    from lib.ru_ids import inn_with_checksum
    from registry.models import Organization, Territory

    region = Territory.objects.create(name="Тестовая область", kind="region")
    municipality = Territory.objects.create(name="Тестовый округ", kind="municipality", parent=region)
    for n in range(1, 5):
        Organization.objects.create(
            full_name=f"Муниципальное бюджетное общеобразовательное учреждение «Школа № {n}»",
            short_name=f"МБОУ Школа № {n}",
            inn=inn_with_checksum(f"250000{n:03d}"),
            org_type="oo",
            territory=municipality,
        )
    authority = User.objects.create_user("mun", password=PASSWORD)
    Membership.objects.create(user=authority, role=Role.MUNICIPAL, territory=municipality)
    cycle = cycle_services.create_cycle(authority, municipality, 2027)
    cycle_services.set_list(authority, cycle, plan_cycle(cycle).proposal.proposed)
    council = Council.objects.create(territory=municipality, name="Общественный совет по НОКО Тестового округа")
    for name, role in [
        ("Председателев Иван Ильич", "chair"),
        ("Членова Мария Олеговна", "member"),
        ("Советов Пётр Петрович", "member"),
    ]:
        CouncilMember.objects.create(council=council, full_name=name, role=role)
    secretary = User.objects.create_user("sekretar", password=PASSWORD, first_name="Анна", last_name="Секретарёва")
    Membership.objects.create(user=secretary, role=Role.COUNCIL, territory=municipality)
    CouncilMember.objects.create(
        council=council, full_name="Секретарёва Анна Петровна", role="secretary", user=secretary
    )
    return cycle, council


def test_secretary_records_a_meeting_and_approves_the_list(transactional_db, login_as, page, live_server):
    cycle, council = _minimal_region()
    assert cycle.entries.count() > 0 and not cycle.list_frozen
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
