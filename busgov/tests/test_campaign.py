"""Information campaign: records of activities and the printable leaflet with the bus.gov.ru QR code."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from busgov import services
from busgov.models import CampaignActivity
from registry.models import Organization


def test_activity_is_recorded_and_audited(school_staff, school, other_municipality):
    activity = services.add_campaign_activity(
        school_staff,
        {
            "organization": school,
            "held_on": datetime.date(2026, 4, 2),
            "kind": "meeting",
            "description": "Родительское собрание: как оставить отзыв на bus.gov.ru",
            "reach": 54,
        },
    )
    assert CampaignActivity.objects.visible_to(school_staff).filter(pk=activity.pk).exists()
    assert AuditEntry.objects.filter(action="busgov.campaign.added", target_id=str(activity.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.add_campaign_activity(
            school_staff,
            {"territory": other_municipality, "held_on": datetime.date(2026, 4, 2), "kind": "site", "description": "x"},
        )
    with pytest.raises(ValidationError):
        services.add_campaign_activity(school_staff, {"organization": school, "kind": "site", "description": ""})


def test_leaflet_has_the_rating_qr(client_for, municipal_official, municipality, other_municipality):
    org = Organization.objects.filter(territory=municipality).exclude(busgov_id="").first()
    page = client_for(municipal_official).get(f"/busgov/campaign/leaflet/{org.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f"https://bus.gov.ru/qrcode/rate/{org.busgov_id}" in body and "data:image/svg+xml" in body
    stranger = Organization.objects.filter(territory=other_municipality).first()
    assert client_for(municipal_official).get(f"/busgov/campaign/leaflet/{stranger.pk}/").status_code == 404


def test_api_upload_and_apply(client_for, municipal_official, sample_orgs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from busgov.tests.conftest import read_fixture

    client = client_for(municipal_official)
    response = client.post(
        "/api/busgov/imports/reviews",
        {"file": SimpleUploadedFile("bad.csv", read_fixture("reviews-2026-bad.csv"), content_type="text/csv")},
    )
    assert response.status_code == 201
    batch = response.json()
    assert batch["good_rows"] == 3 and len(batch["errors"]) == 6
    refused = client.post(f"/api/busgov/imports/{batch['id']}/apply")
    assert refused.status_code == 400
    applied = client.post(f"/api/busgov/imports/{batch['id']}/apply", {"skip_bad_rows": "true"})
    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    assert applied.json()["summary"]["applied"]["created"] == 3
