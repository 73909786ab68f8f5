"""Pages and API routes of the site checker, per role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sitecheck import services
from sitecheck.models import SiteCheck, SiteCheckRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(site_server, current_cycle, operator_user, school):
    entry = next(e for e in current_cycle.entries.included().select_related("organization") if e.organization != school)
    entry.organization.website = site_server.url("avtodom")
    entry.organization.save()
    return services.start_check(operator_user, entry.organization, cycle_organization=entry)


def test_check_page_groups_findings_by_subsection_with_legal_basis(client_for, municipal_official, checked):
    response = client_for(municipal_official).get(reverse("sitecheck:check", args=[checked.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Основные сведения" in html and "/sveden/common" in html
    assert "Приказ Рособрнадзора № 1493, п. 7" in html
    assert "itemprop=&quot;fullName&quot;" in html or 'itemprop="fullName"' in html
    assert "Дистанционные способы взаимодействия" in html
    assert checked.evidence_sha256 in html


def test_strangers_get_404(client_for, school_staff, checked):
    client = client_for(school_staff)
    assert client.get(reverse("sitecheck:check", args=[checked.pk])).status_code == 404
    page = checked.pages.first()
    assert client.get(reverse("sitecheck:snapshot", args=[page.pk])).status_code == 404
    assert client.get(f"/api/sitecheck/checks/{checked.pk}").status_code == 404


def test_snapshot_is_served_as_text_with_its_hash(client_for, operator_user, checked):
    page = checked.pages.exclude(snapshot="").first()
    response = client_for(operator_user).get(reverse("sitecheck:snapshot", args=[page.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response["X-Snapshot-SHA256"] == page.sha256
    assert response["X-Content-Type-Options"] == "nosniff"


def test_school_staff_sees_and_reruns_its_own_check(client_for, school_staff, school, site_server):
    school.website = site_server.url("gen3")
    school.save()
    client = client_for(school_staff)
    assert client.get(reverse("sitecheck:index")).url == reverse("sitecheck:mine")
    assert client.get(reverse("sitecheck:mine")).url == reverse("sitecheck:organization", args=[school.pk])
    response = client.post(reverse("sitecheck:start_check", args=[school.pk]))
    check = SiteCheck.objects.filter(organization=school).order_by("-pk").first()
    assert response.url == reverse("sitecheck:check", args=[check.pk])
    page = client.get(response.url).content.decode()
    assert "Проверить снова" in page
    rerun = client.post(reverse("sitecheck:rerun", args=[check.pk]))
    assert rerun.status_code == 302
    assert SiteCheck.objects.filter(organization=school).count() >= 2
    assert "Мой сайт" in client.get(reverse("sitecheck:organization", args=[school.pk])).content.decode()


def test_operator_starts_a_cycle_run_from_the_index(client_for, operator_user, current_cycle, site_server, settings):
    settings.SITECHECK = {**settings.SITECHECK, "concurrency": 8}
    for index, entry in enumerate(current_cycle.entries.included().select_related("organization")):
        entry.organization.website = site_server.url(f"gen{index % 40}")
        entry.organization.save()
    client = client_for(operator_user)
    index_page = client.get(reverse("sitecheck:index")).content.decode()
    assert reverse("sitecheck:start_run", args=[current_cycle.pk]) in index_page
    response = client.post(reverse("sitecheck:start_run", args=[current_cycle.pk]))
    run = SiteCheckRun.objects.get(cycle=current_cycle)
    assert response.url == reverse("sitecheck:run", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert run.title in page and "Завершена".lower() in page.lower()


def test_api_check_lifecycle(client_for, operator_user, site_server, current_cycle, school):
    entry = next(e for e in current_cycle.entries.included().select_related("organization") if e.organization != school)
    entry.organization.website = site_server.url("ipbaishev")
    entry.organization.save()
    client = client_for(operator_user)
    created = client.post(
        "/api/sitecheck/checks",
        {"organization_id": entry.organization_id, "cycle_organization_id": entry.pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "done" and body["cycle_organization_id"] == entry.pk
    detail = client.get(f"/api/sitecheck/checks/{body['id']}").json()
    assert any(f["code"] == "managers.rucovodstvo" and f["placed"] for f in detail["findings"])
    assert any(len(p["sha256"]) == 64 and p["role"] == "section" for p in detail["pages"])
    listed = client.get(f"/api/sitecheck/checks?cycle_id={current_cycle.pk}&current=true").json()
    assert body["id"] in [c["id"] for c in listed["items"]]
    rules = client.get("/api/sitecheck/rules/1493-v1").json()
    common = next(s for s in rules["sections"] if s["code"] == "common")
    assert any(p["name"] == "uchredLaw" and p["children"] for p in common["props"])


def test_api_runs_respect_territory(client_for, municipal_official, other_municipality, current_cycle, site_server):
    from cycles.models import Cycle

    client = client_for(municipal_official)
    foreign = Cycle.objects.get(territory=other_municipality, year=2026)
    assert (
        client.post("/api/sitecheck/runs", {"cycle_id": foreign.pk}, content_type="application/json").status_code == 404
    )
    for index, entry in enumerate(current_cycle.entries.included().select_related("organization")):
        entry.organization.website = site_server.url(f"gen{index % 40}")
        entry.organization.save()
    created = client.post("/api/sitecheck/runs", {"cycle_id": current_cycle.pk}, content_type="application/json")
    assert created.status_code == 201
    run = created.json()
    assert run["status"] == "done" and run["done"] == run["total"] > 0
    again = client.post(f"/api/sitecheck/runs/{run['id']}/resume")
    assert again.status_code == 422
