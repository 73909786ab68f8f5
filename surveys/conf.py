"""Settings of the survey, each overridable in Django settings (``SURVEYS_…``) or the environment.

The sample-size rule is UNCONFIRMED in the methodology (§5.2): 40 % of the service recipients,
at most 600 per organization. It is a setting here and can be overridden per cycle on the
campaign (``Campaign.target_share`` / ``target_cap``) and per organization (``SurveyLink.target_override``).
"""

from __future__ import annotations

import os
from decimal import Decimal

from django.conf import settings


def _get(name: str, default):
    if hasattr(settings, name):
        return getattr(settings, name)
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, Decimal):
        return Decimal(raw)
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def target_share() -> Decimal:
    return Decimal(str(_get("SURVEYS_TARGET_SHARE", Decimal("0.40"))))


def target_cap() -> int:
    return int(_get("SURVEYS_TARGET_CAP", 600))


def rate_limit_ip() -> str:
    """Submissions per client address (lib.ratelimit syntax); generous: parents share school Wi-Fi and mobile NAT.

    Empty turns the limit off. Limits apply only with RATELIMIT_ENABLE (off in tests unless overridden).
    """
    return str(_get("SURVEYS_RATE_IP", "30/10m"))


def rate_limit_link() -> str:
    """Submissions per organization link (lib.ratelimit syntax); empty turns the limit off."""
    return str(_get("SURVEYS_RATE_LINK", "300/m"))


def max_body_bytes() -> int:
    return int(_get("SURVEYS_MAX_BODY_BYTES", 32 * 1024))


# --- suspicion -------------------------------------------------------------------------------

FLAG_WEIGHTS_DEFAULT = {
    "speeder": 2,  # far faster than the organization's median (or below the absolute floor)
    "straight_line": 1,  # every yes/no item answered the same way
    "device_repeat": 3,  # the same browser already answered for this organization
    "burst": 2,  # many answers from one network in a short window
    "school_hours": 2,  # several answers from one address during school hours on a weekday
}


def flag_weights() -> dict[str, int]:
    return dict(_get("SURVEYS_FLAG_WEIGHTS", FLAG_WEIGHTS_DEFAULT))


def hold_score() -> int:
    """A response whose flag weights add up to this is held for the operator's review (not counted)."""
    return int(_get("SURVEYS_HOLD_SCORE", 3))


def speeder_floor_seconds() -> int:
    return int(_get("SURVEYS_SPEEDER_FLOOR_SECONDS", 25))


def speeder_share() -> float:
    return float(_get("SURVEYS_SPEEDER_SHARE", 0.35))


def speeder_min_sample() -> int:
    return int(_get("SURVEYS_SPEEDER_MIN_SAMPLE", 20))


def straight_line_min_items() -> int:
    return int(_get("SURVEYS_STRAIGHT_LINE_MIN_ITEMS", 10))


def burst() -> tuple[int, int]:
    """(answers, seconds): this many answers from one network for one organization within the window."""
    return int(_get("SURVEYS_BURST_COUNT", 6)), int(_get("SURVEYS_BURST_SECONDS", 600))


def school_hours() -> tuple[int, int, int]:
    """(first hour, last hour, answers from one address the same day) in the organization's time zone."""
    return (
        int(_get("SURVEYS_SCHOOL_HOURS_FROM", 8)),
        int(_get("SURVEYS_SCHOOL_HOURS_TO", 15)),
        int(_get("SURVEYS_SCHOOL_HOURS_SAME_ADDRESS", 3)),
    )


def export_sync_limit() -> int:
    """Up to this many responses an XLSX export is built in the request; above it, a background job."""
    return int(_get("SURVEYS_EXPORT_SYNC_LIMIT", 20000))
