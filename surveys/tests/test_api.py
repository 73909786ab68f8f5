"""REST API: progress and counts for the user's slice, operator entry and review."""

import uuid

import pytest

from accounts.models import ApiToken
from cycles.models import Cycle, Phase
from lib.score_inputs import SURVEY_RESPONDENTS
from surveys import score_inputs
from surveys.models import Response
from surveys.tests.conftest import ALL_YES


@pytest.fixture
def api(client):
    def call(user, method, path, **kwargs):
        _token, key = ApiToken.issue(user, "tests")
        return getattr(client, method)(f"/api/surveys{path}", HTTP_AUTHORIZATION=f"Bearer {key}", **kwargs)

    return call


def test_questionnaire_version_is_served_as_data(api, operator_user):
    data = api(operator_user, "get", "/questionnaires/675n-edu-v1").json()
    gates = {i["code"]: i["gate"] for i in data["items"] if i["gate"]}
    assert gates["remote_polite"] == "remote_used"
    assert api(operator_user, "get", "/questionnaires/nope").status_code == 404


def test_progress_and_counts_hold_only_the_municipality(api, municipal_official, municipality):
    cycle = Cycle.objects.get(territory=municipality, phase=Phase.COLLECTION)
    progress = api(municipal_official, "get", f"/cycles/{cycle.pk}/progress").json()
    assert progress and all(row["public_url"].endswith(f"/surveys/a/{row['link_code']}/") for row in progress)
    counts = api(municipal_official, "get", f"/cycles/{cycle.pk}/counts").json()
    provided = {
        v.cycle_organization_id: int(v.value) for v in score_inputs.provide(cycle) if v.key == SURVEY_RESPONDENTS
    }
    assert {c["cycle_organization_id"]: c["values"][SURVEY_RESPONDENTS] for c in counts} == provided
    foreign = Cycle.objects.exclude(territory=municipality).filter(territory__parent__isnull=False).first()
    assert api(municipal_official, "get", f"/cycles/{foreign.pk}/progress").status_code == 404


def test_operator_enters_and_reviews_through_the_api(api, operator_user, open_link):
    cycle = open_link.cycle_organization.cycle
    body = {
        "organization_id": open_link.cycle_organization.organization_id,
        "mode": "interview",
        "answers": ALL_YES,
        "client_id": str(uuid.uuid4()),
    }
    created = api(operator_user, "post", f"/cycles/{cycle.pk}/responses", data=body, content_type="application/json")
    assert created.status_code == 201
    again = api(operator_user, "post", f"/cycles/{cycle.pk}/responses", data=body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    bad = {**body, "client_id": str(uuid.uuid4()), "answers": {"remote_polite": "yes"}}
    refused = api(operator_user, "post", f"/cycles/{cycle.pk}/responses", data=bad, content_type="application/json")
    assert refused.status_code == 422 and "remote_polite" in refused.json()["detail"]
    response_id = created.json()["id"]
    excluded = api(
        operator_user,
        "post",
        f"/responses/{response_id}/review",
        data={"decision": "exclude", "reason": "интервьюер ошибся организацией"},
        content_type="application/json",
    )
    assert excluded.json()["status"] == "excluded"
    listed = api(operator_user, "get", f"/cycles/{cycle.pk}/responses?status=excluded&limit=500").json()
    assert response_id in [r["id"] for r in listed["items"]]


def test_school_staff_cannot_read_or_enter_answers(api, school_staff, school):
    cycle = Cycle.objects.get(entries__organization=school)
    listed = api(school_staff, "get", f"/cycles/{cycle.pk}/responses").json()
    assert listed["count"] == 0
    body = {"organization_id": school.pk, "mode": "paper", "answers": ALL_YES}
    refused = api(school_staff, "post", f"/cycles/{cycle.pk}/responses", data=body, content_type="application/json")
    assert refused.status_code == 403
    one = Response.objects.filter(cycle_organization__organization=school).first()
    review = api(
        school_staff,
        "post",
        f"/responses/{one.pk}/review",
        data={"decision": "accept"},
        content_type="application/json",
    )
    assert review.status_code == 404
