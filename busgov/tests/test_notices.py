"""Letters to municipal authorities: organizations without reviews, re-check date, DOCX."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from busgov import letters, monitoring, services
from busgov.choices import NoticeKind
from busgov.models import Notice

AS_OF = datetime.date(2026, 3, 20)
RECHECK = datetime.date(2026, 4, 25)


def test_one_letter_per_municipality_with_organizations_without_reviews(regional_official):
    Notice.objects.all().delete()
    notices = services.prepare_notices(regional_official, 2026, as_of=AS_OF, recheck_on=RECHECK)
    summary = monitoring.review_summary(regional_official, 2026, as_of=AS_OF)
    expected: dict[int, set[int]] = {}
    for org in summary.without_reviews:
        expected.setdefault(org.territory_id, set()).add(org.pk)
    assert {n.territory_id: {o["id"] for o in n.organizations} for n in notices} == expected
    notice = notices[0]
    assert "20 марта 2026 года" in notice.text and "25 апреля 2026 года" in notice.text
    document = Document(io.BytesIO(letters.notice_docx(notice)))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert all(o["name"] in cells for o in notice.organizations)


def test_municipal_official_writes_only_about_its_municipality(municipal_official, municipality, school_staff):
    notices = services.prepare_notices(municipal_official, 2026, as_of=AS_OF, kind=NoticeKind.NO_OFFICIALS)
    assert [n.territory_id for n in notices] in ([municipality.pk], [])
    with pytest.raises(ValidationError):
        services.prepare_notices(municipal_official, 2026, as_of=AS_OF, recheck_on=AS_OF)
    with pytest.raises(PermissionDenied):
        services.prepare_notices(school_staff, 2026, as_of=AS_OF)


def test_pages(client_for, regional_official):
    client = client_for(regional_official)
    response = client.post(
        "/busgov/notices/", {"kind": "no_reviews", "year": 2026, "as_of": "2026-03-20", "recheck_on": "2026-04-25"}
    )
    assert response.status_code == 302
    notice = Notice.objects.latest("pk")
    assert client.get(f"/busgov/notices/{notice.pk}/").status_code == 200
    docx = client.get(f"/busgov/notices/{notice.pk}/docx/")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    client.post(f"/busgov/notices/{notice.pk}/", {"number": "34", "sent_on": "2026-03-28"})
    notice.refresh_from_db()
    assert notice.number == "34" and notice.sent_on == datetime.date(2026, 3, 28)


def test_overdue_placement_letter_lists_each_organization_once(regional_official):
    from busgov.monitoring import placement_rows

    rows = placement_rows(regional_official, datetime.date(2026, 11, 23))
    overdue = {r["organization"].pk for r in rows if r["results_overdue"] or r["plan_overdue"]}
    notices = services.prepare_notices(
        regional_official, 2026, as_of=datetime.date(2026, 11, 23), kind=NoticeKind.PLACEMENT_OVERDUE
    )
    listed = [o["id"] for n in notices for o in n.organizations]
    assert sorted(listed) == sorted(overdue) and overdue
