"""What the expertise gives scoring (lib/score_inputs.py): stands for 1.1, conditions for 2.1, 3.1, 3.2.

Only submitted checklists count. ``detail["missing"]`` lists the items marked "нет" — each
``{"code", "label", "legal_basis"}`` plus ``evidence`` (ids of photos) and ``comment`` when there are
any — the shortcoming candidates. ``detail["preliminary"]`` is the same number before the decisions on
the organizations' disputes (right of reply).

The counting is ``expertise.aggregate.count_cycles`` (several buildings combined item by item with the
cycle's rule, final and preliminary marks), for all the cycles of ``provide_many`` at once: one query
each for the submitted checklists, their items, marks and evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from cycles.models import Cycle
from expertise.aggregate import count_cycles
from expertise.choices import Section
from expertise.models import ExpertiseSettings
from expertise.services import settings_for
from lib.score_inputs import (
    ACCESS_PREMISES_CONDITIONS,
    ACCESS_SERVICE_CONDITIONS,
    COMFORT_CONDITIONS,
    STAND_ITEMS_PRESENT,
    STAND_ITEMS_REQUIRED,
    InputValue,
)

SOURCE = "expertise"
CONDITION_KEYS = {
    Section.COMFORT: COMFORT_CONDITIONS,
    Section.PREMISES: ACCESS_PREMISES_CONDITIONS,
    Section.SERVICE: ACCESS_SERVICE_CONDITIONS,
}


def branch_rules(cycles: list[Cycle]) -> dict[int, str]:
    """The several-buildings rule of each cycle (settings created for a cycle that has none, as settings_for)."""
    found = {s.cycle_id: s for s in ExpertiseSettings.objects.filter(cycle__in=cycles)}
    return {c.pk: (found.get(c.pk) or settings_for(c)).effective_branch_rule for c in cycles}


def provide_many(cycles: Iterable[Cycle]) -> Iterator[InputValue]:
    cycles = list(cycles)
    rules = branch_rules(cycles)
    versions = {c.pk: c.checklist_version for c in cycles}
    for co_id, counts in sorted(count_cycles(cycles, rules).items()):
        cycle_id = counts.cycle_id
        common = {
            "checklist": versions[cycle_id],
            "buildings": counts.buildings,
            "branch_rule": rules[cycle_id],
            "modes": sorted(counts.modes),
        }
        stand, stand_pre = counts.final[Section.STAND], counts.preliminary[Section.STAND]
        yield InputValue(
            co_id,
            STAND_ITEMS_REQUIRED,
            Decimal(stand.applicable),
            SOURCE,
            {**common, "not_applicable": stand.not_applicable, "preliminary": stand_pre.applicable},
        )
        yield InputValue(
            co_id,
            STAND_ITEMS_PRESENT,
            Decimal(stand.present),
            SOURCE,
            {**common, "missing": stand.missing, "preliminary": stand_pre.present},
        )
        for section, key in CONDITION_KEYS.items():
            final, pre = counts.final[section], counts.preliminary[section]
            yield InputValue(
                co_id,
                key,
                Decimal(final.present),
                SOURCE,
                {
                    **common,
                    "missing": final.missing,
                    "items": final.applicable,
                    "not_applicable": final.not_applicable,
                    "preliminary": pre.present,
                },
            )


def provide(cycle: Cycle) -> Iterator[InputValue]:
    return provide_many([cycle])
