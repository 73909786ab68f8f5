"""The read API of cycles and the council, with the same scopes as the pages."""

from accounts.models import ApiToken
from council.models import Council
from cycles import services
from cycles.models import Cycle


def _auth(user):
    _token, key = ApiToken.issue(user, "тест")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_cycles_and_proposal_are_scoped(client, municipal_official, municipality, council_member):
    headers = _auth(municipal_official)
    cycles = client.get("/api/cycles/", **headers).json()
    assert {c["id"] for c in cycles} == set(Cycle.objects.visible_to(municipal_official).values_list("pk", flat=True))
    cycle = services.create_cycle(municipal_official, municipality, 2027)
    proposal = client.get(f"/api/cycles/{cycle.pk}/proposal", **headers).json()
    assert proposal["year"] == 2027 and proposal["list_gaps"] == proposal["due"]
    assert client.get(f"/api/cycles/{cycle.pk}/proposal", **_auth(council_member)).status_code == 403
    other = Cycle.objects.exclude(pk__in=Cycle.objects.visible_to(municipal_official)).first()
    assert client.get(f"/api/cycles/{other.pk}/organizations", **headers).status_code == 404


def test_indicators_and_decisions(client, municipal_official, municipality, other_municipality):
    headers = _auth(municipal_official)
    rows = client.get(f"/api/cycles/indicators/{municipality.pk}/2025", **headers).json()
    assert [r["code"] for r in rows] == ["assessed", "site_questionnaire", "council_meetings"]
    assert client.get(f"/api/cycles/indicators/{other_municipality.pk}/2025", **headers).status_code == 404
    cycle = Cycle.objects.get(territory=municipality, year=2025)
    decisions = client.get(
        "/api/council/decisions", {"target_type": "cycles.cycle", "target_id": cycle.pk, "adopted": True}, **headers
    ).json()
    assert "approve_list" in {d["kind"] for d in decisions}
    council = Council.objects.get(territory=municipality)
    info = client.get(f"/api/council/{council.pk}/info", **headers).json()
    assert info["council"]["name"] == council.name and info["members"]
    foreign = Council.objects.get(territory=other_municipality)
    assert client.get(f"/api/council/{foreign.pk}/info", **headers).status_code == 404
