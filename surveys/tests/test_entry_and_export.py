"""Operator entry of paper/telephone questionnaires, and the exports of answers and counts."""

import csv
import io

import openpyxl

from audit.models import AuditEntry
from lib.score_inputs import SURVEY_RESPONDENTS, survey_yes
from surveys import score_inputs
from surveys.models import Mode, Response
from surveys.tests.conftest import ALL_YES


def test_operator_enters_a_telephone_questionnaire_once(client_for, operator_user, open_link):
    client = client_for(operator_user)
    url = f"/surveys/organizations/{open_link.cycle_organization_id}/enter/"
    assert client.get(url).status_code == 200
    answers = {k: v for k, v in ALL_YES.items() if k != "comfort_satisfied"}  # blank on the telephone
    response = client.post(url, {"mode": Mode.PHONE, "paper_number": "Т-15", **answers})
    assert response.status_code == 302
    stored = Response.objects.get(cycle_organization=open_link.cycle_organization, paper_number="Т-15")
    assert stored.mode == Mode.PHONE and stored.entered_by == operator_user
    assert "comfort_satisfied" not in stored.answers
    assert AuditEntry.objects.filter(action="surveys.response.entered", target_id=str(stored.pk)).exists()
    again = client.post(url, {"mode": Mode.PHONE, "paper_number": "Т-15", **answers}, follow=True)
    assert "уже внесена" in again.content.decode()
    assert Response.objects.filter(cycle_organization=open_link.cycle_organization, paper_number="Т-15").count() == 1


def test_entry_with_an_answer_behind_an_empty_gate_is_refused(client_for, operator_user, open_link):
    url = f"/surveys/organizations/{open_link.cycle_organization_id}/enter/"
    before = Response.objects.count()
    response = client_for(operator_user).post(
        url, {"mode": Mode.PAPER, "paper_number": "99", "remote_polite": "yes", "recommend": "no"}
    )
    assert response.status_code == 400
    assert "без ответа на вопрос 10" in response.content.decode()
    assert Response.objects.count() == before


def test_entry_form_fragment_follows_the_gate(client_for, operator_user, open_link):
    url = f"/surveys/organizations/{open_link.cycle_organization_id}/part/info_site_used/"
    page = client_for(operator_user).get(url, {"info_site_used": "yes"}).content.decode()
    assert 'name="info_site_satisfied"' in page
    assert f"/surveys/organizations/{open_link.cycle_organization_id}/part/" not in page  # no nested gates


def test_raw_export_has_one_row_per_visible_answer(client_for, municipal_official, open_link):
    cycle = open_link.cycle_organization.cycle
    client = client_for(municipal_official)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/surveys/cycles/{cycle.pk}/answers.xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    visible = Response.objects.visible_to(municipal_official).filter(cycle_organization__cycle=cycle)
    assert len(rows) - 1 == visible.count()
    header = rows[0]
    one = visible.order_by("pk").first()
    first = dict(zip(header, rows[1], strict=True))
    assert first["№ анкеты"] == one.pk
    assert first["Состояние"] == one.get_status_display()
    assert first["14. Удовлетворены ли Вы в целом условиями оказания…"] == {"yes": "Да", "no": "Нет"}.get(
        one.answers.get("overall_satisfied")
    )
    streamed = b"".join(client.get(f"/surveys/cycles/{cycle.pk}/answers.csv").streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(streamed), delimiter=";"))
    assert len(lines) - 1 == visible.count() and lines[0] == list(header)


def test_counts_export_matches_what_scoring_receives(client_for, operator_user, open_link):
    cycle = open_link.cycle_organization.cycle
    data = client_for(operator_user).get(f"/surveys/cycles/{cycle.pk}/counts.xlsx").content
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    header = rows[0]
    by_inn = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    provided = {(v.cycle_organization_id, v.key): int(v.value) for v in score_inputs.provide(cycle)}
    org = open_link.cycle_organization.organization
    row = by_inn[org.inn]
    entry_id = open_link.cycle_organization_id
    assert row[SURVEY_RESPONDENTS] == provided[(entry_id, SURVEY_RESPONDENTS)]
    assert row[survey_yes("recommend")] == provided[(entry_id, survey_yes("recommend"))]


def test_big_export_runs_as_a_job(client_for, operator_user, open_link, settings):
    settings.SURVEYS_EXPORT_SYNC_LIMIT = 10
    cycle = open_link.cycle_organization.cycle
    response = client_for(operator_user).get(f"/surveys/cycles/{cycle.pk}/answers.xlsx")
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    from jobs.models import Job

    job = Job.objects.filter(kind="surveys.export").latest("pk")
    assert job.status == Job.Status.DONE, job.error
    book = openpyxl.load_workbook(job.file.path)
    assert book.active.max_row - 1 == Response.objects.filter(cycle_organization__cycle=cycle).count()
    job.file.delete()
