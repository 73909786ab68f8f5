"""REST API with token auth, the same scopes as the web pages, and audited writes."""

import json

from accounts.models import ApiToken
from audit.models import AuditEntry
from registry.models import Organization


def _auth(user):
    _token, key = ApiToken.issue(user, "тест")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/organizations" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_no_token_no_data(client, db):
    assert client.get("/api/organizations").status_code == 401
    assert client.get("/api/organizations", HTTP_AUTHORIZATION="Bearer nope.nope").status_code == 401


def test_list_is_scoped_and_paginated(client, municipal_official, municipality):
    headers = _auth(municipal_official)
    first = client.get("/api/organizations", {"limit": 10}, **headers).json()
    assert first["count"] == Organization.objects.filter(territory=municipality).count()
    assert len(first["items"]) == 10
    assert {item["territory_id"] for item in first["items"]} == {municipality.pk}


def test_revoked_token_stops_working(client, municipal_official):
    token, key = ApiToken.issue(municipal_official, "тест")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/organizations", **headers).status_code == 200
    token.revoked_at = token.created_at
    token.save()
    assert client.get("/api/organizations", **headers).status_code == 401


def test_create_and_patch_are_audited(client, municipal_official, municipality):
    headers = _auth(municipal_official)
    payload = {
        "full_name": "Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № 101»",
        "inn": "7707083893",
        "org_type": "doo",
        "territory_id": municipality.pk,
        "contingent": 140,
    }
    response = client.post("/api/organizations", json.dumps(payload), content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    org_id = response.json()["id"]
    response = client.patch(
        f"/api/organizations/{org_id}", json.dumps({"contingent": 150}), content_type="application/json", **headers
    )
    assert response.json()["contingent"] == 150
    actions = list(AuditEntry.objects.filter(target_id=str(org_id)).values_list("action", flat=True).order_by("pk"))
    assert actions == ["registry.organization.created", "registry.organization.updated"]


def test_bad_payload_names_the_field(client, municipal_official, municipality):
    headers = _auth(municipal_official)
    payload = {"full_name": "Школа", "inn": "7707083894", "org_type": "oo", "territory_id": municipality.pk}
    response = client.post("/api/organizations", json.dumps(payload), content_type="application/json", **headers)
    assert response.status_code == 422
    assert "inn" in response.json()["detail"]


def test_read_only_role_gets_403_on_write(client, council_member):
    org = Organization.objects.visible_to(council_member).first()
    response = client.patch(
        f"/api/organizations/{org.pk}",
        json.dumps({"contingent": 1}),
        content_type="application/json",
        **_auth(council_member),
    )
    assert response.status_code == 403


def test_profile_page_issues_a_token_once(client_for, municipal_official):
    client = client_for(municipal_official)
    response = client.post("/accounts/tokens/new/", {"name": "выгрузка"})
    key = response.context["key"]
    assert ApiToken.objects.for_key(key).user == municipal_official
    assert key not in client.get("/accounts/profile/").content.decode()
