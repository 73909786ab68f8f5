"""The reports API: summaries per scope and decisions about heads, with the same access as the pages."""

import json

from cycles.models import CycleOrganization
from reports.models import HeadAction
from reports.tests.conftest import YEAR
from scoring.models import Result


def test_summary_counts_and_means(client_for, regional_official, region):
    response = client_for(regional_official).get(f"/api/reports/summary?territory_id={region.pk}&year={YEAR}&top=1")
    assert response.status_code == 200
    body = response.json()
    assert body["organizations"] == Result.objects.filter(cycle__year=YEAR, code="S").count()
    assert body["preliminary"] is False
    assert sum(g["n"] for g in body["by_territory"]) == body["organizations"]
    assert all(len(block["leaders"]) >= 1 for block in body["lists"])


def test_summary_of_a_foreign_municipality_is_not_found(client_for, municipal_official, other_municipality):
    url = f"/api/reports/summary?territory_id={other_municipality.pk}&year={YEAR}"
    assert client_for(municipal_official).get(url).status_code == 404


def test_head_actions_through_the_api(client_for, municipal_official, operator_user, municipality):
    entry = CycleOrganization.objects.filter(cycle__year=YEAR, organization__territory=municipality).first()
    payload = json.dumps(
        {"cycle_organization_id": entry.pk, "category": "worst", "kind": "measures", "decided_on": "2026-02-03"}
    )
    denied = client_for(operator_user).post("/api/reports/head-actions", payload, content_type="application/json")
    assert denied.status_code == 403
    created = client_for(municipal_official).post("/api/reports/head-actions", payload, content_type="application/json")
    assert created.status_code == 201
    assert HeadAction.objects.get(pk=created.json()["id"]).kind == "measures"
    listed = client_for(municipal_official).get(f"/api/reports/head-actions?year={YEAR}").json()
    assert created.json()["id"] in [a["id"] for a in listed]
    assert {a["organization_id"] for a in listed} <= set(
        CycleOrganization.objects.filter(organization__territory=municipality).values_list("organization_id", flat=True)
    )
