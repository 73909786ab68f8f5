"""Who sees and does what: pages, API and services per role."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from accounts.models import ApiToken, Membership, Role
from cycles.models import Cycle, CycleOrganization
from expertise import services
from expertise.choices import Mark, ResultStatus
from expertise.models import ChecklistMark, ChecklistResult, Dispute
from expertise.tests.conftest import fill_all


def _auth(user):
    _token, key = ApiToken.issue(user, "тест")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_municipal_official_sees_only_its_municipality(municipal_official, municipality):
    results = ChecklistResult.objects.visible_to(municipal_official)
    assert results.exists()
    assert not results.exclude(cycle_organization__organization__territory=municipality).exists()
    assert (
        not Dispute.objects.visible_to(municipal_official)
        .exclude(mark__result__cycle_organization__organization__territory=municipality)
        .exists()
    )


def test_school_staff_sees_only_its_own_submitted_and_disclosed_results(school_staff, school, school_entry):
    results = ChecklistResult.objects.visible_to(school_staff)
    assert results.exists()
    assert set(results.values_list("cycle_organization__organization", flat=True)) <= {school.pk}
    ChecklistResult.objects.filter(cycle_organization=school_entry).update(status=ResultStatus.DRAFT)
    assert not ChecklistResult.objects.visible_to(school_staff).exists(), "drafts stay with the expert"


def test_results_of_a_cycle_in_collection_are_hidden_from_the_organization(operator_user, fresh_cycle, school):
    """Before the reply window opens (and before preliminary results) an organization sees nothing."""
    staff = User.objects.create_user("fresh-staff")
    entry = fresh_cycle.entries.select_related("organization").first()
    Membership.objects.create(user=staff, role=Role.ORG_STAFF, organization=entry.organization)
    result = services.start_result(operator_user, entry)
    fill_all(operator_user, result)
    services.submit_result(operator_user, result)
    in_cycle = ChecklistResult.objects.filter(cycle_organization__cycle=fresh_cycle)
    assert not in_cycle.visible_to(staff).exists()
    with time_machine.travel(datetime.datetime(2027, 11, 2, tzinfo=datetime.UTC), tick=False):
        services.set_reply_window(operator_user, fresh_cycle, working_days=5)
        assert list(in_cycle.visible_to(staff)) == [result]


def test_pages_per_role(client_for, operator_user, municipal_official, council_member, school_staff, school_entry):
    result = ChecklistResult.objects.filter(cycle_organization=school_entry, building__isnull=True).get()
    foreign = (
        ChecklistResult.objects.exclude(cycle_organization__organization__territory=school_entry.organization.territory)
        .filter(status=ResultStatus.SUBMITTED)
        .first()
    )
    for user in (operator_user, municipal_official, council_member, school_staff):
        client = client_for(user)
        assert client.get("/expertise/").status_code == 200
        assert client.get(f"/expertise/result/{result.pk}/").status_code == 200
        assert client.get(f"/expertise/org/{school_entry.pk}/").status_code == 200
    for user in (municipal_official, school_staff):
        assert client_for(user).get(f"/expertise/result/{foreign.pk}/").status_code == 404
        assert client_for(user).get(f"/expertise/org/{foreign.cycle_organization_id}/").status_code == 404
    # only the operator's experts fill; others are refused even where they see the result
    ChecklistResult.objects.filter(pk=result.pk).update(status=ResultStatus.DRAFT)
    assert client_for(operator_user).get(f"/expertise/result/{result.pk}/fill/").status_code == 200
    for user in (municipal_official, council_member):
        assert client_for(user).get(f"/expertise/result/{result.pk}/fill/").status_code == 403
    assert client_for(school_staff).get(f"/expertise/result/{result.pk}/fill/").status_code == 404


def test_school_staff_cannot_fill_or_decide(school_staff, school_entry):
    result = ChecklistResult.objects.filter(cycle_organization=school_entry, building__isnull=True).get()
    ChecklistResult.objects.filter(pk=result.pk).update(status=ResultStatus.DRAFT)
    result.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.save_marks(school_staff, result, {result.marks.first().item_id: (Mark.YES, None)})
    with pytest.raises(PermissionDenied):
        services.start_result(school_staff, school_entry)


def test_assigned_experts_alone_fill_their_organizations(operator_user, regional_official, fresh_entry, region):
    expert = User.objects.create_user("expert-1")
    Membership.objects.create(user=expert, role=Role.OPERATOR, territory=region)
    services.assign_experts(regional_official, fresh_entry, [expert])
    fresh_entry.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.start_result(operator_user, fresh_entry)
    result = services.start_result(expert, fresh_entry)
    assert result.expert == expert


def test_cycle_pages_list_only_the_visible_organizations(client_for, municipal_official, municipality):
    cycle = Cycle.objects.get(territory=municipality, year=2026)
    response = client_for(municipal_official).get(f"/expertise/cycle/{cycle.pk}/")
    assert response.status_code == 200
    shown = {row["entry"].organization.territory_id for row in response.context["rows"]}
    assert shown == {municipality.pk}
    regional = Cycle.objects.get(territory__parent__isnull=True, year=2026)
    page = client_for(municipal_official).get(f"/expertise/cycle/{regional.pk}/")
    if page.status_code == 200:
        assert {r["entry"].organization.territory_id for r in page.context["rows"]} <= {municipality.pk}


def test_api_is_scoped_like_the_pages(client, municipal_official, school_staff, municipality, school):
    data = client.get("/api/expertise/results?limit=500", **_auth(municipal_official)).json()
    assert data["count"] == ChecklistResult.objects.visible_to(municipal_official).count() > 0
    assert {
        CycleOrganization.objects.get(pk=r["cycle_organization_id"]).organization.territory_id for r in data["items"]
    } == {municipality.pk}
    own = client.get("/api/expertise/results", **_auth(school_staff)).json()
    assert {r["organization_id"] for r in own["items"]} == {school.pk}
    foreign = ChecklistResult.objects.exclude(cycle_organization__organization=school).first()
    assert client.get(f"/api/expertise/results/{foreign.pk}", **_auth(school_staff)).status_code == 404
    cycle = Cycle.objects.get(territory=municipality, year=2026)
    assert client.get(f"/api/expertise/cycles/{cycle.pk}/inputs", **_auth(school_staff)).status_code in (403, 404)
    assert client.get("/api/expertise/results").status_code == 401


def test_api_fill_submit_and_dispute_flow(client, operator_user, school_staff, school_entry):
    headers = _auth(operator_user)
    entry = school_entry
    ChecklistResult.objects.filter(cycle_organization=entry).delete()
    created = client.post(
        "/api/expertise/results",
        {"cycle_organization_id": entry.pk, "mode": "visit"},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201, created.content
    result_id = created.json()["id"]
    codes = [m["item_code"] for m in created.json()["marks"]]
    early = client.post(f"/api/expertise/results/{result_id}/submit", **headers)
    assert early.status_code == 400 and "Не отмечено" in early.json()["detail"]
    for code in codes:
        value = "no" if code == "premises.disabled_parking" else "yes"
        put = client.put(
            f"/api/expertise/results/{result_id}/marks/{code}",
            {"value": value},
            content_type="application/json",
            **headers,
        )
        assert put.status_code == 200
    assert client.post(f"/api/expertise/results/{result_id}/submit", **headers).json()["status"] == "submitted"
    services.set_reply_window(operator_user, entry.cycle, working_days=5)
    mark = ChecklistMark.objects.get(result_id=result_id, item__code="premises.disabled_parking")
    staff = _auth(school_staff)
    dispute = client.post(
        "/api/expertise/disputes",
        {"mark_id": mark.pk, "text": "Стоянка обозначена знаком 6.4 с табличкой 8.17."},
        content_type="application/json",
        **staff,
    )
    assert dispute.status_code == 201, dispute.content
    refused = client.post(
        f"/api/expertise/disputes/{dispute.json()['id']}/decision",
        {"decision": "accept", "reason": "сами себе"},
        content_type="application/json",
        **staff,
    )
    assert refused.status_code == 403
    decided = client.post(
        f"/api/expertise/disputes/{dispute.json()['id']}/decision",
        {"decision": "accept", "reason": "Фото подтверждает разметку."},
        content_type="application/json",
        **headers,
    )
    assert decided.json()["status"] == "accepted" and decided.json()["current_value"] == "yes"
    inputs = client.get(f"/api/expertise/cycles/{entry.cycle_id}/inputs", **headers).json()
    premises = next(
        v for v in inputs if v["cycle_organization_id"] == entry.pk and v["key"] == "access.premises_conditions"
    )
    assert (premises["value"], premises["detail"]["preliminary"]) == (5, 4)
