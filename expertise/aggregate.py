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
    results = ChecklistResult.objects.filter(
        cycle_organization__cycle=cycle,
        cycle_organization__status=CycleOrganization.Status.INCLUDED,
        status=ResultStatus.SUBMITTED,
    )
    if entries is not None:
        results = results.filter(cycle_organization_id__in=list(entries))
    result_rows = list(results.values_list("pk", "cycle_organization_id", "building_id", "mode", "checklist_id"))
    if not result_rows:
        return {}
    by_result = {pk: (co, building) for pk, co, building, _mode, _cl in result_rows}
    items = {
        item.pk: item
        for item in ChecklistItem.objects.filter(checklist_id__in={row[4] for row in result_rows}).order_by(
            "order", "pk"
        )
    }
    counts: dict[int, OrganizationCounts] = {}
    for _pk, co, _building, mode, _cl in result_rows:
        entry = counts.setdefault(co, OrganizationCounts(cycle_organization_id=co))
        entry.buildings += 1
        entry.modes.add(mode)
    final: dict[int, dict[int, list[tuple[int | None, str]]]] = defaultdict(lambda: defaultdict(list))
    prelim: dict[int, dict[int, list[tuple[int | None, str]]]] = defaultdict(lambda: defaultdict(list))
    comments: dict[tuple[int, int], list[str]] = defaultdict(list)
    marks = ChecklistMark.objects.filter(result__in=results).values_list(
        "result_id", "item_id", "value", "preliminary_value", "comment"
    )
    for result_id, item_id, value, preliminary, comment in marks.iterator(chunk_size=5000):
        co, building = by_result[result_id]
        final[co][item_id].append((building, value))
        prelim[co][item_id].append((building, value if preliminary is None else preliminary))
        if comment and value == Mark.NO:
            comments[(co, item_id)].append(comment)
    evidence: dict[tuple[int, int], list[int]] = defaultdict(list)
    for co, item_id, pk in (
        Evidence.objects.filter(result__in=results, item__isnull=False)
        .order_by("pk")
        .values_list("cycle_organization_id", "item_id", "pk")
    ):
        evidence[(co, item_id)].append(pk)
    ordered_items = list(items.values())
    for co, entry in counts.items():
        for target, source in ((entry.final, final[co]), (entry.preliminary, prelim[co])):
            for section in Section.values:
                target[section] = SectionCount()
            for item in ordered_items:
                if item.pk not in source:
                    continue
                value = combine(source[item.pk], rule)
                section = target[item.section]
                if value == Mark.NA:
                    section.not_applicable.append(item.code)
                    continue
                section.applicable += 1
                if value == Mark.YES:
                    section.present += 1
                else:
                    missing = {"code": item.code, "label": item.label, "legal_basis": item.legal_basis}
                    if evidence.get((co, item.pk)):
                        missing["evidence"] = evidence[(co, item.pk)]
                    if comments.get((co, item.pk)):
                        missing["comment"] = "; ".join(comments[(co, item.pk)])
                    section.missing.append(missing)
    return counts
