"""Report pages per role: each sees its territories; strangers get 404; only authorities act."""

import datetime

import pytest

from cycles.models import CycleOrganization
from reports.models import HeadAction
from reports.tests.conftest import YEAR


@pytest.mark.parametrize("persona", ["admin_user", "regional_official", "council_member", "operator_user"])
def test_regional_roles_open_the_region_report(persona, request, client_for, region):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(f"/reports/t/{region.pk}/{YEAR}/")
    assert response.status_code == 200
    assert "Средние значения" in response.content.decode()


def test_municipal_official_sees_its_municipality_only(
    client_for, municipal_official, municipality, other_municipality, region
):
    client = client_for(municipal_official)
    assert client.get(f"/reports/t/{municipality.pk}/{YEAR}/").status_code == 200
    assert client.get(f"/reports/t/{other_municipality.pk}/{YEAR}/").status_code == 404
    assert client.get(f"/reports/t/{region.pk}/{YEAR}/").status_code == 404
    foreign = CycleOrganization.objects.filter(organization__territory=other_municipality).first()
    assert client.get(f"/reports/org/{foreign.pk}/").status_code == 404
    assert client.get(f"/reports/org/{foreign.pk}/attestation.docx").status_code == 404


def test_school_staff_sees_only_its_own_card(client_for, school_staff, school, region):
    client = client_for(school_staff)
    assert client.get(f"/reports/t/{region.pk}/{YEAR}/").status_code == 404
    own = CycleOrganization.objects.filter(organization=school).first()
    other = CycleOrganization.objects.exclude(organization=school).first()
    assert client.get(f"/reports/org/{own.pk}/").status_code == 200
    assert client.get(f"/reports/org/{other.pk}/").status_code == 404
    page = client.get("/reports/").content.decode()
    assert school.short_name in page


def test_letter_and_head_actions_need_an_authority(
    client_for, operator_user, council_member, regional_official, region
):
    entry = CycleOrganization.objects.filter(cycle__year=YEAR).first()
    before = HeadAction.objects.count()
    form = {"entry": entry.pk, "category": "leader", "kind": "reward", "decided_on": "2026-02-01"}
    for outsider in (operator_user, council_member):
        client = client_for(outsider)
        assert client.post(f"/reports/t/{region.pk}/{YEAR}/generate/ministry_letter/").status_code == 403
        assert client.post(f"/reports/t/{region.pk}/{YEAR}/leaders/", form).status_code == 403
        assert client.get(f"/reports/t/{region.pk}/{YEAR}/follow-up/").status_code == 404
    assert HeadAction.objects.count() == before
    client = client_for(regional_official)
    response = client.post(f"/reports/t/{region.pk}/{YEAR}/leaders/", form)
    assert response.status_code == 302
    action = HeadAction.objects.latest("pk")
    assert HeadAction.objects.count() == before + 1
    assert action.decided_on == datetime.date(2026, 2, 1) and action.cycle_organization == entry


def test_downloads_are_real_files(client_for, regional_official, municipality):
    client = client_for(regional_official)
    for document, magic in (("operator_report", b"PK"), ("xlsx", b"PK"), ("ministry_letter", b"PK")):
        response = client.post(f"/reports/t/{municipality.pk}/{YEAR}/generate/{document}/")
        assert response.status_code == 200, document
        assert response.content.startswith(magic)
        assert "attachment" in response["Content-Disposition"]
    assert client.get(f"/reports/t/{municipality.pk}/{YEAR}/generate/xlsx/").status_code == 405


def test_follow_up_form_saves_the_letter_details(client_for, municipal_official, municipality):
    client = client_for(municipal_official)
    response = client.post(
        f"/reports/t/{municipality.pk}/{YEAR}/follow-up/",
        {
            "letter_number": "07/1",
            "list_group": "org_type",
            "list_top": "2",
            "published_site_url": "https://uo.example.ru/noko",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/reports/t/{municipality.pk}/{YEAR}/").content.decode()
    assert "2 организации по каждому типу организаций" in page
