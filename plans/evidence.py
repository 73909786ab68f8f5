"""Checking uploaded evidence of fulfilment; no database access here.

An upload is judged by its bytes, not by its name or the browser's content type: PDF, JPEG, PNG, WebP,
DOCX and XLSX only, at most ``conf.get("MAX_EVIDENCE_BYTES")``; the extension must match the content;
PDF files with active content (JavaScript, launch actions, embedded files) and Office files with macros
are refused. Errors are Russian and name the file.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from plans import conf

FORMATS = {
    "pdf": ("application/pdf", {".pdf"}),
    "jpeg": ("image/jpeg", {".jpg", ".jpeg"}),
    "png": ("image/png", {".png"}),
    "webp": ("image/webp", {".webp"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {".docx"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}),
}
ACCEPT = ",".join(sorted({ext for _ct, exts in FORMATS.values() for ext in exts}))
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia)\b")
_SAFE_NAME = re.compile(r"[^\w.\-]+", re.UNICODE)


class EvidenceError(ValueError):
    """The upload is refused; the message is Russian and names the file."""


@dataclass
class CheckedFile:
    name: str  # safe file name to store under
    content_type: str
    size: int
    sha256: str


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return "macro"
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    return None


def sniff(data: bytes) -> str | None:
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:4] == b"PK\x03\x04":
        return _office_kind(data)
    return None


def safe_name(filename: str) -> str:
    path = PurePath(filename or "file")
    stem = _SAFE_NAME.sub("_", path.stem).strip("._") or "file"
    return f"{stem[:80]}{path.suffix.lower()}"


def check(data: bytes, filename: str) -> CheckedFile:
    name = filename or "файл"
    if not data:
        raise EvidenceError(f"Файл «{name}» пуст.")
    limit = conf.get("MAX_EVIDENCE_BYTES")
    if len(data) > limit:
        raise EvidenceError(f"Файл «{name}» больше {limit // (1024 * 1024)} МБ.")
    kind = sniff(data)
    if kind == "macro":
        raise EvidenceError(f"Файл «{name}» содержит макросы; сохраните его без макросов.")
    if kind is None:
        raise EvidenceError(f"Файл «{name}»: допускаются только PDF, JPEG, PNG, WebP, DOCX и XLSX.")
    content_type, extensions = FORMATS[kind]
    suffix = PurePath(name).suffix.lower()
    if suffix not in extensions:
        raise EvidenceError(
            f"Файл «{name}»: расширение «{suffix or 'нет'}» не соответствует содержимому ({kind.upper()})."
        )
    if kind == "pdf" and PDF_ACTIVE.search(data):
        raise EvidenceError(f"Файл «{name}» содержит активное содержимое (сценарии, вложения); загрузите обычный PDF.")
    return CheckedFile(
        name=safe_name(name), content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )
