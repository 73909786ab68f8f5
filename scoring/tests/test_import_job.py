"""Large input files are checked and loaded by a background job; the import page follows it and shows its report."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jobs.models import Job
from lib import score_inputs as K
from scoring.models import InputImport, ScoreInput
from scoring.tests.helpers import make_cycle, organizations_of
from scoring.tests.test_import import answers_header, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(municipality):
    return make_cycle(municipality, organizations_of(municipality, 3))


@pytest.fixture
def small_threshold(settings, tmp_path):
    """Every file above 200 bytes goes to the job; uploads are kept in a scratch media folder."""
    settings.SCORING_IMPORT_SYNC_BYTES = 200
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _answers(cycle, rows_per_org: int = 30, bad_row: int | None = None) -> bytes:
    rows = [answers_header()]
    for entry in cycle.entries.order_by("pk"):
        rows += [[entry.organization.inn, *["Да"] * 14] for _ in range(rows_per_org)]
    if bad_row is not None:
        rows[bad_row - 1][3] = "может быть"
    return csv_bytes(rows)


def _post(client, cycle, data: bytes, **extra):
    upload = SimpleUploadedFile("answers.csv", data, content_type="text/csv")
    return client.post(f"/scoring/cycles/{cycle.pk}/import/", {"answers": upload, **extra})


def test_a_large_file_goes_to_a_job_whose_page_shows_the_loaded_report(
    cycle, municipal_official, client_for, small_threshold
):
    client = client_for(municipal_official)
    response = _post(client, cycle, _answers(cycle))
    record = InputImport.objects.get(cycle=cycle)
    assert response.status_code == 302
    assert response["Location"] == f"/scoring/imports/{record.pk}/"
    record.refresh_from_db()
    assert record.job.status == Job.Status.DONE, record.job.error
    assert record.job.progress_done == record.job.progress_total == 2
    assert record.job.result["url"] == f"/scoring/imports/{record.pk}/"
    assert record.report["applied"] and record.report["error_count"] == 0
    assert ScoreInput.objects.filter(cycle=cycle, key=K.SURVEY_RESPONDENTS, value=30).count() == 3
    assert not list(small_threshold.rglob("*.csv")), "the kept upload is removed once loaded"
    body = client.get(response["Location"]).content.decode()
    assert "Загружено: новых значений 87, изменённых 0." in body
    assert "answers.csv" in body
    assert "hx-trigger" not in body, "a finished job's page stops polling"
    assert f"/scoring/imports/{record.pk}/" in client.get(f"/scoring/cycles/{cycle.pk}/import/").content.decode()


def test_errors_of_a_background_import_name_row_and_column_and_nothing_is_written(
    cycle, municipal_official, client_for, small_threshold
):
    client = client_for(municipal_official)
    response = _post(client, cycle, _answers(cycle, bad_row=7))
    record = InputImport.objects.get(cycle=cycle)
    assert record.job.status == Job.Status.DONE
    assert not record.report["applied"]
    assert record.report["error_count"] == 1
    [error] = record.report["errors"]
    assert "строка 7" in error and "столбец D" in error and "«может быть»" in error
    assert not ScoreInput.objects.filter(cycle=cycle).exists()
    body = client.get(response["Location"]).content.decode()
    assert "Данные не загружены" in body and "строка 7" in body


def test_a_background_dry_run_checks_only(cycle, municipal_official, client_for, small_threshold):
    _post(client_for(municipal_official), cycle, _answers(cycle), dry_run="on")
    record = InputImport.objects.get(cycle=cycle)
    assert record.dry_run and record.report["error_count"] == 0 and not record.report["applied"]
    assert not ScoreInput.objects.filter(cycle=cycle).exists()


def test_a_small_file_is_still_loaded_while_the_page_waits(cycle, municipal_official, client_for, settings):
    settings.SCORING_IMPORT_SYNC_BYTES = 10_000_000
    response = _post(client_for(municipal_official), cycle, _answers(cycle, rows_per_org=2))
    assert response.status_code == 200
    assert "Загружено: новых значений 87, изменённых 0." in response.content.decode()
    assert not InputImport.objects.exists()
    assert ScoreInput.objects.filter(cycle=cycle, key=K.SURVEY_RESPONDENTS, value=2).count() == 3


def test_strangers_get_404_on_someone_elses_import(
    cycle, municipal_official, client_for, small_threshold, council_member, school_staff
):
    _post(client_for(municipal_official), cycle, _answers(cycle))
    record = InputImport.objects.get(cycle=cycle)
    for user in (council_member, school_staff):
        assert client_for(user).get(f"/scoring/imports/{record.pk}/").status_code == 404
        assert client_for(user).get(f"/api/scoring/imports/{record.pk}").status_code == 404


def test_api_queues_a_large_upload_and_reports_it(cycle, municipal_official, client_for, small_threshold):
    client = client_for(municipal_official)
    upload = SimpleUploadedFile("answers.csv", _answers(cycle, bad_row=5), content_type="text/csv")
    response = client.post(f"/api/scoring/cycles/{cycle.pk}/import", {"files": [upload]})
    assert response.status_code == 202, response.content
    queued = response.json()
    status = client.get(f"/api/scoring/imports/{queued['import_id']}").json()
    assert status["status"] == "done" and status["finished"]
    assert status["report"]["error_count"] == 1
    assert "строка 5" in status["report"]["errors"][0]
