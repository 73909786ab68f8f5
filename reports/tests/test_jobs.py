"""A large region's report is generated as a background job; the file is attached and downloadable by its owner."""

import io

from docx import Document

from jobs.models import Job
from reports.tests.conftest import YEAR


def test_large_scope_goes_to_a_job_with_the_file_attached(
    client_for, regional_official, municipal_official, region, settings, tmp_path
):
    settings.REPORTS_INLINE_LIMIT = 5
    settings.MEDIA_ROOT = tmp_path
    client = client_for(regional_official)
    response = client.post(f"/reports/t/{region.pk}/{YEAR}/generate/operator_report/")
    assert response.status_code == 302
    job = Job.objects.get(kind="reports.generate")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.DONE, job.error
    assert job.progress_done == job.progress_total == 2
    assert job.file.name.endswith(".docx")
    download = client.get(f"/reports/jobs/{job.pk}/file/")
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert Document(io.BytesIO(content)).paragraphs
    assert job.result["filename"] in download["Content-Disposition"]
    # somebody else's job is not found
    assert client_for(municipal_official).get(f"/reports/jobs/{job.pk}/file/").status_code == 404
