"""Anti-fraud: rate limits, suspicion flags, held answers, and the operator's audited decisions."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from audit.models import AuditEntry
from cycles.models import Cycle, Phase
from lib.score_inputs import SURVEY_RESPONDENTS
from surveys import score_inputs, services
from surveys.models import Campaign, Response
from surveys.tests.conftest import ALL_YES, form_data

# a Saturday evening and a Tuesday morning in Vladivostok (UTC+10), both inside the open campaign
SATURDAY_EVENING = datetime.datetime(2026, 11, 21, 10, 0, tzinfo=datetime.UTC)  # 20:00 local
TUESDAY_MORNING = datetime.datetime(2026, 11, 17, 0, 30, tzinfo=datetime.UTC)  # 10:30 local


@pytest.fixture
def link(open_link):
    Campaign.objects.filter(cycle=open_link.cycle_organization.cycle).update(
        opens_on=datetime.date(2026, 11, 1), closes_on=datetime.date(2026, 12, 31)
    )
    services.forget_links()
    return open_link


def _submit(client, link, at, answers=None, seconds=180, **meta):
    with time_machine.travel(at, tick=False) as traveller:
        data = form_data(client, link, answers)
        traveller.shift(datetime.timedelta(seconds=seconds))
        response = client.post(f"/surveys/a/{link.code}/", data, **meta)
    assert response.status_code == 302, response.content.decode()[:500]
    return Response.objects.get(client_id=data["client_id"])


def _respondents(link) -> int:
    return next(
        int(v.value)
        for v in score_inputs.provide(link.cycle_organization.cycle)
        if v.cycle_organization_id == link.cycle_organization_id and v.key == SURVEY_RESPONDENTS
    )


def test_second_answer_from_the_same_browser_is_held_not_deleted(link):
    browser = Client(REMOTE_ADDR="10.1.1.1")
    before = _respondents(link)
    first = _submit(browser, link, SATURDAY_EVENING)
    second = _submit(browser, link, SATURDAY_EVENING + datetime.timedelta(hours=1))
    assert first.status == Response.Status.ACCEPTED and first.flags == ""
    assert second.status == Response.Status.REVIEW and "device_repeat" in second.flag_list
    assert _respondents(link) == before + 1  # held answers are not counted until accepted


def test_speeder_is_flagged_and_speeder_with_straight_lining_is_held(link):
    quick = _submit(Client(REMOTE_ADDR="10.2.0.1"), link, SATURDAY_EVENING, seconds=9)
    assert quick.flag_list == ["speeder"] and quick.status == Response.Status.ACCEPTED
    uniform = {code: "yes" for code in ALL_YES} | {"respondent_group": "parent_pupil", "accessibility_satisfied": "yes"}
    robot = _submit(Client(REMOTE_ADDR="10.3.0.1"), link, SATURDAY_EVENING, uniform, seconds=9)
    assert robot.flag_list == ["speeder", "straight_line"] and robot.status == Response.Status.REVIEW


def test_speeder_is_measured_against_the_organizations_median(link):
    Response.objects.filter(cycle_organization=link.cycle_organization).delete()
    for index in range(20):
        _submit(
            Client(REMOTE_ADDR=f"10.4.{index}.1"), link, SATURDAY_EVENING + datetime.timedelta(hours=index), seconds=200
        )
    services.forget_medians()
    slow_enough = _submit(Client(REMOTE_ADDR="10.5.0.1"), link, SATURDAY_EVENING, seconds=80)
    too_fast = _submit(Client(REMOTE_ADDR="10.6.0.1"), link, SATURDAY_EVENING, seconds=60)  # < 0.35 × 200
    assert "speeder" not in slow_enough.flag_list
    assert "speeder" in too_fast.flag_list


def test_burst_from_one_network_is_flagged(link):
    answers = [
        _submit(Client(REMOTE_ADDR=f"192.0.2.{n}"), link, SATURDAY_EVENING + datetime.timedelta(seconds=30 * n))
        for n in range(1, 7)
    ]
    assert ["burst" in a.flag_list for a in answers] == [False] * 5 + [True]
    later = _submit(Client(REMOTE_ADDR="192.0.2.99"), link, SATURDAY_EVENING + datetime.timedelta(hours=2))
    assert "burst" not in later.flag_list


def test_several_answers_from_one_address_in_school_hours_are_flagged(link):
    flags = [
        _submit(
            Client(REMOTE_ADDR="198.51.100.7"), link, TUESDAY_MORNING + datetime.timedelta(minutes=20 * n)
        ).flag_list
        for n in range(3)
    ]
    assert flags == [[], [], ["school_hours"]]
    evening = _submit(Client(REMOTE_ADDR="198.51.100.8"), link, SATURDAY_EVENING)
    assert evening.flag_list == []


@override_settings(RATELIMIT_ENABLE=True, SURVEYS_RATE_IP="3/10m")
def test_flood_from_one_address_is_limited_and_nothing_is_stored(link):
    before = Response.objects.count()
    statuses = []
    for _ in range(5):
        browser = Client(REMOTE_ADDR="203.0.113.5")
        statuses.append(browser.post(f"/surveys/a/{link.code}/", form_data(browser, link)).status_code)
    assert statuses == [302, 302, 302, 429, 429]
    assert Response.objects.count() == before + 3


def test_operator_excludes_and_restores_with_a_reason_and_it_is_audited(link, operator_user):
    response = _submit(Client(REMOTE_ADDR="10.7.0.1"), link, SATURDAY_EVENING)
    before = _respondents(link)
    with pytest.raises(ValidationError):
        services.review(operator_user, [response], "exclude", "  ")
    assert services.review(operator_user, [response], "exclude", "Дубль бумажной анкеты") == 1
    response.refresh_from_db()
    assert response.status == Response.Status.EXCLUDED and response.reviewed_by == operator_user
    assert _respondents(link) == before - 1
    entry = AuditEntry.objects.get(action="surveys.response.excluded", target_id=str(response.pk))
    assert entry.after["review_reason"] == "Дубль бумажной анкеты"
    assert entry.organization_id == link.cycle_organization.organization_id
    services.review(operator_user, [response], "restore", "Ошибка при проверке")
    response.refresh_from_db()
    assert response.status == Response.Status.ACCEPTED
    assert _respondents(link) == before
    assert AuditEntry.objects.filter(action="surveys.response.restored", target_id=str(response.pk)).exists()


def test_review_page_lists_held_answers_and_applies_a_bulk_decision(link, operator_user, client_for):
    browser = Client(REMOTE_ADDR="10.8.0.1")
    _submit(browser, link, SATURDAY_EVENING)
    held = _submit(browser, link, SATURDAY_EVENING + datetime.timedelta(minutes=10))
    client = client_for(operator_user)
    cycle_id = link.cycle_organization.cycle_id
    page = client.get(f"/surveys/cycles/{cycle_id}/review/")
    assert held in page.context["page"].object_list
    assert "повтор с того же устройства" in page.content.decode()
    response = client.post(
        f"/surveys/cycles/{cycle_id}/review/", {"ids": [held.pk], "decision": "accept", "reason": ""}
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Response.Status.ACCEPTED and held.reviewed_by == operator_user
    assert "device_repeat" in held.flag_list  # the flag stays for the record


def test_rescore_rebuilds_flags_in_order_and_keeps_reviewed_decisions(link, operator_user):
    browser = Client(REMOTE_ADDR="10.9.0.1")
    first = _submit(browser, link, SATURDAY_EVENING)
    second = _submit(browser, link, SATURDAY_EVENING + datetime.timedelta(minutes=5))
    third = _submit(browser, link, SATURDAY_EVENING + datetime.timedelta(minutes=9))
    services.review(operator_user, [third], "accept", "")
    Response.objects.filter(pk__in=[first.pk, second.pk]).update(flags="", suspicion=0, status="accepted")
    result = services.rescore(link.cycle_organization_id)
    assert result["checked"] >= 3
    for response in (first, second, third):
        response.refresh_from_db()
    assert first.flag_list == [] and first.status == Response.Status.ACCEPTED
    assert second.flag_list == ["device_repeat"] and second.status == Response.Status.REVIEW
    assert third.flag_list == ["device_repeat"] and third.status == Response.Status.ACCEPTED


def test_network_hashes_are_forgotten_when_a_cycle_is_over(link, operator_user):
    response = _submit(Client(REMOTE_ADDR="10.10.0.1"), link, SATURDAY_EVENING)
    cycle = link.cycle_organization.cycle
    cycle.phase = Phase.CLOSED
    cycle.save(update_fields=["phase"])
    assert services.purge_network_hashes(operator_user, cycle) >= 1
    response.refresh_from_db()
    assert (response.ip_hash, response.network_hash, response.device_hash) == ("", "", "")
    assert AuditEntry.objects.filter(action="surveys.hashes.purged", target_id=str(cycle.pk)).exists()


def test_address_hashes_are_salted_per_cycle(link):
    a = services.network_hashes(1, "192.0.2.10")
    b = services.network_hashes(2, "192.0.2.10")
    assert a[0] != b[0] and len(a[0]) == 16
    assert services.network_hashes(1, "192.0.2.11")[1] == a[1]  # same /24 network


def test_rescore_job_and_purge_command_run_over_a_cycle(link, operator_user, client_for):
    from django.core.management import call_command

    from jobs.models import Job

    cycle = link.cycle_organization.cycle
    response = client_for(operator_user).post(f"/surveys/cycles/{cycle.pk}/rescore/")
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert job.status == Job.Status.DONE and job.result["checked"] > 0
    assert job.progress_done == job.progress_total > 0
    closed = Cycle.objects.filter(phase=Phase.CLOSED).first()
    Response.objects.filter(cycle_organization__cycle=closed).update(ip_hash="0123456789abcdef")
    call_command("surveys_purge_hashes", "--as", "operator")
    assert not Response.objects.filter(cycle_organization__cycle__phase=Phase.CLOSED).exclude(ip_hash="").exists()
