"""The public form: submit, skip logic, idempotent retry, hostile input, unknown and closed links."""

import datetime
import uuid

import time_machine
from django.test import Client

from lib.score_inputs import SURVEY_RESPONDENTS, survey_answered, survey_yes
from surveys import score_inputs
from surveys.models import Campaign, Mode, Response
from surveys.tests.conftest import ALL_YES, form_data


def _counts(link):
    cycle = link.cycle_organization.cycle
    return {
        v.key: int(v.value)
        for v in score_inputs.provide(cycle)
        if v.cycle_organization_id == link.cycle_organization_id
    }


def test_a_parent_fills_the_form_and_the_answer_is_counted(client, open_link):
    before = _counts(open_link)
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as traveller:
        data = form_data(client, open_link)
        traveller.shift(datetime.timedelta(minutes=4))
        response = client.post(f"/surveys/a/{open_link.code}/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/surveys/a/{open_link.code}/thanks/"
    stored = Response.objects.get(client_id=data["client_id"])
    assert stored.cycle_organization_id == open_link.cycle_organization_id
    assert stored.mode == Mode.ONLINE and stored.status == Response.Status.ACCEPTED
    assert stored.flags == ""
    assert 239 <= stored.duration_seconds <= 241
    assert stored.answers == ALL_YES
    assert len(stored.ip_hash) == 16 and "127.0.0.1" not in str(stored.__dict__)
    after = _counts(open_link)
    assert after[SURVEY_RESPONDENTS] == before[SURVEY_RESPONDENTS] + 1
    assert after[survey_yes("overall_satisfied")] == before[survey_yes("overall_satisfied")] + 1
    assert after[survey_yes("org_conditions_satisfied")] == before[survey_yes("org_conditions_satisfied")]
    assert after[survey_answered("org_conditions_satisfied")] == before[survey_answered("org_conditions_satisfied")] + 1
    assert after[survey_answered("accessibility_satisfied")] == before[survey_answered("accessibility_satisfied")]
    thanks = client.get(response["Location"])
    assert "Спасибо" in thanks.content.decode()


def test_a_retried_post_does_not_duplicate(client, open_link):
    data = form_data(client, open_link)
    first = client.post(f"/surveys/a/{open_link.code}/", data)
    second = client.post(f"/surveys/a/{open_link.code}/", data)
    assert first.status_code == second.status_code == 302
    assert Response.objects.filter(client_id=data["client_id"]).count() == 1


def test_client_id_of_another_organization_is_refused(client, open_link):
    data = form_data(client, open_link)
    client.post(f"/surveys/a/{open_link.code}/", data)
    other = (
        open_link.__class__.objects.filter(cycle_organization__cycle=open_link.cycle_organization.cycle)
        .exclude(pk=open_link.pk)
        .first()
    )
    forged = form_data(client, other, client_id=data["client_id"])
    response = client.post(f"/surveys/a/{other.code}/", forged)
    assert response.status_code == 409
    assert Response.objects.filter(client_id=data["client_id"]).get().cycle_organization_id == (
        open_link.cycle_organization_id
    )


def test_gate_no_skips_and_a_stray_gated_answer_is_dropped(client, open_link):
    answers = {**ALL_YES, "remote_used": "no", "remote_polite": "yes"}
    data = form_data(client, open_link, answers)
    assert client.post(f"/surveys/a/{open_link.code}/", data).status_code == 302
    stored = Response.objects.get(client_id=data["client_id"])
    assert "remote_polite" not in stored.answers
    assert stored.answers["remote_used"] == "no"


def test_missing_answers_re_show_the_form_with_named_errors_and_nothing_is_stored(client, open_link):
    answers = {k: v for k, v in ALL_YES.items() if k not in ("recommend", "info_stand_satisfied")}
    data = form_data(client, open_link, answers)
    response = client.post(f"/surveys/a/{open_link.code}/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="error-summary"' in page and 'href="#q-recommend"' in page and 'href="#q-info_stand_satisfied"' in page
    assert 'value="yes" checked' in page  # what was answered is kept
    assert not Response.objects.filter(client_id=data["client_id"]).exists()


def test_hostile_input_is_rejected_and_nothing_stored(client, open_link):
    count = Response.objects.count()
    url = f"/surveys/a/{open_link.code}/"
    bad_choice = form_data(client, open_link, {**ALL_YES, "recommend": "definitely"})
    assert client.post(url, bad_choice).status_code == 400
    missing_gate = form_data(client, open_link, {k: v for k, v in ALL_YES.items() if k != "info_site_used"})
    assert "на вопрос 3" in client.post(url, missing_gate).content.decode()
    no_id = form_data(client, open_link, client_id="not-a-uuid")
    assert client.post(url, no_id).status_code == 400
    huge = form_data(client, open_link, suggestions="х" * 40_000)
    assert client.post(url, huge).status_code == 413
    forged_org = form_data(client, open_link, cycle_organization=999999, organization_id=1)
    assert client.post(url, forged_org).status_code == 302  # unknown fields are ignored: the link decides
    assert Response.objects.count() == count + 1
    assert Response.objects.latest("pk").cycle_organization_id == open_link.cycle_organization_id


def test_post_without_csrf_token_is_refused(open_link):
    strict = Client(enforce_csrf_checks=True)
    client_id = str(uuid.uuid4())
    response = strict.post(f"/surveys/a/{open_link.code}/", {**ALL_YES, "client_id": client_id})
    assert response.status_code == 403
    assert not Response.objects.filter(client_id=client_id).exists()


def test_unknown_link_is_a_clear_404_page(client, db):
    response = client.get("/surveys/a/ZZZZZZ/")
    assert response.status_code == 404
    assert "Ссылка на анкету не найдена" in response.content.decode()
    assert client.post("/surveys/a/ZZZZZZ/", {"client_id": str(uuid.uuid4())}).status_code == 404


def test_closed_campaign_shows_a_page_and_refuses_posts(client, open_link):
    data = form_data(client, open_link)
    campaign = Campaign.objects.get(cycle=open_link.cycle_organization.cycle)
    yesterday = datetime.date.today() - datetime.timedelta(days=2)
    Campaign.objects.filter(pk=campaign.pk).update(closes_on=yesterday)
    from surveys import services

    services.forget_links()
    page = client.get(f"/surveys/a/{open_link.code}/")
    assert page.status_code == 200 and "Опрос завершён" in page.content.decode()
    assert client.post(f"/surveys/a/{open_link.code}/", data).status_code == 403
    assert not Response.objects.filter(client_id=data["client_id"]).exists()


def test_htmx_fragment_applies_skip_logic_on_the_server(client, open_link):
    url = f"/surveys/a/{open_link.code}/part/disability/"
    skipped = client.get(url, {"disability": "no"}, HTTP_HX_REQUEST="true").content.decode()
    assert "пропускается" in skipped and 'name="accessibility_satisfied"' not in skipped
    asked = client.get(url, {"disability": "yes", "accessibility_satisfied": "no"}).content.decode()
    assert 'name="accessibility_satisfied" value="no" checked' in asked
    assert client.get(f"/surveys/a/{open_link.code}/part/recommend/").status_code == 404


def test_form_is_accessible_markup(client, open_link):
    page = client.get(f"/surveys/a/{open_link.code}/").content.decode()
    assert '<html lang="ru">' in page and '<main id="main"' in page
    assert page.count("<fieldset") == page.count("<legend>")
    assert 'name="viewport"' in page
    contrast = client.get(f"/surveys/a/{open_link.code}/?a11y=1")
    assert 'class="survey a11y"' in contrast.content.decode()
    assert 'class="survey a11y"' in client.get(f"/surveys/a/{open_link.code}/").content.decode()  # remembered


def test_qr_codes_are_served_for_the_link(client, open_link):
    svg = client.get(f"/surveys/a/{open_link.code}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get(f"/surveys/a/{open_link.code}/qr.png")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
