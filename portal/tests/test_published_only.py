"""The portal never shows preliminary results, unpublished cycles, draft plans or anything private."""

import pytest

from cycles.models import Cycle, CycleOrganization, Phase
from reports.formatting import ru_number
from scoring.choices import ResultStatus
from scoring.models import Result

pytestmark = pytest.mark.django_db
PUBLISHED, CURRENT = 2025, 2026


def _only_in(year):
    """An organization assessed in YEAR and in no other cycle."""
    for entry in CycleOrganization.objects.filter(cycle__year=year).select_related("organization"):
        if not CycleOrganization.objects.filter(organization=entry.organization).exclude(pk=entry.pk).exists():
            return entry
    raise AssertionError("demo has no such organization")


def test_current_cycle_is_not_public(client, region):
    assert (
        Cycle.objects.filter(year=CURRENT)
        .exclude(phase__in=[Phase.PUBLICATION, Phase.PLANS, Phase.CONTROL, Phase.CLOSED])
        .exists()
    )
    assert Result.objects.filter(cycle__year=CURRENT).exists()  # preliminary results exist in the back office
    assert client.get(f"/public/t/{region.pk}/{CURRENT}/").status_code == 404
    assert client.get(f"/public/t/{region.pk}/{PUBLISHED}/").status_code == 200
    territory_page = client.get(f"/public/t/{region.pk}/").content.decode()
    assert f"/public/t/{region.pk}/{PUBLISHED}/" in territory_page
    assert f'/public/t/{region.pk}/{CURRENT}/"' not in territory_page


def test_preliminary_values_never_reach_an_organization_page(client):
    entry = _only_in(CURRENT)
    total = Result.objects.get(cycle_organization=entry, code="S").value
    page = client.get(f"/public/org/{entry.organization_id}/").content.decode()
    assert "ещё не опубликованы" in page
    assert ru_number(total) not in page
    assert client.get(f"/public/org/{entry.organization_id}/card.pdf").status_code == 404


def test_a_cycle_taken_back_before_publication_disappears(client, region):
    entry = _only_in(PUBLISHED)
    cycle = entry.cycle
    total = Result.objects.get(cycle_organization=entry, code="S").value
    assert ru_number(total) in client.get(f"/public/org/{entry.organization_id}/").content.decode()
    Cycle.objects.filter(pk=cycle.pk).update(phase=Phase.COUNCIL)
    page = client.get(f"/public/org/{entry.organization_id}/").content.decode()
    assert ru_number(total) not in page
    results = client.get(f"/public/t/{cycle.territory_id}/{PUBLISHED}/")
    if results.status_code == 200:
        assert entry.organization.short_name not in results.content.decode()
    assert client.get(f"/public/opendata/{cycle.pk}/data.csv").status_code == 404


def test_results_recomputed_as_preliminary_are_hidden_until_final(client):
    entry = _only_in(PUBLISHED)
    Result.objects.filter(cycle_organization=entry).update(status=ResultStatus.PRELIMINARY)
    page = client.get(f"/public/org/{entry.organization_id}/").content.decode()
    assert "ещё не опубликованы" in page


def test_draft_plans_and_survey_answers_stay_private(client):
    plans = pytest.importorskip("plans.models")
    from plans.choices import PlanStatus

    draft = (
        plans.PlanItem.objects.exclude(plan__status=PlanStatus.APPROVED, plan__published=True)
        .filter(plan__cycle__year=PUBLISHED)
        .first()
    )
    published = plans.PlanItem.objects.filter(
        plan__status=PlanStatus.APPROVED, plan__published=True, plan__cycle__year=PUBLISHED
    ).first()
    if draft is None or published is None:
        pytest.skip("demo plans have no draft and published pair")
    plans.PlanItem.objects.filter(pk=draft.pk).update(measure="ЧЕРНОВИК-МЕРОПРИЯТИЕ-НЕ-ДЛЯ-ПУБЛИКАЦИИ")
    plans.PlanItem.objects.filter(pk=published.pk).update(measure="Опубликованное мероприятие плана")
    draft_page = client.get(f"/public/org/{draft.plan.cycle_organization.organization_id}/").content.decode()
    assert "ЧЕРНОВИК-МЕРОПРИЯТИЕ" not in draft_page
    published_page = client.get(f"/public/org/{published.plan.cycle_organization.organization_id}/").content.decode()
    assert "Опубликованное мероприятие плана" in published_page

    from surveys.models import Response

    response = Response.objects.filter(cycle_organization=published.plan.cycle_organization).exclude(ip_hash="").first()
    if response is not None:
        assert response.ip_hash not in published_page and response.network_hash not in published_page
