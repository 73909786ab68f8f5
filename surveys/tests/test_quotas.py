"""Targets: min(cap, ceil(share × recipients)) as a setting, overridden per cycle and per organization."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from audit.models import AuditEntry
from cycles.models import Cycle, CycleOrganization, Phase
from surveys import services
from surveys.models import Campaign, Response


@pytest.mark.parametrize(("recipients", "target"), [(1000, 400), (1500, 600), (2400, 600), (7, 3), (5, 2), (0, 0)])
def test_default_rule_is_forty_percent_capped_at_600(db, recipients, target):
    assert Campaign(opens_on=datetime.date.today(), closes_on=datetime.date.today()).target_for(recipients) == target


@override_settings(SURVEYS_TARGET_SHARE=Decimal("0.25"), SURVEYS_TARGET_CAP=200)
def test_rule_is_a_setting(db):
    assert Campaign().target_for(400) == 100
    assert Campaign().target_for(4000) == 200


def test_cycle_override_is_saved_by_the_operator_and_audited(client_for, operator_user, municipality):
    cycle = Cycle.objects.get(territory=municipality, phase=Phase.COLLECTION)
    response = client_for(operator_user).post(
        f"/surveys/cycles/{cycle.pk}/settings/",
        {"opens_on": "2026-11-01", "closes_on": "2026-12-15", "target_share": "0.5", "target_cap": "120"},
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(cycle=cycle)
    assert campaign.target_for(100) == 50 and campaign.target_for(1000) == 120
    entry = AuditEntry.objects.filter(action="surveys.campaign.saved", target_id=str(campaign.pk)).latest("pk")
    assert entry.after["target_cap"] == 120


def test_dates_in_the_wrong_order_are_refused(client_for, operator_user, municipality):
    cycle = Cycle.objects.get(territory=municipality, phase=Phase.COLLECTION)
    response = client_for(operator_user).post(
        f"/surveys/cycles/{cycle.pk}/settings/", {"opens_on": "2026-12-15", "closes_on": "2026-11-01"}
    )
    assert response.status_code == 200
    assert "раньше даты начала" in response.content.decode()


def test_progress_page_shows_collected_vs_target_per_organization(client_for, operator_user, municipality):
    cycle = Cycle.objects.get(territory=municipality, phase=Phase.COLLECTION)
    page = client_for(operator_user).get(f"/surveys/cycles/{cycle.pk}/")
    rows = {row.entry.pk: row for row in page.context["rows"]}
    campaign = Campaign.objects.get(cycle=cycle)
    entries = CycleOrganization.objects.filter(cycle=cycle).included().select_related("organization")
    assert set(rows) == {e.pk for e in entries}
    for entry in entries:
        row = rows[entry.pk]
        accepted = Response.objects.filter(cycle_organization=entry, status="accepted").count()
        assert row.accepted == accepted
        assert row.target == campaign.target_for(entry.organization.contingent)
        assert row.remaining == max(0, row.target - accepted)
    totals = page.context["totals"]
    assert totals.accepted == sum(r.accepted for r in rows.values())
    assert totals.reached == sum(1 for r in rows.values() if r.reached)
    behind = client_for(operator_user).get(f"/surveys/cycles/{cycle.pk}/?only=behind")
    assert all(not r.reached for r in behind.context["rows"])


def test_target_of_one_organization_can_be_set_by_hand(client_for, operator_user, open_link):
    client = client_for(operator_user)
    entry_id = open_link.cycle_organization_id
    assert client.post(f"/surveys/organizations/{entry_id}/target/", {"target": "35"}).status_code == 302
    page = client.get(f"/surveys/organizations/{entry_id}/")
    assert page.context["row"].target == 35
    assert AuditEntry.objects.filter(action="surveys.link.target", target_id=str(open_link.pk)).exists()
    services.set_link_target(operator_user, open_link, None)
    campaign = Campaign.objects.get(cycle=open_link.cycle_organization.cycle)
    page = client.get(f"/surveys/organizations/{entry_id}/")
    assert page.context["row"].target == campaign.target_for(open_link.cycle_organization.organization.contingent)
