"""Photo and document evidence: what is stored, what is refused, who may open it."""

import hashlib
import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from audit.models import AuditEntry
from expertise import services
from expertise.models import Evidence
from expertise.tests.conftest import jpeg_bytes, png_bytes, utc


@pytest.fixture
def draft(operator_user, fresh_entry):
    return services.start_result(operator_user, fresh_entry)


def _item(result, code="premises.entrance_ramps_or_lifts"):
    return result.marks.select_related("item").get(item__code=code).item


def _upload(user, result, data, name):
    return services.add_evidence(user, result.cycle_organization, data, name, result=result, item=_item(result))


def test_a_photo_is_resized_stripped_hashed_and_thumbnailed(operator_user, draft, media):
    original = jpeg_bytes(size=(4000, 3000))
    evidence = _upload(operator_user, draft, original, "IMG_0001.JPG")
    assert evidence.kind == "photo" and evidence.content_type == "image/jpeg"
    assert evidence.sha256 == hashlib.sha256(original).hexdigest() and evidence.size == len(original)
    stored = evidence.file.read()
    assert hashlib.sha256(stored).hexdigest() == evidence.stored_sha256
    image = Image.open(io.BytesIO(stored))
    assert max(image.size) == 2000 and (evidence.width, evidence.height) == image.size
    assert not image.getexif(), "EXIF (and any GPS position) is not kept"
    assert max(Image.open(evidence.thumbnail.open("rb")).size) == 320
    assert str(media) in evidence.file.path
    # 10:15 on the camera clock, read in the organization's zone (Asia/Vladivostok, UTC+10)
    evidence.refresh_from_db()
    assert evidence.captured_at == utc(2026, 9, 20, 0, 15)
    assert AuditEntry.objects.filter(action="expertise.evidence.added", target_id=str(evidence.pk)).exists()


def test_png_with_transparency_is_accepted_as_jpeg(operator_user, draft):
    evidence = _upload(operator_user, draft, png_bytes(), "stand.png")
    assert evidence.kind == "photo" and evidence.file.name.endswith(".jpg")


def _bomb_png(width=30000, height=30000) -> bytes:
    """A tiny PNG declaring a huge canvas (decompression bomb)."""
    raw = zlib.compress(b"\x00" * (width // 8 + 1) * 10)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


HOSTILE = [
    (b"", "empty.jpg", "пуст"),
    (b"<html><script>alert(1)</script></html>", "photo.jpg", "тип файла не поддерживается"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "stand.svg", "тип файла не поддерживается"),
    (b"MZ\x90\x00\x03" + b"\x00" * 100, "camera.exe", "тип файла не поддерживается"),
    (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100, "IMG_2001.HEIC", "HEIC"),
    (png_bytes(), "act.pdf", "расширение не соответствует"),
    (jpeg_bytes()[:400], "cut.jpg", "повреждено"),
    (_bomb_png(), "bomb.png", "слишком велико"),
    (
        b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n%%EOF",
        "act.pdf",
        "активное",
    ),
    (b"%PDF-1.4\n1 0 obj << >> endobj\n", "cut.pdf", "повреждён"),
]


@pytest.mark.parametrize(("data", "name", "message"), HOSTILE, ids=[h[1] + ":" + h[2] for h in HOSTILE])
def test_hostile_uploads_are_refused_and_nothing_is_stored(operator_user, draft, media, data, name, message):
    with pytest.raises(ValidationError, match=message):
        _upload(operator_user, draft, data, name)
    assert not Evidence.objects.filter(result=draft).exists()
    assert not list(media.rglob("*.*")) if media.exists() else True


def test_size_limit_comes_from_settings(operator_user, draft, settings):
    settings.EXPERTISE_MAX_EVIDENCE_SIZE = 50_000
    with pytest.raises(ValidationError, match="больше допустимого размера"):
        _upload(operator_user, draft, jpeg_bytes(size=(1200, 900), color=(1, 2, 3)) + b"\x00" * 60_000, "big.jpg")
    settings.EXPERTISE_MAX_EVIDENCE_SIZE = 10_000_000
    settings.MAX_IMPORT_FILE_SIZE = 1_024
    with pytest.raises(ValidationError, match="больше допустимого размера"):
        _upload(operator_user, draft, jpeg_bytes(), "ok.jpg")


def test_a_clean_pdf_is_kept_as_is(operator_user, draft):
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    evidence = _upload(operator_user, draft, pdf, "akt.pdf")
    assert evidence.kind == "document" and evidence.file.read() == pdf


def test_files_are_served_with_safe_headers_and_only_to_those_who_see_them(
    client_for, operator_user, draft, other_municipality
):
    from django.contrib.auth.models import User

    evidence = _upload(operator_user, draft, jpeg_bytes(), "ramp.jpg")
    response = client_for(operator_user).get(evidence.file_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client_for(operator_user).get(evidence.thumbnail_url()).status_code == 200
    stranger = User.objects.get(username="mun2")
    assert client_for(stranger).get(evidence.file_url()).status_code == 404
    assert client_for(stranger).get(evidence.thumbnail_url()).status_code == 404


def test_upload_page_refuses_a_bad_file_and_keeps_the_marks(client_for, operator_user, draft):
    item = _item(draft)
    client = client_for(operator_user)
    response = client.post(
        f"/expertise/result/{draft.pk}/fill/",
        {
            f"mark-{item.pk}": "no",
            f"comment-{item.pk}": "Пандуса нет",
            f"photo-{item.pk}": _named(b"<html></html>", "x.jpg"),
        },
    )
    assert response.status_code == 302
    mark = draft.marks.get(item=item)
    assert (mark.value, mark.comment) == ("no", "Пандуса нет")
    assert not Evidence.objects.filter(result=draft).exists()
    follow = client.get(response["Location"])
    assert "тип файла не поддерживается" in follow.content.decode()


def test_autosave_upload_returns_thumbnails(client_for, operator_user, draft):
    item = _item(draft)
    response = client_for(operator_user).post(
        f"/expertise/result/{draft.pk}/evidence/",
        {"item": item.pk, "file": _named(jpeg_bytes(), "ramp.jpg"), "captured_at": "1790000000000"},
        HTTP_X_NOKO_FETCH="1",
    )
    assert response.status_code == 200
    evidence = Evidence.objects.get(result=draft, item=item)
    assert evidence.thumbnail_url() in response.content.decode()
    evidence_delete = client_for(operator_user).post(f"/expertise/evidence/{evidence.pk}/delete/")
    assert evidence_delete.status_code == 302 and not Evidence.objects.filter(pk=evidence.pk).exists()


def _named(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
