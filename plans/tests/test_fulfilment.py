"""Fulfilment: progress per item, validated evidence uploads, reports; publication for the portal."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from plans import services
from plans.choices import ItemStatus, PlanStatus
from plans.tests.conftest import fill

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def approved(draft_plan, staff_for, municipal_official, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    staff = staff_for(draft_plan.organization)
    fill(draft_plan, staff)
    services.submit_plan(staff, draft_plan)
    services.approve_plan(municipal_official, draft_plan)
    return draft_plan, staff


def test_progress_requires_measures_and_a_date_not_in_the_future(approved):
    plan, staff = approved
    item = plan.items.first()
    with pytest.raises(ValidationError) as error:
        services.save_progress(staff, item, {"status": ItemStatus.DONE})
    assert {"actual_measures", "actual_date"} <= set(error.value.message_dict)
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError):
        services.save_progress(
            staff, item, {"status": ItemStatus.DONE, "actual_measures": "x", "actual_date": tomorrow}
        )
    services.save_progress(
        staff, item, {"status": ItemStatus.DONE, "actual_measures": "Выполнено", "actual_date": datetime.date.today()}
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE
    assert AuditEntry.objects.filter(action="plans.item.progress", organization=plan.organization).exists()


def test_progress_only_on_approved_plans(draft_plan, staff_for):
    staff = staff_for(draft_plan.organization)
    with pytest.raises(PermissionDenied):
        services.save_progress(staff, draft_plan.items.first(), {"status": ItemStatus.IN_PROGRESS})


def _docx_bytes(*, macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("act.pdf", b"", "пуст"),
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "допускаются только"),
        ("act.jpg", PDF, "не соответствует"),
        ("evil.pdf", PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /S /JavaScript /JS (x) >>"), "активное"),
        ("report.docx", _docx_bytes(macro=True), "макрос"),
    ],
)
def test_bad_uploads_are_refused_with_a_named_reason(approved, name, data, message):
    plan, staff = approved
    item = plan.items.first()
    with pytest.raises(ValidationError) as error:
        services.add_evidence(staff, item, upload=SimpleUploadedFile(name, data))
    assert message in " ".join(error.value.message_dict["file"])
    assert name in " ".join(error.value.message_dict["file"])
    assert not item.evidence.exists()


def test_size_limit(approved, settings):
    plan, staff = approved
    settings.NOKO_PLANS = {"MAX_EVIDENCE_BYTES": 100}
    with pytest.raises(ValidationError) as error:
        services.add_evidence(staff, plan.items.first(), upload=SimpleUploadedFile("big.pdf", PDF + b" " * 200))
    assert "больше" in error.value.message_dict["file"][0]


def test_good_uploads_are_stored_and_served_only_to_those_who_see_the_plan(approved, client_for, regional_official):
    plan, staff = approved
    item = plan.items.first()
    evidence = services.add_evidence(staff, item, upload=SimpleUploadedFile("Акт приёмки.pdf", PDF), note="акт")
    services.add_evidence(staff, item, upload=SimpleUploadedFile("photo.png", PNG))
    services.add_evidence(staff, item, upload=SimpleUploadedFile("отчёт.docx", _docx_bytes()))
    link = services.add_evidence(staff, item, url="https://school.example.ru/sveden/")
    assert evidence.content_type == "application/pdf" and evidence.size == len(PDF)
    assert item.evidence.count() == 4 and link.url
    url = reverse("plans:evidence", args=[plan.pk, evidence.pk])
    response = client_for(staff).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client_for(regional_official).get(url).status_code == 200
    from django.contrib.auth.models import User

    assert client_for(User.objects.get(username="mun2")).get(url).status_code == 404
    assert AuditEntry.objects.filter(action="plans.evidence.added", organization=plan.organization).count() == 4


def test_progress_form_with_upload_through_htmx(approved, client_for):
    plan, staff = approved
    item = plan.items.order_by("pk").first()
    client = client_for(staff)
    response = client.post(
        reverse("plans:item_progress", args=[plan.pk, item.pk]),
        {
            f"p{item.pk}-status": ItemStatus.DONE,
            f"p{item.pk}-actual_measures": "Сведения размещены",
            f"p{item.pk}-actual_date": datetime.date.today().isoformat(),
            f"e{item.pk}-file": SimpleUploadedFile("act.pdf", PDF),
            f"e{item.pk}-note": "акт",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "act.pdf" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE and item.evidence.count() == 1
    refused = client.post(
        reverse("plans:item_progress", args=[plan.pk, item.pk]),
        {
            f"p{item.pk}-status": ItemStatus.DONE,
            f"p{item.pk}-actual_measures": "x",
            f"p{item.pk}-actual_date": datetime.date.today().isoformat(),
            f"e{item.pk}-file": SimpleUploadedFile("x.pdf", b"not a pdf"),
        },
        HTTP_HX_REQUEST="true",
    )
    assert "допускаются только" in refused.content.decode()
    assert item.evidence.count() == 1


def test_report_records_the_time_and_counts(approved):
    plan, staff = approved
    services.submit_report(staff, plan)
    plan.refresh_from_db()
    assert plan.last_report_at is not None
    entry = AuditEntry.objects.filter(action="plans.plan.reported", target_id=str(plan.pk)).get()
    assert entry.data["total"] == plan.items.count()


def test_published_plans_for_portal_and_busgov(approved, municipal_official, municipality, region):
    plan, _staff = approved
    assert plan not in services.published_plans(territory=municipality)
    services.set_published(municipal_official, plan, True, "https://bus.gov.ru/info-card/123")
    in_municipality = services.published_plans(territory=municipality)
    assert plan in in_municipality and plan in services.published_plans(territory=region)
    assert all(p.status == PlanStatus.APPROVED and p.published for p in services.published_plans())
    assert all(p.cycle_organization.organization.territory_id == municipality.pk for p in in_municipality)
    data = services.public_data(plan)
    assert data["organization"]["inn"] == plan.organization.inn
    assert [s["numeral"] for s in data["sections"]] == ["I", "II", "III", "IV", "V"]
    assert sum(len(s["items"]) for s in data["sections"]) == plan.items.count()
    assert data["published_url"] == "https://bus.gov.ru/info-card/123"
