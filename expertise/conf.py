"""Settings of the expertise app, each with a default (override them in noko/settings.py or the environment).

Facts the methodology marks UNCONFIRMED (the reply deadline, the rule for several buildings) are here or in
the per-cycle ``ExpertiseSettings`` row, never in code paths.
"""

from __future__ import annotations

from django.conf import settings

MB = 1024 * 1024


def max_evidence_size() -> int:
    """Largest evidence file accepted, in bytes (never above MAX_IMPORT_FILE_SIZE)."""
    own = getattr(settings, "EXPERTISE_MAX_EVIDENCE_SIZE", 15 * MB)
    return min(own, getattr(settings, "MAX_IMPORT_FILE_SIZE", own))


def max_image_pixels() -> int:
    """Images with more pixels than this are refused before decoding (decompression bombs)."""
    return getattr(settings, "EXPERTISE_MAX_IMAGE_PIXELS", 50_000_000)


def photo_max_side() -> int:
    return getattr(settings, "EXPERTISE_PHOTO_MAX_SIDE", 2000)


def thumbnail_side() -> int:
    return getattr(settings, "EXPERTISE_THUMBNAIL_SIDE", 320)


def reply_working_days() -> int:
    """Default length of the right-of-reply window (UNCONFIRMED: «e.g. 5 working days»)."""
    return getattr(settings, "EXPERTISE_REPLY_WORKING_DAYS", 5)


def holidays() -> set[str]:
    """Non-working days (ISO dates) besides Saturdays and Sundays, e.g. the federal holiday calendar."""
    return set(getattr(settings, "EXPERTISE_HOLIDAYS", []))


def default_branch_rule() -> str:
    """How a condition checked in several buildings counts (methodology §10: UNCONFIRMED)."""
    return getattr(settings, "EXPERTISE_BRANCH_RULE", "all")


def default_checklist_version() -> str:
    return "114-v1"
