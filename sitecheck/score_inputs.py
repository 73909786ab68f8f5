"""Scoring inputs collected by the site checker (lib/score_inputs.py keys).

For every organization of the cycle that has a finished check, the latest one gives:
Инорм-сайт / Исайт for 1.1 (required itemprop items of the cycle's rule version, applicable to
the organization's type, and those placed), Сдист for 1.2 (working remote channels), the BVI
version for 3.2 and the presence of the НОКО questionnaire (target indicator). ``detail["missing"]``
lists what is absent as ``{code, label, legal_basis}`` so scoring can build shortcomings.

``provide_many(cycles)`` reads the latest checks of all the cycles in one query
(``SiteCheck.objects.current_for_cycles``), taking only the two lists it needs out of each check's summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from cycles.models import Cycle
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


def _current_checks(cycle_ids: list[int]):
    """The latest finished check of each included organization of the cycles."""
    return (
        SiteCheck.objects.current_for_cycles(cycle_ids)
        .filter(cycle_organization__status="included")
        .order_by("cycle_organization_id")
        .values_list(
            "pk",
            "cycle_organization_id",
            "cycle_organization__cycle_id",
            "items_required",
            "items_placed",
            "channel_count",
            "channels",
            "has_bvi",
            "has_questionnaire",
            "summary__missing",
            "summary__channels_missing",
            "evaluated_on",
            "rules_version",
            "site_error",
        )
    )


def _items(cycles: list[Cycle]) -> dict[int, tuple[dict, dict]]:
    """Per cycle: the BVI and questionnaire items of its rule version, for detail["missing"]."""
    by_version: dict[str, tuple[dict, dict]] = {}
    result = {}
    for cycle in cycles:
        version = cycle.site_rules_version
        if version not in by_version:
            book = rulebook_for(version)
            by_version[version] = (
                {"code": f"site.{book.bvi.code}", "label": book.bvi.label, "legal_basis": book.bvi.basis},
                {
                    "code": f"site.{book.questionnaire.code}",
                    "label": book.questionnaire.label,
                    "legal_basis": book.questionnaire.basis,
                },
            )
        result[cycle.pk] = by_version[version]
    return result


def provide_many(cycles: Iterable[Cycle]) -> Iterator[InputValue]:
    cycles = list(cycles)
    items = _items(cycles)
    for (
        check_id,
        entry,
        cycle_id,
        items_required,
        items_placed,
        channel_count,
        channels,
        has_bvi,
        has_questionnaire,
        missing,
        channels_missing,
        evaluated_on,
        rules_version,
        site_error,
    ) in _current_checks([c.pk for c in cycles]):
        bvi_item, questionnaire_item = items[cycle_id]
        base = {"check_id": check_id, "rules_version": rules_version, "evaluated_on": str(evaluated_on)}
        if site_error:
            base["site_error"] = site_error
        yield InputValue(entry, SITE_ITEMS_REQUIRED, Decimal(items_required), SOURCE, dict(base))
        yield InputValue(
            entry, SITE_ITEMS_PRESENT, Decimal(items_placed), SOURCE, {**base, "missing": list(missing or [])}
        )
        yield InputValue(
            entry,
            SITE_REMOTE_CHANNELS,
            Decimal(channel_count),
            SOURCE,
            {
                **base,
                "found": sorted(code for code, ok in (channels or {}).items() if ok),
                "missing": list(channels_missing or []),
            },
        )
        yield InputValue(
            entry, SITE_BVI, Decimal(1 if has_bvi else 0), SOURCE, {**base, "missing": [] if has_bvi else [bvi_item]}
        )
        yield InputValue(
            entry,
            SITE_HAS_QUESTIONNAIRE,
            Decimal(1 if has_questionnaire else 0),
            SOURCE,
            {**base, "missing": [] if has_questionnaire else [questionnaire_item]},
        )


def provide(cycle: Cycle) -> Iterator[InputValue]:
    return provide_many([cycle])
