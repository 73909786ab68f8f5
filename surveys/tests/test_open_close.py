"""Open and close dates are local dates of each organization (time zones from UTC+2 to UTC+12)."""

import datetime

import pytest
import time_machine

from registry.models import Organization
from surveys import services
from surveys.models import Campaign

OPENS = datetime.date(2026, 12, 1)
CLOSES = datetime.date(2026, 12, 20)


@pytest.fixture
def dated_link(open_link):
    Campaign.objects.filter(cycle=open_link.cycle_organization.cycle).update(opens_on=OPENS, closes_on=CLOSES)
    return open_link


def _state(client, link, tz: str, instant: datetime.datetime) -> str:
    Organization.objects.filter(pk=link.cycle_organization.organization_id).update(timezone=tz)
    services.forget_links()
    with time_machine.travel(instant, tick=False):
        page = client.get(f"/surveys/a/{link.code}/")
    text = page.content.decode()
    if "survey-form" in text:
        return "open"
    return "not_yet" if "ещё не начался" in text else "closed"


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("tz", "instant", "expected"),
    [
        # Vladivostok (UTC+10): 1 December starts at 30 November 14:00 UTC
        ("Asia/Vladivostok", utc(2026, 11, 30, 13, 59), "not_yet"),
        ("Asia/Vladivostok", utc(2026, 11, 30, 14, 0), "open"),
        # Kaliningrad (UTC+2): the same instant is still 30 November there
        ("Europe/Kaliningrad", utc(2026, 11, 30, 14, 0), "not_yet"),
        ("Europe/Kaliningrad", utc(2026, 11, 30, 22, 0), "open"),
        # 20 December is the last day, inclusive, in each zone
        ("Asia/Kamchatka", utc(2026, 12, 20, 11, 59), "open"),
        ("Asia/Kamchatka", utc(2026, 12, 20, 12, 0), "closed"),
        ("Europe/Kaliningrad", utc(2026, 12, 20, 21, 59), "open"),
        ("Europe/Kaliningrad", utc(2026, 12, 20, 22, 0), "closed"),
    ],
)
def test_form_opens_and_closes_at_local_midnight(client, dated_link, tz, instant, expected):
    assert _state(client, dated_link, tz, instant) == expected


def test_organization_without_its_own_zone_uses_its_municipality(dated_link):
    org = dated_link.cycle_organization.organization
    Organization.objects.filter(pk=org.pk).update(timezone="")
    services.forget_links()
    info = services.resolve_link(dated_link.code)
    assert info.timezone == org.territory.timezone == "Asia/Vladivostok"
    assert info.state(utc(2026, 11, 30, 14, 0)) == "open"


def test_a_form_opened_before_closing_and_sent_after_is_refused(client, dated_link):
    from surveys.models import Response
    from surveys.tests.conftest import form_data

    Organization.objects.filter(pk=dated_link.cycle_organization.organization_id).update(timezone="Asia/Vladivostok")
    services.forget_links()
    with time_machine.travel(utc(2026, 12, 20, 13, 50), tick=False) as traveller:
        data = form_data(client, dated_link)
        traveller.shift(datetime.timedelta(minutes=15))
        services.forget_links()
        response = client.post(f"/surveys/a/{dated_link.code}/", data)
    assert response.status_code == 403
    assert "Опрос завершён" in response.content.decode()
    assert not Response.objects.filter(client_id=data["client_id"]).exists()
