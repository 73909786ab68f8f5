"""Who sees and does what: pages and API routes per role; strangers get 404."""

from __future__ import annotations

import datetime
import json

from busgov import services
from busgov.models import CitizenReview, ImportBatch, Notice, ResponsibleOfficial


def _review_of(territory):
    return CitizenReview.objects.filter(organization__territory=territory).first()


def test_reviews_are_seen_within_scope(client_for, municipal_official, municipality, other_municipality):
    client = client_for(municipal_official)
    assert client.get(_review_of(municipality).get_absolute_url()).status_code == 200
    assert client.get(_review_of(other_municipality).get_absolute_url()).status_code == 404
    listed = client.get("/busgov/reviews/list/?year=2026").content.decode()
    assert str(other_municipality) not in listed


def test_school_responds_to_its_own_review_only(client_for, school_staff, school, municipality):
    review = CitizenReview.objects.filter(organization=school).first() or services.add_review(
        school_staff, school, {"posted_on": datetime.date(2026, 5, 1), "rating": 2, "text": "Холодно"}
    )
    client = client_for(school_staff)
    response = client.post(review.get_absolute_url(), {"text": "Спасибо, отопление отремонтировано.", "action": "save"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.response.text.startswith("Спасибо") and review.response.responded_by == school_staff
    other = CitizenReview.objects.filter(organization__territory=municipality).exclude(organization=school).first()
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get("/busgov/cycles/").status_code == 404
    assert client.get("/busgov/notices/").status_code == 404
    assert client.get("/busgov/upload/reviews/").status_code == 404


def test_officials_and_imports_of_others_are_404(client_for, municipal_official, other_municipality, regional_official):
    foreign = ResponsibleOfficial.objects.filter(organization__territory=other_municipality).first()
    client = client_for(municipal_official)
    assert client.get(f"/busgov/officials/{foreign.pk}/").status_code == 404
    batch = ImportBatch.objects.create(kind="reviews", filename="x.csv", sha256="0", created_by=regional_official)
    assert client.get(batch.get_absolute_url()).status_code == 404
    notice = Notice.objects.exclude(territory__in=[municipal_official.memberships.get().territory]).first()
    if notice is not None:
        assert client.get(f"/busgov/notices/{notice.pk}/").status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get("/busgov/reviews/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_api_routes(client_for, municipal_official, municipality, other_municipality, school_staff):
    client = client_for(municipal_official)
    data = client.get("/api/busgov/monitoring?year=2026").json()
    assert [r["territory_id"] for r in data["rows"]] == [municipality.pk]
    reviews = client.get("/api/busgov/reviews?year=2026&limit=500").json()
    assert (
        reviews["count"]
        == CitizenReview.objects.filter(organization__territory=municipality, posted_on__year=2026).count()
    )
    missing = client.get("/api/busgov/officials/missing").json()
    assert missing and all(m["territory"] == municipality.name for m in missing)
    org_id = missing[0]["organization_id"]
    created = client.post(
        "/api/busgov/officials",
        data=json.dumps(
            {
                "organization_id": org_id,
                "full_name": "Смирнова Е. А.",
                "position": "заместитель",
                "duties": ["monitoring", "informing"],
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["duties"] == ["informing", "monitoring"]
    foreign = CitizenReview.objects.filter(organization__territory=other_municipality).first()
    response = client.put(
        f"/api/busgov/reviews/{foreign.pk}/response", data=json.dumps({"text": "x"}), content_type="application/json"
    )
    assert response.status_code == 404
    own = CitizenReview.objects.filter(organization__territory=municipality).unanswered().first()
    response = client.put(
        f"/api/busgov/reviews/{own.pk}/response", data=json.dumps({"text": "Ответ"}), content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["text"] == "Ответ"
    staff = client_for(school_staff)
    assert staff.post(
        "/api/busgov/cycles/1/packages", data=json.dumps({"kind": "results"}), content_type="application/json"
    ).status_code in (403, 404)
