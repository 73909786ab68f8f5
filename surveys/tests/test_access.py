"""Who sees what: the municipality its organizations, a school its own page, single answers only the authorities."""

import pytest

from cycles.models import Cycle, CycleOrganization, Phase
from surveys.models import Response


@pytest.fixture
def current_cycle(municipality):
    return Cycle.objects.get(territory=municipality, phase=Phase.COLLECTION)


def test_municipal_official_sees_only_its_organizations(client_for, municipal_official, municipality, current_cycle):
    client = client_for(municipal_official)
    page = client.get(f"/surveys/cycles/{current_cycle.pk}/")
    assert page.status_code == 200
    territories = {row.entry.organization.territory_id for row in page.context["rows"]}
    assert territories == {municipality.pk}
    regional = Cycle.objects.get(territory__parent__isnull=True, phase=Phase.COLLECTION)
    regional_page = client.get(f"/surveys/cycles/{regional.pk}/")
    if regional_page.status_code == 200:  # the regional cycle is visible when it holds one of its colleges
        assert {r.entry.organization.territory_id for r in regional_page.context["rows"]} <= {municipality.pk}


def test_strangers_get_404(client_for, municipal_official, other_municipality):
    client = client_for(municipal_official)
    foreign = Cycle.objects.get(territory=other_municipality, phase=Phase.COLLECTION)
    entry = CycleOrganization.objects.filter(cycle=foreign).first()
    response = Response.objects.filter(cycle_organization__cycle=foreign).first()
    assert client.get(f"/surveys/cycles/{foreign.pk}/").status_code == 404
    assert client.get(f"/surveys/organizations/{entry.pk}/").status_code == 404
    assert client.get(f"/surveys/organizations/{entry.pk}/poster.pdf").status_code == 404
    assert client.get(f"/surveys/responses/{response.pk}/").status_code == 404


def test_school_sees_its_page_and_poster_but_not_single_answers(client_for, school_staff, school):
    client = client_for(school_staff)
    entry = CycleOrganization.objects.get(organization=school)
    page = client.get(f"/surveys/organizations/{entry.pk}/")
    assert page.status_code == 200
    assert page.context["link"].code in page.content.decode()
    assert "<svg" in page.content.decode() and "&lt;a href=" in page.content.decode()  # QR and the site snippet
    poster = client.get(f"/surveys/organizations/{entry.pk}/poster.pdf")
    assert poster.status_code == 200 and poster.content[:5] == b"%PDF-"
    one = Response.objects.filter(cycle_organization=entry).first()
    assert client.get(f"/surveys/responses/{one.pk}/").status_code == 404
    assert client.get(f"/surveys/cycles/{entry.cycle_id}/answers.xlsx").status_code == 403
    assert client.get(f"/surveys/cycles/{entry.cycle_id}/review/").status_code == 403
    assert client.get(f"/surveys/organizations/{entry.pk}/enter/").status_code == 403
    other = CycleOrganization.objects.filter(cycle=entry.cycle).exclude(organization=school).first()
    if other is not None:
        assert client.get(f"/surveys/organizations/{other.pk}/").status_code == 404
    rows = client.get(f"/surveys/cycles/{entry.cycle_id}/").context["rows"]
    assert [r.entry.pk for r in rows] == [entry.pk]


def test_council_sees_progress_and_excluded_share_but_not_answers(client_for, council_member):
    client = client_for(council_member)
    closed = Cycle.objects.filter(phase=Phase.CLOSED, territory__parent__isnull=False).first()
    page = client.get(f"/surveys/cycles/{closed.pk}/")
    assert page.status_code == 200
    excluded = Response.objects.filter(cycle_organization__cycle=closed, status="excluded").count()
    assert page.context["totals"].excluded == excluded > 0
    assert "Исключено" in page.content.decode()
    assert client.get(f"/surveys/cycles/{closed.pk}/answers.csv").status_code == 403
    assert not Response.objects.visible_to(council_member).exists()


def test_municipal_official_reads_answers_but_does_not_decide_on_them(client_for, municipal_official, current_cycle):
    client = client_for(municipal_official)
    held = Response.objects.filter(cycle_organization__cycle=current_cycle, status="review").first()
    assert client.get(f"/surveys/responses/{held.pk}/").status_code == 200
    refused = client.post(f"/surveys/responses/{held.pk}/", {"decision": "exclude", "reason": "дубль"})
    assert refused.status_code == 403
    held.refresh_from_db()
    assert held.status == "review"
    export = client.get(f"/surveys/cycles/{current_cycle.pk}/answers.csv")
    assert export.status_code == 200


def test_operator_decides_on_a_held_answer(client_for, operator_user, current_cycle):
    held = Response.objects.filter(cycle_organization__cycle=current_cycle, status="review").first()
    response = client_for(operator_user).post(
        f"/surveys/responses/{held.pk}/", {"decision": "exclude", "reason": "повтор с того же устройства"}
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == "excluded"


def test_back_office_needs_a_login(client, current_cycle):
    response = client.get(f"/surveys/cycles/{current_cycle.pk}/")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_home_dashboard_card_and_menu_show_collection_of_the_users_slice(client_for, municipal_official, current_cycle):
    page = client_for(municipal_official).get("/").content.decode()
    assert 'href="/surveys/"' in page  # menu
    assert f'href="/surveys/cycles/{current_cycle.pk}/"' in page  # dashboard card
    accepted = Response.objects.filter(
        cycle_organization__cycle=current_cycle,
        cycle_organization__organization__territory=current_cycle.territory,
        status="accepted",
    ).count()
    assert f"<b>{accepted:,}</b>".replace(",", "\xa0") in page or f"<b>{accepted}</b>" in page
