"""Each role sees exactly its slice of the registry, in lists, details, exports and the API."""

import io

import openpyxl
import pytest

from accounts.scopes import scope_for
from registry.models import Organization


def _expected(user, municipality, school, region):
    return {
        "admin": Organization.objects.all(),
        "region": Organization.objects.filter(territory__parent=region),
        "mun1": Organization.objects.filter(territory=municipality),
        "council": Organization.objects.filter(territory__parent=region),
        "operator": Organization.objects.filter(territory__parent=region),
        "school": Organization.objects.filter(pk=school.pk) | Organization.objects.filter(parent=school),
    }[user.username]


PERSONAS = ["admin_user", "regional_official", "municipal_official", "council_member", "operator_user", "school_staff"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_to_is_the_role_slice(persona, request, municipality, school, region):
    user = request.getfixturevalue(persona)
    visible = set(Organization.objects.visible_to(user).values_list("pk", flat=True))
    expected = set(_expected(user, municipality, school, region).values_list("pk", flat=True))
    assert visible == expected
    assert visible  # every persona sees something


def test_municipal_slice_is_strictly_its_municipality(municipal_official, municipality):
    visible = Organization.objects.visible_to(municipal_official)
    assert visible.count() == Organization.objects.filter(territory=municipality).count()
    assert not visible.exclude(territory=municipality).exists()
    assert Organization.objects.exclude(territory=municipality).exists()


def test_anonymous_sees_nothing_in_the_back_office(db):
    from django.contrib.auth.models import AnonymousUser

    assert not Organization.objects.visible_to(AnonymousUser()).exists()
    assert scope_for(AnonymousUser()).is_anonymous


@pytest.mark.parametrize("persona", PERSONAS)
def test_registry_list_page_holds_only_the_slice(persona, request, client_for, municipality, school, region):
    user = request.getfixturevalue(persona)
    expected = _expected(user, municipality, school, region)
    response = client_for(user).get("/registry/", {"page": 1})
    assert response.status_code == 200
    assert response.context["total"] == expected.count()
    shown = {org.pk for org in response.context["page"]}
    assert shown <= set(expected.values_list("pk", flat=True))


@pytest.mark.parametrize("persona", ["municipal_official", "school_staff"])
def test_strangers_get_404_on_detail_edit_and_api(persona, request, client_for, other_municipality):
    user = request.getfixturevalue(persona)
    stranger = Organization.objects.filter(territory=other_municipality).first()
    client = client_for(user)
    assert client.get(f"/registry/{stranger.pk}/").status_code == 404
    assert client.get(f"/registry/{stranger.pk}/edit/").status_code in (403, 404)
    assert client.get(f"/api/organizations/{stranger.pk}").status_code == 404


def test_export_holds_only_the_slice(client_for, municipal_official, municipality):
    response = client_for(municipal_official).get("/registry/export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    inns = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert inns == set(Organization.objects.filter(territory=municipality).values_list("inn", flat=True))


def test_anonymous_is_sent_to_login(client):
    response = client.get("/registry/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["council_member", "operator_user", "school_staff"])
def test_read_only_roles_cannot_edit_the_registry(db, persona, request, client_for):
    user = request.getfixturevalue(persona)
    org = Organization.objects.visible_to(user).first()
    client = client_for(user)
    assert client.get("/registry/new/").status_code == 403
    assert client.post(f"/registry/{org.pk}/edit/", {"full_name": "x"}).status_code == 404
    assert client.post("/registry/import/").status_code == 403
