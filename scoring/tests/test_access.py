"""Who sees and does what: results follow the organization scope; strangers get 404."""

from __future__ import annotations

import io

import openpyxl
import pytest

from cycles.models import Cycle, CycleOrganization
from scoring.models import Rating, Result, ScoreInput, Shortcoming

pytestmark = pytest.mark.django_db


def cycle_of(territory) -> Cycle:
    return Cycle.objects.filter(territory=territory, entries__isnull=False).distinct().order_by("year").first()


def test_querysets_hold_only_the_roles_slice(municipal_official, municipality, school_staff, school, admin_user):
    for model in (Result, ScoreInput, Rating, Shortcoming):
        mine = model.objects.visible_to(municipal_official)
        assert mine.exists()
        assert not mine.exclude(cycle_organization__organization__territory=municipality).exists()
        staff = model.objects.visible_to(school_staff)
        assert set(staff.values_list("cycle_organization__organization_id", flat=True)) <= {school.pk}
        assert model.objects.visible_to(admin_user).count() == model.objects.count()
        assert not model.objects.visible_to(None).exists()


def test_municipal_official_sees_own_cycle_and_gets_404_elsewhere(
    client_for, municipal_official, municipality, other_municipality
):
    client = client_for(municipal_official)
    own, other = cycle_of(municipality), cycle_of(other_municipality)
    page = client.get(f"/scoring/cycles/{own.pk}/")
    assert page.status_code == 200
    assert own.title in page.content.decode()
    assert client.get(f"/scoring/cycles/{other.pk}/").status_code == 404
    stranger = other.entries.first()
    assert client.get(f"/scoring/entries/{stranger.pk}/").status_code == 404
    assert client.get(f"/scoring/cycles/{other.pk}/ratings/").status_code == 404
    assert client.get(f"/scoring/cycles/{other.pk}/export.xlsx").status_code == 404
    assert client.get(f"/api/scoring/cycles/{other.pk}/results").status_code == 404
    assert client.get(f"/api/scoring/entries/{stranger.pk}/results").status_code == 404


def test_school_staff_see_their_own_card_only(client_for, school_staff, school):
    client = client_for(school_staff)
    entry = CycleOrganization.objects.filter(organization=school, results__isnull=False).distinct().first()
    page = client.get(f"/scoring/entries/{entry.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Показатели" in body and "Недостатки" in body
    neighbour = entry.cycle.entries.exclude(organization=school).first()
    assert client.get(f"/scoring/entries/{neighbour.pk}/").status_code == 404
    table = client.get(f"/api/scoring/cycles/{entry.cycle_id}/results").json()
    assert [row["organization_id"] for row in table] == [school.pk]
    assert client.get(f"/scoring/cycles/{entry.cycle_id}/import/").status_code == 404
    assert client.post(f"/scoring/cycles/{entry.cycle_id}/compute/").status_code == 404


def test_council_reads_but_does_not_compute_or_approve(client_for, council_member, region):
    cycle = Cycle.objects.filter(entries__isnull=False).distinct().first()
    client = client_for(council_member)
    assert client.get(f"/scoring/cycles/{cycle.pk}/").status_code == 200
    assert client.post(f"/scoring/cycles/{cycle.pk}/compute/").status_code == 404
    assert client.post(f"/scoring/cycles/{cycle.pk}/finalize/").status_code == 404
    assert (
        client.post(f"/api/scoring/cycles/{cycle.pk}/compute", {}, content_type="application/json").status_code == 403
    )


def test_operator_computes_but_only_the_authority_approves(client_for, operator_user, regional_official, municipality):
    cycle = Cycle.objects.filter(territory=municipality, phase="collection").first()
    client = client_for(operator_user)
    response = client.post(f"/scoring/cycles/{cycle.pk}/compute/", {"gather": ""})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    assert client.post(f"/scoring/cycles/{cycle.pk}/finalize/").status_code == 404
    response = client_for(regional_official).post(f"/scoring/cycles/{cycle.pk}/finalize/")
    assert response.status_code == 302
    assert not Result.objects.filter(cycle=cycle, status="preliminary").exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get("/scoring/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/scoring/methodologies").status_code == 401


def test_results_export_holds_only_visible_organizations(client_for, municipal_official, region, municipality):
    # the regional СПО cycle has colleges of several municipalities
    cycle = (
        Cycle.objects.filter(
            territory=region, entries__organization__territory=municipality, entries__results__isnull=False
        )
        .distinct()
        .first()
    )
    visible = set(
        Result.objects.visible_to(municipal_official)
        .filter(cycle=cycle, code="S")
        .values_list("cycle_organization__organization__inn", flat=True)
    )
    assert visible
    assert Result.objects.filter(cycle=cycle, code="S").count() > len(visible)
    response = client_for(municipal_official).get(f"/scoring/cycles/{cycle.pk}/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    inns = {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert inns == visible
