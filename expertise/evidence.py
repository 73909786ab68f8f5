"""Checking and preparing uploaded evidence files; no database access here.

Every upload is judged by its bytes, not by its name or the browser's content type:

* allowed: JPEG, PNG, WebP photos and PDF documents, up to ``conf.max_evidence_size()`` bytes;
* the file name's extension must match the content (an HTML page named ``photo.jpg`` is refused);
* images larger than ``conf.max_image_pixels()`` are refused before decoding (decompression bombs),
  broken images are refused, and every photo is re-encoded as a plain JPEG (no EXIF, no GPS, no
  hidden payload) resized to ``conf.photo_max_side()`` with a thumbnail;
* PDF files with active content (JavaScript, launch actions, embedded files) are refused;
* the time of capture is taken from EXIF when the camera wrote it.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from expertise import conf

IMAGE_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
EXTENSIONS = {
    "jpeg": {".jpg", ".jpeg", ".jfif"},
    "png": {".png"},
    "webp": {".webp"},
    "pdf": {".pdf"},
}
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|OpenAction\s*<<[^>]*/JS)\b")
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf"


class EvidenceError(ValueError):
    """The upload is refused; the message is Russian and names the file."""


@dataclass
class PreparedFile:
    kind: str  # "photo" or "document"
    content_type: str
    extension: str
    data: bytes  # what is stored
    thumbnail: bytes | None
    sha256: str  # of the original upload
    stored_sha256: str
    size: int  # of the original upload
    width: int | None = None
    height: int | None = None
    captured_at: datetime.datetime | None = None


def sniff(data: bytes) -> str | None:
    """The real format of DATA from its first bytes."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc", b"ftypavif"):
        return "heic"
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} МБ"


def prepare(data: bytes, filename: str, *, tz: str = "UTC") -> PreparedFile:
    """Check DATA and return what to store; raise EvidenceError with a clear Russian message."""
    name = filename or "файл"
    if not data:
        raise EvidenceError(f"Файл «{name}» пуст.")
    limit = conf.max_evidence_size()
    if len(data) > limit:
        raise EvidenceError(f"Файл «{name}» больше допустимого размера {_megabytes(limit)}.")
    kind = sniff(data)
    if kind == "heic":
        raise EvidenceError(
            f"Файл «{name}» в формате HEIC/AVIF не принимается: сохраните снимок как JPEG "
            "(в настройках камеры — «Наиболее совместимый»)."
        )
    if kind is None:
        raise EvidenceError(f"Файл «{name}»: тип файла не поддерживается. Допустимы фотографии JPEG, PNG, WebP и PDF.")
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in EXTENSIONS[kind]:
        raise EvidenceError(
            f"Файл «{name}»: расширение не соответствует содержимому (по содержимому это {kind.upper()})."
        )
    digest = hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        return _prepare_pdf(data, name, digest)
    return _prepare_image(data, name, digest, tz)


def _prepare_pdf(data: bytes, name: str, digest: str) -> PreparedFile:
    if b"%%EOF" not in data[-2048:]:
        raise EvidenceError(f"Файл «{name}»: документ PDF повреждён или обрезан.")
    if PDF_ACTIVE.search(data):
        raise EvidenceError(
            f"Файл «{name}»: PDF содержит активное содержимое (скрипты, вложения) и не принимается. "
            "Сохраните документ заново («Печать в PDF»)."
        )
    return PreparedFile(
        kind="document",
        content_type="application/pdf",
        extension=".pdf",
        data=data,
        thumbnail=None,
        sha256=digest,
        stored_sha256=digest,
        size=len(data),
    )


def _prepare_image(data: bytes, name: str, digest: str, tz: str) -> PreparedFile:
    import warnings

    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            width, height = probe.size
            if width * height > conf.max_image_pixels() or width <= 0 or height <= 0:
                raise EvidenceError(
                    f"Файл «{name}»: изображение {width}×{height} слишком велико; уменьшите его перед загрузкой."
                )
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except EvidenceError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise EvidenceError(f"Файл «{name}»: изображение слишком велико; уменьшите его перед загрузкой.") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise EvidenceError(f"Файл «{name}»: изображение повреждено и не читается.") from exc
    captured = _captured_at(image, tz)
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode == "L":
        image = image.convert("RGB")
    side = conf.photo_max_side()
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    stored = _jpeg(image, quality=85)
    thumb_image = image.copy()
    thumb_side = conf.thumbnail_side()
    thumb_image.thumbnail((thumb_side, thumb_side), Image.Resampling.LANCZOS)
    return PreparedFile(
        kind="photo",
        content_type="image/jpeg",
        extension=".jpg",
        data=stored,
        thumbnail=_jpeg(thumb_image, quality=75),
        sha256=digest,
        stored_sha256=hashlib.sha256(stored).hexdigest(),
        size=len(data),
        width=image.width,
        height=image.height,
        captured_at=captured,
    )


def _jpeg(image, *, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def _captured_at(image, tz: str) -> datetime.datetime | None:
    """DateTimeOriginal (or DateTime) from EXIF, read in the organization's time zone."""
    try:
        exif = image.getexif()
    except Exception:  # broken EXIF must not refuse a good photo
        return None
    raw = None
    with contextlib.suppress(Exception):
        raw = exif.get_ifd(0x8769).get(36867)
    raw = raw or exif.get(306)
    if not raw or not isinstance(raw, str):
        return None
    try:
        naive = datetime.datetime.strptime(raw.strip()[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return naive.replace(tzinfo=ZoneInfo(tz or "UTC"))
