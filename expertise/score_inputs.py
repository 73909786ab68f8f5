"""What the expertise gives scoring (lib/score_inputs.py): stands for 1.1, conditions for 2.1, 3.1, 3.2.

Only submitted checklists count. ``detail["missing"]`` lists the items marked "нет" — each
``{"code", "label", "legal_basis"}`` plus ``evidence`` (ids of photos) and ``comment`` when there are
any — the shortcoming candidates. ``detail["preliminary"]`` is the same number before the decisions on
the organizations' disputes (right of reply).

The counting is the one of ``expertise.aggregate.count_cycle`` (several buildings combined item by item
with the cycle's rule, final and preliminary marks), done for many cycles at once by ``provide_many``:
one query each for the submitted checklists, their items, marks and evidence of all the cycles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal

from cycles.models import Cycle, CycleOrganization
from expertise.aggregate import OrganizationCounts, SectionCount, combine
from expertise.choices import Mark, ResultStatus, Section
from expertise.models import ChecklistItem, ChecklistMark, ChecklistResult, Evidence, ExpertiseSettings
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


def count_cycles(cycles: list[Cycle], rules: dict[int, str]) -> dict[int, OrganizationCounts]:
    """``count_cycle`` for every cycle at once: counts per CycleOrganization id with a submitted checklist."""
    results = ChecklistResult.objects.filter(
        cycle_organization__cycle__in=cycles,
        cycle_organization__status=CycleOrganization.Status.INCLUDED,
        status=ResultStatus.SUBMITTED,
    )
    result_rows = list(
        results.values_list(
            "pk", "cycle_organization_id", "building_id", "mode", "checklist_id", "cycle_organization__cycle_id"
        )
    )
    if not result_rows:
        return {}
    rule_of = {co: rules[cycle_id] for _pk, co, _b, _m, _cl, cycle_id in result_rows}
    ordered_items = list(
        ChecklistItem.objects.filter(checklist_id__in={row[4] for row in result_rows}).order_by("order", "pk")
    )
    counts: dict[int, OrganizationCounts] = {}
    for _pk, co, _building, mode, _cl, _cycle in result_rows:
        entry = counts.setdefault(co, OrganizationCounts(cycle_organization_id=co))
        entry.buildings += 1
        entry.modes.add(mode)
    # the marks unsorted, then taken result by result in the results' order (that of count_cycle's query)
    marks_of: dict[int, list[tuple[int, str, str | None, str]]] = defaultdict(list)
    for result_id, item_id, value, preliminary, comment in (
        ChecklistMark.objects.filter(result__in=results)
        .order_by()
        .values_list("result_id", "item_id", "value", "preliminary_value", "comment")
    ):
        marks_of[result_id].append((item_id, value, preliminary, comment))
    final: dict[int, dict[int, list[tuple[int | None, str]]]] = defaultdict(lambda: defaultdict(list))
    prelim: dict[int, dict[int, list[tuple[int | None, str]]]] = defaultdict(lambda: defaultdict(list))
    comments: dict[tuple[int, int], list[str]] = defaultdict(list)
    for result_id, co, building, _mode, _cl, _cycle in result_rows:
        final_of, prelim_of = final[co], prelim[co]
        for item_id, value, preliminary, comment in marks_of.get(result_id, ()):
            final_of[item_id].append((building, value))
            prelim_of[item_id].append((building, value if preliminary is None else preliminary))
            if comment and value == Mark.NO:
                comments[(co, item_id)].append(comment)
    evidence: dict[tuple[int, int], list[int]] = defaultdict(list)
    for co, item_id, pk in (
        Evidence.objects.filter(result__in=results, item__isnull=False)
        .order_by("pk")
        .values_list("cycle_organization_id", "item_id", "pk")
    ):
        evidence[(co, item_id)].append(pk)
    sections = list(Section.values)
    decided = (Mark.YES, Mark.NO, Mark.NA)
    items = [(item.pk, item.section, item.code, item.label, item.legal_basis) for item in ordered_items]
    for co, entry in counts.items():
        rule = rule_of[co]
        for target, source in ((entry.final, final[co]), (entry.preliminary, prelim[co])):
            for section in sections:
                target[section] = SectionCount()
            for item_id, item_section, code, label, legal_basis in items:
                values = source.get(item_id)
                if values is None:
                    continue
                # one building's yes/no/n.a. is what combine() gives for it under any rule
                value = values[0][1] if len(values) == 1 and values[0][1] in decided else combine(values, rule)
                section = target[item_section]
                if value == Mark.NA:
                    section.not_applicable.append(code)
                    continue
                section.applicable += 1
                if value == Mark.YES:
                    section.present += 1
                else:
                    missing = {"code": code, "label": label, "legal_basis": legal_basis}
                    if evidence.get((co, item_id)):
                        missing["evidence"] = evidence[(co, item_id)]
                    if comments.get((co, item_id)):
                        missing["comment"] = "; ".join(comments[(co, item_id)])
                    section.missing.append(missing)
    return counts


def provide_many(cycles: Iterable[Cycle]) -> Iterator[InputValue]:
    cycles = list(cycles)
    rules = branch_rules(cycles)
    versions = {c.pk: c.checklist_version for c in cycles}
    cycle_of = dict(CycleOrganization.objects.filter(cycle__in=cycles).values_list("pk", "cycle_id"))
    for co_id, counts in sorted(count_cycles(cycles, rules).items()):
        cycle_id = cycle_of[co_id]
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
