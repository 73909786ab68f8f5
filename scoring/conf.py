"""Settings of scoring, each overridable in Django settings (``SCORING_…``) or the environment."""

from __future__ import annotations

import os

from django.conf import settings


def import_sync_bytes() -> int:
    """Uploaded input files up to this many bytes in total are checked and loaded while the page waits; larger
    ones (an answers file of tens of thousands of questionnaires and more) by a background job."""
    if hasattr(settings, "SCORING_IMPORT_SYNC_BYTES"):
        return int(settings.SCORING_IMPORT_SYNC_BYTES)
    raw = os.environ.get("SCORING_IMPORT_SYNC_BYTES", "")
    return int(raw) if raw.strip() else 2 * 1024 * 1024
