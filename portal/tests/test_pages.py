"""Anonymous visitors: the site root leads to the portal; results, search, council and open data work."""

import csv
import io
import json
from decimal import Decimal

import pytest

from cycles.models import Cycle
from lib.scoring_math import quantize
from portal.services import open_datasets
from reports.formatting import ru_number
from scoring.models import Result

pytestmark = pytest.mark.django_db


def test_site_root_sends_anonymous_visitors_to_the_portal(client, regional_official, client_for):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/public/"
    assert client.get("/public/").status_code == 200
    staff = client_for(regional_official)
    staff.raise_request_exception = False
    assert staff.get("/").status_code != 302  # staff keep their dashboard


def test_results_page_orders_by_total_and_filters(client, region, municipality):
    page = client.get(f"/public/t/{region.pk}/2025/").content.decode()
    best = Result.objects.published().filter(cycle__year=2025, code="S").order_by("-value").first()
    assert ru_number(best.value) in page
    filtered = client.get(f"/public/t/{region.pk}/2025/", {"mo": municipality.pk, "type": "doo"}).content.decode()
    others = (
        Result.objects.published()
        .filter(cycle__year=2025, code="S")
        .exclude(cycle_organization__organization__territory=municipality)
    )
    assert all(r.cycle_organization.organization.short_name not in filtered for r in others[:5])


def test_search_finds_an_organization_by_part_of_its_name(client, school):
    number = school.short_name.split("№")[-1].strip()
    response = client.get("/public/search/", {"q": f"№ {number}"})
    assert school.short_name in response.content.decode()
    assert client.get("/public/search/", {"q": "нет-такой-организации"}).content.decode().count("/public/org/") == 0


def test_council_page_shows_members_and_decisions(client, region):
    page = client.get(f"/public/t/{region.pk}/council/").content.decode()
    from council.models import CouncilMember

    member = CouncilMember.objects.filter(council__territory=region).first()
    assert member.full_name in page
    assert "Заседание" in page


def test_open_data_csv_json_and_passport_match_published_results(client):
    cycle = open_datasets().first()
    data = client.get(f"/public/opendata/{cycle.pk}/data.csv")
    assert data["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(data.content.decode("utf-8-sig")), delimiter=";"))
    expected = dict(
        Result.objects.published()
        .filter(cycle=cycle, code="S")
        .values_list("cycle_organization__organization__inn", "value")
    )
    assert len(rows) == len(expected)
    for row in rows:
        assert Decimal(row["S"]) == quantize(expected[row["inn"]], 2)
    payload = json.loads(client.get(f"/public/opendata/{cycle.pk}/data.json").content)
    assert len(payload["rows"]) == len(rows) and "K3" in payload["columns"]
    passport = json.loads(client.get(f"/public/opendata/{cycle.pk}/passport.json").content)
    assert {c["name"] for c in passport["structure"]} == set(rows[0].keys())
    assert passport["data"]["csv"].endswith(f"/public/opendata/{cycle.pk}/data.csv")
    unpublished = Cycle.objects.filter(year=2026).first()
    assert client.get(f"/public/opendata/{unpublished.pk}/data.json").status_code == 404


def test_organization_page_shows_history_with_a_method_warning(client):
    from cycles.models import CycleOrganization, Phase

    entry = CycleOrganization.objects.filter(cycle__year=2025, results__code="S").select_related("cycle").first()
    page = client.get(f"/public/org/{entry.organization_id}/").content.decode()
    assert "Результаты по годам" not in page  # one published year: no history block
    earlier = Cycle.objects.create(territory=entry.cycle.territory, year=2022, title="НОКО 2022", phase=Phase.CLOSED)
    old_entry = CycleOrganization.objects.create(cycle=earlier, organization=entry.organization)
    copies = []
    for result in Result.objects.filter(cycle_organization=entry):
        result.pk = None
        result.cycle, result.cycle_organization = earlier, old_entry
        result.methodology_version = "344n-114-v0"
        if result.code == "S":
            result.value = Decimal("61.2345")
        copies.append(result)
    Result.objects.bulk_create(copies)
    page = client.get(f"/public/org/{entry.organization_id}/").content.decode()
    assert "Результаты по годам" in page and "2022" in page
    assert ru_number(Decimal("61.2345")) in page
    assert "разным версиям методики" in page


def test_an_open_questionnaire_is_offered_on_the_organization_page(client):
    import datetime

    surveys = pytest.importorskip("surveys.models")
    link = (
        surveys.SurveyLink.objects.filter(cycle_organization__cycle__year=2026)
        .select_related("cycle_organization__cycle")
        .first()
    )
    if link is None:
        pytest.skip("the demo has no survey links")
    org_id = link.cycle_organization.organization_id
    campaign = link.cycle_organization.cycle.survey_campaign
    today = datetime.date.today()
    campaign.status = surveys.Campaign.Status.PUBLISHED
    campaign.opens_on, campaign.closes_on = today - datetime.timedelta(days=3), today + datetime.timedelta(days=10)
    campaign.save()
    page = client.get(f"/public/org/{org_id}/").content.decode()
    assert "Оценить организацию: пройти анкету" in page and link.path in page
    campaign.closes_on = today - datetime.timedelta(days=1)
    campaign.save()
    assert link.path not in client.get(f"/public/org/{org_id}/").content.decode()
