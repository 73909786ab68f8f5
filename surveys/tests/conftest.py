"""Helpers for the survey tests: fresh in-process caches and a way to fill the form."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.cache import cache

from cycles.models import CycleOrganization, Phase
from surveys import services
from surveys.models import Campaign, SurveyLink

ALL_YES = {
    "respondent_group": "parent_pupil",
    "info_stand_used": "yes",
    "info_stand_satisfied": "yes",
    "info_site_used": "yes",
    "info_site_satisfied": "yes",
    "comfort_satisfied": "yes",
    "disability": "no",
    "first_contact_polite": "yes",
    "service_staff_polite": "yes",
    "remote_used": "yes",
    "remote_polite": "yes",
    "recommend": "yes",
    "org_conditions_satisfied": "no",
    "overall_satisfied": "yes",
}


@pytest.fixture(autouse=True)
def _fresh_caches():
    services.forget_links()
    services.forget_medians()
    cache.clear()
    yield
    services.forget_links()
    services.forget_medians()
    cache.clear()


@pytest.fixture
def open_link(db, municipality):
    """The link of a school of mun1's current cycle, with the campaign open today."""
    entry = (
        CycleOrganization.objects.filter(
            cycle__territory=municipality, cycle__phase=Phase.COLLECTION, survey_link__isnull=False
        )
        .select_related("organization", "cycle")
        .order_by("pk")
        .first()
    )
    campaign = Campaign.objects.get(cycle=entry.cycle)
    today = datetime.date.today()
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_on=today - datetime.timedelta(days=5), closes_on=today + datetime.timedelta(days=5)
    )
    services.forget_links()
    return SurveyLink.objects.select_related("cycle_organization__organization").get(cycle_organization=entry)


def form_data(client, link, answers=None, **extra):
    """GET the form (for the CSRF cookie, client id and start token) and build the POST body."""
    page = client.get(f"/surveys/a/{link.code}/")
    assert page.status_code == 200
    data = {
        "csrfmiddlewaretoken": page.context["csrf_token"],
        "client_id": page.context["client_id"],
        "started": page.context["started"],
    }
    data.update(ALL_YES if answers is None else answers)
    data.update(extra)
    return data


def new_client_id() -> str:
    return str(uuid.uuid4())
