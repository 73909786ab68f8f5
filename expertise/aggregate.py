"""Counting a cycle's submitted checklists into the numbers scoring needs (read-only).

For each organization the marks of all its submitted buildings are combined item by item with the
cycle's several-buildings rule (``BranchRule``): ``all`` — a condition counts only if present in every
building where it applies; ``main`` — only the main building counts; ``any`` — present in at least one.
Then, per section: stands give required (items not "не применимо") and present; conditions give the
number present. Items marked "нет" are the shortcoming candidates, with their legal basis and evidence.

The same counts are made twice: from the current marks (final) and from the marks as they stood before
the right-of-reply decisions (preliminary).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from cycles.models import Cycle, CycleOrganization
from expertise.choices import BranchRule, Mark, ResultStatus, Section
from expertise.models import ChecklistItem, ChecklistMark, ChecklistResult, Evidence


@dataclass
class SectionCount:
    applicable: int = 0  # items not "не применимо"
    present: int = 0
    missing: list[dict] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)


@dataclass
class OrganizationCounts:
    cycle_organization_id: int
    cycle_id: int
    buildings: int = 0
    modes: set[str] = field(default_factory=set)
    final: dict[str, SectionCount] = field(default_factory=dict)
    preliminary: dict[str, SectionCount] = field(default_factory=dict)

    def changed(self) -> bool:
        return any(self.final[s].present != self.preliminary[s].present for s in self.final) or any(
            self.final[s].applicable != self.preliminary[s].applicable for s in self.final
        )


def combine(values: list[tuple[int | None, str]], rule: str) -> str:
    """One value from (building id or None for the main building, value) pairs."""
    if rule == BranchRule.MAIN:
        main = [v for b, v in values if b is None]
        values = [(None, main[0])] if main else values[:1]
    marks = [v for _b, v in values if v in (Mark.YES, Mark.NO)]
    if not marks:
        return Mark.NA if any(v == Mark.NA for _b, v in values) else Mark.BLANK
    if rule == BranchRule.ANY:
        return Mark.YES if Mark.YES in marks else Mark.NO
    return Mark.YES if all(v == Mark.YES for v in marks) else Mark.NO


def count_cycle(
    cycle: Cycle, *, rule: str | None = None, entries: Iterable[int] | None = None
) -> dict[int, OrganizationCounts]:
    """Counts per CycleOrganization id for every organization with at least one submitted checklist
    (only ENTRIES, CycleOrganization ids, when given — e.g. one page of a list)."""
    from expertise.services import settings_for

    rule = rule or settings_for(cycle).effective_branch_rule
    return count_cycles([cycle], {cycle.pk: rule}, entries=entries)


def count_cycles(
    cycles: list[Cycle], rules: dict[int, str], *, entries: Iterable[int] | None = None
) -> dict[int, OrganizationCounts]:
    """Counts per CycleOrganization id with a submitted checklist, for every cycle at once (RULES: the
    several-buildings rule of each cycle id; only ENTRIES, CycleOrganization ids, when given)."""
    results = ChecklistResult.objects.filter(
        cycle_organization__cycle__in=cycles,
        cycle_organization__status=CycleOrganization.Status.INCLUDED,
        status=ResultStatus.SUBMITTED,
    )
    if entries is not None:
        results = results.filter(cycle_organization_id__in=list(entries))
    result_rows = list(
        results.order_by("pk").values_list(
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
    for _pk, co, _building, mode, _cl, cycle_id in result_rows:
        entry = counts.setdefault(co, OrganizationCounts(cycle_organization_id=co, cycle_id=cycle_id))
        entry.buildings += 1
        entry.modes.add(mode)
    # the marks unsorted, then taken result by result in the order of the results' ids
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
