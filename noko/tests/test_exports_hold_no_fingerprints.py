"""Survey exports and the API carry answers, never the hashes of respondents' addresses or devices."""

from __future__ import annotations

import io
import re

import pytest
from django.db.models import Count, Q

HASH_COLUMN = re.compile(r"(ip|network|device|fingerprint|user.?agent|hash)", re.I)


@pytest.fixture
def fingerprinted_cycle(db):
    from surveys.models import Response

    fingerprinted = Response.objects.exclude(ip_hash="", device_hash="", network_hash="")
    row = (
        fingerprinted.values("cycle_organization__cycle_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=5)
        .order_by("-n")
        .first()
    )
    assert row is not None, "the demo region has online answers with address and device hashes"
    cycle_id = row["cycle_organization__cycle_id"]
    hashes = set()
    for values in Response.objects.filter(cycle_organization__cycle_id=cycle_id).values_list(
        "ip_hash", "network_hash", "device_hash"
    ):
        hashes.update(v for v in values if v)
    return cycle_id, hashes


def _assert_clean(text: str, hashes: set[str], where: str) -> None:
    leaked = sorted(h for h in hashes if h in text)
    assert not leaked, f"{where} contains respondents' hashes: {leaked[:3]}"


def test_csv_export_has_no_fingerprints(client_for, admin_user, fingerprinted_cycle):
    cycle_id, hashes = fingerprinted_cycle
    response = client_for(admin_user).get(f"/surveys/cycles/{cycle_id}/answers.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header = text.splitlines()[0]
    assert not HASH_COLUMN.search(header), header
    assert len(text.splitlines()) > 5
    _assert_clean(text, hashes, "answers.csv")


def test_xlsx_export_has_no_fingerprints(client_for, admin_user, fingerprinted_cycle):
    import openpyxl

    cycle_id, hashes = fingerprinted_cycle
    response = client_for(admin_user).get(f"/surveys/cycles/{cycle_id}/answers.xlsx")
    if response.status_code == 302:  # large cycles are exported by a job; tests run jobs inline
        from jobs.models import Job

        job = Job.objects.filter(kind="surveys.export").latest("pk")
        assert job.file, job.error
        data = job.file.read()
    else:
        assert response.status_code == 200
        data = response.content
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(v) for v in row if v is not None)
    first_rows = [str(c) for c in cells[:200]]
    assert not any(HASH_COLUMN.fullmatch(c.strip()) for c in first_rows)
    _assert_clean("\n".join(cells), hashes, "answers.xlsx")


def test_api_responses_have_no_fingerprints(client_for, admin_user, fingerprinted_cycle):
    cycle_id, hashes = fingerprinted_cycle
    response = client_for(admin_user).get(f"/api/surveys/cycles/{cycle_id}/responses")
    assert response.status_code == 200
    items = response.json()
    items = items["items"] if isinstance(items, dict) else items
    assert items
    assert not any(HASH_COLUMN.search(key) for key in items[0])
    _assert_clean(response.content.decode(), hashes, "/api/surveys/…/responses")


def test_public_open_data_has_no_fingerprints(client, fingerprinted_cycle):
    from cycles.models import Cycle

    cycle_id, hashes = fingerprinted_cycle
    published = Cycle.objects.filter(Q(pk=cycle_id) | Q(territory__isnull=False)).values_list("pk", flat=True)
    checked = 0
    for pk in published:
        for suffix in ("data.csv", "data.json"):
            response = client.get(f"/public/opendata/{pk}/{suffix}")
            if response.status_code == 200:
                body = b"".join(response.streaming_content) if response.streaming else response.content
                _assert_clean(body.decode("utf-8-sig", errors="replace"), hashes, f"open data {pk}/{suffix}")
                checked += 1
    assert checked, "at least one cycle publishes open data"
