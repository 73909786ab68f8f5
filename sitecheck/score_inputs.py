"""Scoring inputs collected by the site checker (lib/score_inputs.py keys).

For every organization of the cycle that has a finished check, the latest one gives:
Инорм-сайт / Исайт for 1.1 (required itemprop items of the cycle's rule version, applicable to
the organization's type, and those placed), Сдист for 1.2 (working remote channels), the BVI
version for 3.2 and the presence of the НОКО questionnaire (target indicator). ``detail["missing"]``
lists what is absent as ``{code, label, legal_basis}`` so scoring can build shortcomings.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from lib.score_inputs import (
    SITE_BVI,
    SITE_HAS_QUESTIONNAIRE,
    SITE_ITEMS_PRESENT,
    SITE_ITEMS_REQUIRED,
    SITE_REMOTE_CHANNELS,
    InputValue,
)
from sitecheck.models import SiteCheck
from sitecheck.rules import rulebook_for

SOURCE = "sitecheck"


def provide(cycle) -> Iterator[InputValue]:
    book = rulebook_for(cycle.site_rules_version)
    bvi_item = {"code": f"site.{book.bvi.code}", "label": book.bvi.label, "legal_basis": book.bvi.basis}
    questionnaire_item = {
        "code": f"site.{book.questionnaire.code}",
        "label": book.questionnaire.label,
        "legal_basis": book.questionnaire.basis,
    }
    checks = (
        SiteCheck.objects.current_for_cycle(cycle)
        .filter(cycle_organization__status="included")
        .only(
            "pk",
            "cycle_organization_id",
            "items_required",
            "items_placed",
            "channel_count",
            "channels",
            "has_bvi",
            "has_questionnaire",
            "summary",
            "evaluated_on",
            "rules_version",
            "site_error",
        )
        .order_by("cycle_organization_id")
    )
    for check in checks:
        entry = check.cycle_organization_id
        summary = check.summary or {}
        base = {"check_id": check.pk, "rules_version": check.rules_version, "evaluated_on": str(check.evaluated_on)}
        if check.site_error:
            base["site_error"] = check.site_error
        yield InputValue(entry, SITE_ITEMS_REQUIRED, Decimal(check.items_required), SOURCE, dict(base))
        yield InputValue(
            entry,
            SITE_ITEMS_PRESENT,
            Decimal(check.items_placed),
            SOURCE,
            {**base, "missing": list(summary.get("missing") or [])},
        )
        yield InputValue(
            entry,
            SITE_REMOTE_CHANNELS,
            Decimal(check.channel_count),
            SOURCE,
            {
                **base,
                "found": sorted(code for code, ok in (check.channels or {}).items() if ok),
                "missing": list(summary.get("channels_missing") or []),
            },
        )
        yield InputValue(
            entry,
            SITE_BVI,
            Decimal(1 if check.has_bvi else 0),
            SOURCE,
            {**base, "missing": [] if check.has_bvi else [bvi_item]},
        )
        yield InputValue(
            entry,
            SITE_HAS_QUESTIONNAIRE,
            Decimal(1 if check.has_questionnaire else 0),
            SOURCE,
            {**base, "missing": [] if check.has_questionnaire else [questionnaire_item]},
        )
