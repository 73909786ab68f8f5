"""The REST API: the same services, the same scopes."""

from __future__ import annotations

import json

from accounts.models import ApiToken
from plans.choices import PlanStatus
from plans.models import Plan


def _client(client, user):
    _token, key = ApiToken.issue(user, "test")
    return lambda method, url, data=None: getattr(client, method)(
        f"/api/plans{url}",
        data=json.dumps(data) if data is not None else None,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_api_flow_and_scopes(client, school_staff, school_plan, municipal_official, region):
    staff = _client(client, school_staff)
    listed = staff("get", "/plans").json()
    assert listed["count"] == Plan.objects.visible_to(school_staff).count()
    detail = staff("get", f"/plans/{school_plan.pk}").json()
    assert len(detail["items"]) == school_plan.items.count()
    for item in detail["items"]:
        response = staff("patch", f"/plans/{school_plan.pk}/items/{item['id']}", {"measure": "Мероприятие"})
        assert response.status_code == 200, response.content
    other = Plan.objects.exclude(cycle_organization__organization=school_plan.organization).first()
    assert staff("get", f"/plans/{other.pk}").status_code == 404
    assert staff("post", f"/plans/{school_plan.pk}/submit").json()["status"] == PlanStatus.SUBMITTED
    assert staff("post", f"/plans/{school_plan.pk}/approve", {}).status_code == 403

    official = _client(client, municipal_official)
    bad = official("post", f"/plans/{school_plan.pk}/return", {"comment": " "})
    assert bad.status_code == 400
    approved = official("post", f"/plans/{school_plan.pk}/approve", {"approver_name": "А.А. Петров"})
    assert approved.status_code == 200 and approved.json()["approver_name"] == "А.А. Петров"
    assert official("post", f"/plans/{school_plan.pk}/publish", {"url": "https://bus.gov.ru/x"}).json()["published"]
    published = official("get", f"/published?territory_id={region.pk}").json()
    assert any(p["id"] == school_plan.pk for p in published)
    rows = official("get", f"/control?year={school_plan.cycle.year}").json()
    assert [r["territory_id"] for r in rows] == [school_plan.organization.territory_id]
