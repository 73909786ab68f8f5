"""Fixtures of the expertise tests: a private MEDIA_ROOT, fresh cycles, photos made on the fly."""

from __future__ import annotations

import datetime
import io

import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fresh_cycle(municipal_official, municipality):
    """A new 2027 cycle of mun1's municipality with five of its organizations (no checklists yet)."""
    from cycles import services
    from registry.models import Organization

    cycle = services.create_cycle(municipal_official, municipality, 2027)
    orgs = list(
        Organization.objects.filter(territory=municipality, parent__isnull=True, org_type__in=["oo", "doo"])
        .exclude(status="liquidated")
        .order_by("pk")[:5]
    )
    services.add_organizations(municipal_official, cycle, orgs)
    return cycle


@pytest.fixture
def fresh_entry(fresh_cycle):
    return fresh_cycle.entries.select_related("organization").order_by("pk").first()


@pytest.fixture
def school_entry(school):
    """The school's own entry (its demo cycle) with its submitted demo checklist."""
    from cycles.models import CycleOrganization

    return CycleOrganization.objects.select_related("cycle", "organization").get(organization=school)


def jpeg_bytes(size=(1600, 1200), color=(30, 120, 200), taken: str | None = "2026:09:20 10:15:00") -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[36867] = taken
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=80)
    return buffer.getvalue()


def png_bytes(size=(40, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", size, (0, 200, 0, 128)).save(buffer, "PNG")
    return buffer.getvalue()


def fill_all(user, result, value="yes", overrides=None):
    """Mark every item of RESULT (VALUE, or "na" where not allowed → VALUE), with per-code OVERRIDES."""
    from expertise import services

    overrides = overrides or {}
    changes = {}
    for mark in result.marks.select_related("item"):
        changes[mark.item_id] = (overrides.get(mark.item.code, value), None)
    services.save_marks(user, result, changes)


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)
