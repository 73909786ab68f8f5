"""What the expertise gives scoring (lib/score_inputs.py): stands for 1.1, conditions for 2.1, 3.1, 3.2.

Only submitted checklists count. ``detail["missing"]`` lists the items marked "нет" — each
``{"code", "label", "legal_basis"}`` plus ``evidence`` (ids of photos) and ``comment`` when there are
any — the shortcoming candidates. ``detail["preliminary"]`` is the same number before the decisions on
the organizations' disputes (right of reply).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from cycles.models import Cycle
from expertise.aggregate import count_cycle
from expertise.choices import Section
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


def provide(cycle: Cycle) -> Iterator[InputValue]:
    rule = settings_for(cycle).effective_branch_rule
    for co_id, counts in sorted(count_cycle(cycle, rule=rule).items()):
        common = {
            "checklist": cycle.checklist_version,
            "buildings": counts.buildings,
            "branch_rule": rule,
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
