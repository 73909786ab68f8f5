"""Tolerant reads from apps that may not be installed or built yet.

The target indicators need two facts owned by other apps:

* whether an organization's official site offers the opinion questionnaire (or a link to it) —
  owned by ``sitecheck``. Read, in this order, from
  ``sitecheck.services.questionnaire_presence(organization_ids, year) -> {organization_id: bool}``
  or from ``sitecheck.score_inputs.provide(cycle)`` (key ``lib.score_inputs.SITE_HAS_QUESTIONNAIRE``)
  over the cycles of that year. ``None`` means "нет данных".
* how many council meetings were planned and held — owned by ``council``
  (``council.services.meeting_counts(territory, year)``).
"""

from __future__ import annotations

import importlib
import logging

log = logging.getLogger(__name__)


def _optional(module: str, name: str):
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def site_questionnaire_presence(organization_ids: list[int], year: int) -> dict[int, bool] | None:
    presence = _optional("sitecheck.services", "questionnaire_presence")
    if presence is not None:
        try:
            found = presence(list(organization_ids), year)
        except NotImplementedError:
            found = None
        if found:
            return {int(k): bool(v) for k, v in found.items()}
    provide = _optional("sitecheck.score_inputs", "provide")
    if provide is None:
        return None
    from cycles.models import Cycle, CycleOrganization
    from lib.score_inputs import SITE_HAS_QUESTIONNAIRE

    wanted = set(organization_ids)
    result: dict[int, bool] = {}
    for cycle in Cycle.objects.filter(year=year, entries__organization_id__in=wanted).distinct():
        entry_orgs = dict(CycleOrganization.objects.filter(cycle=cycle).values_list("pk", "organization_id"))
        try:
            values = list(provide(cycle))
        except NotImplementedError:
            continue
        for value in values:
            if value.key != SITE_HAS_QUESTIONNAIRE:
                continue
            org_id = entry_orgs.get(value.cycle_organization_id)
            if org_id in wanted:
                result[org_id] = result.get(org_id, False) or value.value > 0
    return result or None


def council_meeting_counts(territory, year: int) -> tuple[int, int] | None:
    counts = _optional("council.services", "meeting_counts")
    if counts is None:
        return None
    return counts(territory, year)
