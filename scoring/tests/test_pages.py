"""The scoring pages show what the methodology asks for: n, intervals, small samples, N, places."""

from __future__ import annotations

import io

import openpyxl
import pytest

from cycles.models import Cycle
from scoring.models import Result

pytestmark = pytest.mark.django_db


def test_index_lists_cycles_with_their_result_state(client_for, regional_official):
    body = client_for(regional_official).get("/scoring/").content.decode()
    assert "итоговые" in body and "предварительные" in body


def test_cycle_table_lists_organizations_with_criteria_and_total(client_for, regional_official):
    cycle = Cycle.objects.filter(phase="closed", entries__isnull=False).distinct().first()
    response = client_for(regional_official).get(f"/scoring/cycles/{cycle.pk}/")
    body = response.content.decode()
    best = Result.objects.filter(cycle=cycle, code="S").order_by("-value").first()
    assert f"/scoring/entries/{best.cycle_organization_id}/" in body
    assert f"{best.value:.2f}".replace(".", ",") in body
    assert "К5" in body


def test_card_shows_n_interval_and_small_sample_flag(client_for, admin_user):
    small = Result.objects.filter(low_n=True, value__isnull=False, ci_low__isnull=False).first()
    body = client_for(admin_user).get(f"/scoring/entries/{small.cycle_organization_id}/").content.decode()
    assert "мало ответов" in body
    assert "95% интервал" in body
    assert f"{small.ci_low:.1f}".replace(".", ",") in body


def test_aggregates_page_shows_means_with_n(client_for, regional_official):
    cycle = Cycle.objects.filter(phase="closed", entries__isnull=False).distinct().first()
    response = client_for(regional_official).get(f"/scoring/aggregates/?year={cycle.year}&by=org_type")
    body = response.content.decode()
    assert response.status_code == 200
    assert "ДОО" in body and "N" in body
    api = client_for(regional_official).get(f"/api/scoring/aggregates?year={cycle.year}&by=territory").json()
    assert api and all(group["n"] >= 1 for group in api)


def test_rating_page_and_xlsx(client_for, regional_official):
    cycle = Cycle.objects.filter(phase="closed", entries__isnull=False).distinct().first()
    client = client_for(regional_official)
    page = client.get(f"/scoring/cycles/{cycle.pk}/ratings/?code=K3&group=org_type&top=3")
    assert page.status_code == 200
    assert "Лидеры" in page.content.decode()
    response = client.get(f"/scoring/cycles/{cycle.pk}/ratings/?code=S&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Рейтинг", "Лидеры", "Худшие"]
    places = [row[0] for row in book["Рейтинг"].iter_rows(min_row=3, values_only=True)]
    assert places == sorted(places) and places[0] == 1


def test_methodology_page_lists_weights_and_conditions(client_for, council_member):
    body = client_for(council_member).get("/scoring/methodologies/344n-114-v1/").content.decode()
    assert "0.3" in body and "сменных кресел-колясок" in body


def test_import_page_shows_named_errors(client_for, municipal_official, municipality):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cycle = Cycle.objects.filter(territory=municipality, phase="collection").first()
    upload = SimpleUploadedFile("bad.csv", "ИНН;[comfort.conditions]\n7700000000;4\n".encode())
    response = client_for(municipal_official).post(f"/scoring/cycles/{cycle.pk}/import/", {"inputs": upload})
    body = response.content.decode()
    assert "Данные не загружены" in body
    assert "ИНН 7700000000" in body


def test_api_results_and_shortcomings(client_for, admin_user):
    cycle = Cycle.objects.filter(phase="closed", entries__isnull=False).distinct().first()
    client = client_for(admin_user)
    rows = client.get(f"/api/scoring/cycles/{cycle.pk}/results").json()
    assert rows and set(rows[0]["criteria"]) == {"K1", "K2", "K3", "K4", "K5"}
    shortcomings = client.get(f"/api/scoring/cycles/{cycle.pk}/shortcomings?limit=5").json()
    assert shortcomings["count"] > 0 and shortcomings["items"][0]["legal_basis"]
    ratings = client.get(f"/api/scoring/cycles/{cycle.pk}/ratings?code=K1").json()
    assert ratings[0]["position"] == 1


def test_home_dashboard_card(client_for, municipal_official):
    from scoring.models import Result

    latest = Result.objects.visible_to(municipal_official).order_by("-cycle__year").first().cycle.year
    body = client_for(municipal_official).get("/").content.decode()
    assert f"Результаты оценки {latest}" in body
