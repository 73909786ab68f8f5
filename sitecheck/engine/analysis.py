"""Compare extracted pages with the rule book: findings per section, per rule, plus warnings.

Statuses of a rule finding:

* ``ok`` — marked, visible, with real content (counts as placed);
* ``ok_elsewhere`` — found on the other accepted page (``also_in``, e.g. accreditation), counts;
* ``legacy`` — only an old name was found (tolerant mode counts it, strict mode does not);
* ``incomplete`` — a parent is marked but required children are in none of its elements;
* ``empty`` — marked but empty, a placeholder («дд.мм.гггг», «??», ``href="#"``) — counts as absent;
* ``hidden`` — marked only inside ``display:none`` — counts as absent;
* ``missing`` — required and not marked; ``absent`` — conditional and not marked (information).

Warnings (not counted): incomplete rows of a parent, typos in values, orphaned children,
names that are not in the dictionary of the section (legacy / of another section / unknown),
empty ``itemprop`` attributes, a non-standard address, a page shared by two sections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sitecheck.engine.page import EMPTY, OK, PLACEHOLDER, Instance, ParsedPage
from sitecheck.engine.rulebook import Rule, RuleBook, Section

PLACED = {"ok", "ok_elsewhere"}
MARKED = {"ok", "incomplete", "empty"}  # markup present and visible (the corpus' "present")


@dataclass
class Finding:
    section: str
    code: str
    kind: str  # rule / warning / foreign / site / channel
    status: str
    name: str = ""
    parent: str = ""
    required: bool = False
    mr9_required: bool = False
    placed: bool = False
    label: str = ""
    basis: str = ""
    message: str = ""
    url: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class SectionResult:
    section: Section
    page_status: str  # found / combined / guessed / missing / error / blocked
    urls: list[str]
    findings: list[Finding]
    applies: bool = True
    error: str = ""

    # --- views used by tests and reports ---------------------------------------------------
    def rule_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "rule"]

    def present(self) -> list[str]:
        return [f.name for f in self.rule_findings() if f.status in MARKED]

    def missing_required(self, mr9: bool = False) -> list[str]:
        key = "mr9_required" if mr9 else "required"
        return [f.name for f in self.rule_findings() if getattr(f, key) and f.status not in MARKED]

    def absent_conditional(self, mr9: bool = False) -> list[str]:
        key = "mr9_required" if mr9 else "required"
        return [f.name for f in self.rule_findings() if not getattr(f, key) and f.status not in MARKED]

    def children_missing(self, mr9: bool = False) -> dict[str, list[str]]:
        key = "children_missing_mr9" if mr9 else "children_missing"
        return {f.name: f.data[key] for f in self.rule_findings() if f.data.get(key) and f.status in MARKED}

    def foreign_names(self) -> list[str]:
        return sorted(f.name for f in self.findings if f.kind == "foreign")

    @property
    def items_required(self) -> int:
        return sum(1 for f in self.rule_findings() if f.required)

    @property
    def items_placed(self) -> int:
        return sum(1 for f in self.rule_findings() if f.required and f.placed)


def _instances(pages: Iterable[ParsedPage], name: str) -> list[Instance]:
    result: list[Instance] = []
    for page in pages:
        result.extend(page.items.get(name, ()))
    return result


def _best(statuses: Iterable[str]) -> str | None:
    best = None
    for status in statuses:
        if best is None or (status == OK) or (status == PLACEHOLDER and best == EMPTY):
            best = status
    return best


def _where(section: Section) -> str:
    return f"«{section.title}» ({section.path})"


def check_section(
    rulebook: RuleBook,
    section: Section,
    pages: list[ParsedPage],
    *,
    org_type: str | None,
    as_of: dt.date,
    tolerant: bool = False,
    page_status: str = "found",
    urls: list[str] | None = None,
    error: str = "",
) -> SectionResult:
    urls = urls if urls is not None else [p.url for p in pages]
    url = urls[0] if urls else ""
    applies = section.applies(org_type)
    findings: list[Finding] = []
    names_here = section.names
    visible_names: set[str] = set()
    for page in pages:
        visible_names |= page.names()

    for rule in section.props:
        if not rule.applies(org_type):
            continue
        required = applies and rule.is_required(org_type, as_of)
        mr9_required = rule.mr9_required(as_of)
        finding = _rule_finding(rulebook, section, rule, pages, org_type, as_of, required, mr9_required, url)
        if tolerant is not None:
            _legacy(rulebook, section, rule, pages, finding, tolerant)
        if not pages and page_status in ("missing", "error", "blocked"):
            finding.data["page"] = page_status
        findings.append(finding)

    # children outside their parents, and per-row completeness
    parents = {rule.name: rule for rule in section.props if rule.is_parent}
    top = section.top_names
    for child_name in sorted(section.child_names - top):
        owners = {p for p, r in parents.items() if any(c.name == child_name for c in r.children)}
        orphans = [i for i in _instances(pages, child_name) if not i.hidden and i.parents.isdisjoint(owners)]
        if orphans:
            findings.append(
                Finding(
                    section=section.code,
                    code=f"{section.code}.orphan.{child_name}",
                    kind="warning",
                    status="orphan",
                    name=child_name,
                    label=f'itemprop="{child_name}" вне родительского элемента',
                    message=(
                        f'Элемент itemprop="{child_name}" найден вне элемента '
                        + ", ".join(f'itemprop="{o}"' for o in sorted(owners))
                        + ": дочерние сведения должны находиться внутри родительского элемента."
                    ),
                    url=url,
                    data={"count": len(orphans), "owners": sorted(owners)},
                )
            )

    # names that this section's dictionary does not have
    for name in sorted(visible_names - names_here - rulebook.global_props):
        kind, hint = classify_foreign(rulebook, section, name)
        findings.append(
            Finding(
                section=section.code,
                code=f"{section.code}.foreign.{name}",
                kind="foreign",
                status=kind,
                name=name,
                label=f'itemprop="{name}"',
                message=hint,
                url=url,
            )
        )

    empty_attrs = sum(p.empty_itemprops for p in pages)
    if empty_attrs:
        findings.append(
            Finding(
                section=section.code,
                code=f"{section.code}.empty_itemprop",
                kind="warning",
                status="empty_itemprop",
                label="Пустые атрибуты itemprop",
                message=(
                    f"На странице {empty_attrs} элемент(ов) с пустым атрибутом itemprop — разметка не распознаётся."
                ),
                url=url,
                data={"count": empty_attrs},
            )
        )
    return SectionResult(
        section=section,
        page_status=page_status,
        urls=urls,
        findings=findings,
        applies=applies,
        error=error,
    )


def classify_foreign(rulebook: RuleBook, section: Section, name: str) -> tuple[str, str]:
    legacy = rulebook.legacy.get(name.lower())
    if legacy is not None and legacy.name == name:
        if legacy.current:
            return "legacy", f'Устаревшее имя (приказы № 785/831): замените на itemprop="{legacy.current}".'
        return "legacy", "Устаревшее имя (приказы № 785/831), в МР 9.0.0 отсутствует — не учитывается."
    lowered = {n.lower().replace("-", ""): n for n in section.names}
    if name.lower().replace("-", "") in lowered:
        proper = lowered[name.lower().replace("-", "")]
        return "legacy", f'Имя записано не в стиле lowerCamelCase: правильно itemprop="{proper}".'
    owners = rulebook.sections_of_name(name)
    if owners:
        titles = ", ".join(f"«{rulebook.sections[o].title}»" for o in owners)
        return "misplaced", f"Имя относится к подразделу {titles}, а не к «{section.title}»."
    return "unknown", "Имени нет в словаре МР 9.0.0 — проверьте написание."


def _rule_finding(
    rulebook: RuleBook,
    section: Section,
    rule: Rule,
    pages: list[ParsedPage],
    org_type: str | None,
    as_of: dt.date,
    required: bool,
    mr9_required: bool,
    url: str,
) -> Finding:
    instances = _instances(pages, rule.name)
    visible = [i for i in instances if not i.hidden]
    finding = Finding(
        section=section.code,
        code=rule.code,
        kind="rule",
        status="",
        name=rule.name,
        required=required,
        mr9_required=mr9_required,
        label=rule.label,
        basis=rule.basis,
        url=url,
    )
    if rule.note:
        finding.data["note"] = rule.note
    if not visible:
        finding.status = "hidden" if instances else ("missing" if required else "absent")
        if instances:
            finding.message = (
                f'Сведения «{rule.label}» (itemprop="{rule.name}") скрыты (display:none) и не видны посетителю: '
                "размеченные сведения должны быть видимы."
            )
        else:
            finding.message = _add_message(section, rule, org_type, as_of)
        return finding
    finding.data["count"] = len(visible)
    if visible[0].value:
        finding.data["value"] = visible[0].value
    if rule.is_parent:
        return _parent_finding(section, rule, visible, finding, org_type, as_of)
    status = _best(i.status for i in visible)
    typo = next((i.typo for i in visible if i.typo), "")
    if typo:
        finding.data["typo"] = typo
    if status == OK:
        finding.status = "ok"
        finding.placed = True
        if typo:
            finding.message = f"Опечатка в значении («{typo}»)."
    else:
        finding.status = "empty"
        finding.data["reason"] = status
        finding.message = (
            f'Элемент itemprop="{rule.name}" есть, но '
            + ("содержит шаблон-заглушку или ссылку-заглушку" if status == PLACEHOLDER else "пуст")
            + f": заполните сведения «{rule.label}» (если сведений нет — укажите «отсутствует»)."
        )
    return finding


def _parent_finding(
    section: Section,
    rule: Rule,
    visible: list[Instance],
    finding: Finding,
    org_type: str | None,
    as_of: dt.date,
) -> Finding:
    children = [c for c in rule.children if c.applies(org_type)]
    req_children = [c for c in children if c.is_required(org_type, as_of) or c.req == "R"]
    mr9_children = [c for c in rule.children if c.mr9_required(as_of)]
    # union over rows: a child's first status, raised to ok by any good value; a row whose children all
    # have a good value already changes nothing (most rows of a long table)
    union: dict[str, str] = {}
    settled: set[str] = set()
    for inst in visible:
        kids = inst.children
        if not kids or kids.keys() <= settled:
            continue
        for name, status in kids.items():
            if name not in union or status == OK:
                union[name] = status
                if status == OK:
                    settled.add(name)
    eff_required = [c for c in req_children if c.is_required(org_type, as_of)]
    eff_names = {c.name for c in eff_required}
    missing = [c.name for c in eff_required if c.name not in union]
    finding.data["children_missing"] = missing
    finding.data["children_missing_mr9"] = [c.name for c in mr9_children if c.name not in union]
    finding.data["children_present"] = sorted(n for n in union if any(c.name == n for c in rule.children))
    rows_incomplete = 0
    missing_counts: dict[str, int] = {}
    for inst in visible:
        kids = inst.children or {}
        if kids.keys() >= eff_names:
            continue
        lacking = [c.name for c in eff_required if c.name not in kids]
        if lacking:
            rows_incomplete += 1
            for name in lacking:
                missing_counts[name] = missing_counts.get(name, 0) + 1
    finding.data["rows"] = len(visible)
    finding.data["rows_incomplete"] = rows_incomplete
    if rows_incomplete:
        finding.data["rows_missing"] = missing_counts
    placeholders = [c.name for c in eff_required if c.name in union and union[c.name] != OK]
    if missing:
        finding.status = "incomplete"
        finding.message = (
            f'Внутри элементов itemprop="{rule.name}" ({_where(section)}) нет обязательных дочерних элементов: '
            + ", ".join(f'itemprop="{m}"' for m in missing)
            + ". Дочерние элементы размещаются внутри каждой записи (например, в ячейках строки <tr>)."
        )
    elif placeholders:
        finding.status = "empty"
        finding.data["reason"] = "children_placeholder"
        finding.data["children_empty"] = placeholders
        finding.message = "Дочерние элементы " + ", ".join(placeholders) + " пусты или содержат шаблоны-заглушки."
    elif not union and all(i.status != OK for i in visible):
        finding.status = "empty"
        finding.data["reason"] = EMPTY
        finding.message = f'Элемент itemprop="{rule.name}" пуст.'
    else:
        finding.status = "ok"
        finding.placed = True
        if rows_incomplete:
            finding.message = (
                f'{rows_incomplete} из {len(visible)} записей itemprop="{rule.name}" неполные: '
                + ", ".join(f"{name} нет в {count}" for name, count in sorted(missing_counts.items()))
                + ". Каждая запись (строка) должна содержать все обязательные дочерние элементы."
            )
    return finding


def _add_message(section: Section, rule: Rule, org_type: str | None, as_of: dt.date) -> str:
    if rule.is_parent:
        kids = [c.name for c in rule.children if c.applies(org_type) and c.is_required(org_type, as_of)]
        inner = (
            " с дочерними элементами " + ", ".join(f'itemprop="{k}"' for k in kids) + " внутри каждой записи"
            if kids
            else ""
        )
        return (
            f"Добавьте на страницу {_where(section)} сведения «{rule.label}»: элемент-контейнер "
            f'itemprop="{rule.name}" (по одному на запись, например <tr>){inner}.'
        )
    what = "ссылку на документ" if rule.name.endswith(("DocLink", "El")) else "сведения"
    return f'Добавьте на страницу {_where(section)} {what} «{rule.label}» с разметкой itemprop="{rule.name}"' + (
        " (если сведений нет — укажите «отсутствует»)." if rule.req == "R" else "."
    )


def _legacy(
    rulebook: RuleBook, section: Section, rule: Rule, pages: list[ParsedPage], finding: Finding, tolerant: bool
) -> None:
    if finding.status in PLACED or finding.status in ("incomplete", "empty"):
        return
    candidates = [
        legacy.name
        for legacy in rulebook.legacy.values()
        if legacy.current == rule.name and (not legacy.sections or section.code in legacy.sections)
    ]
    found = [name for name in candidates if any(not i.hidden for i in _instances(pages, name))]
    if not found:
        lowered = rule.name.lower()
        for page in pages:
            for name in page.names():
                if name != rule.name and name.lower().replace("-", "") == lowered:
                    found.append(name)
    if not found:
        return
    finding.data["legacy_names"] = sorted(set(found))
    hint = ", ".join(f'itemprop="{n}"' for n in sorted(set(found)))
    if tolerant:
        finding.status = "legacy"
        finding.placed = True
        finding.message = f'Найдено устаревшее имя {hint}; замените на itemprop="{rule.name}".'
    else:
        finding.message += f" На странице есть устаревшее имя {hint} — оно не учитывается, замените его."


def resolve_also_in(results: dict[str, SectionResult], pages_by_section: dict[str, list[ParsedPage]]) -> None:
    """A rule accepted in another section (accreditation in common or education) counts when found there."""
    for code, result in results.items():
        for finding in result.rule_findings():
            if finding.placed or finding.kind != "rule":
                continue
            rule = result.section.rule(finding.name)
            if rule is None or not rule.also_in:
                continue
            for other in rule.also_in:
                instances = _instances(pages_by_section.get(other, []), rule.name)
                if any(not i.hidden and i.status == OK for i in instances):
                    finding.status = "ok_elsewhere"
                    finding.placed = True
                    finding.data["found_in"] = other
                    finding.message = (
                        f"Размещено в подразделе «{results[other].section.title}»." if other in results else ""
                    )
                    break
        _ = code


def summarize(results: dict[str, SectionResult]) -> dict[str, Any]:
    required = sum(r.items_required for r in results.values())
    placed = sum(r.items_placed for r in results.values())
    missing = [
        {"code": f.code, "label": f"{r.section.title}: {f.label} (itemprop {f.name})", "legal_basis": f.basis}
        for r in results.values()
        for f in r.rule_findings()
        if f.required and not f.placed
    ]
    return {"items_required": required, "items_placed": placed, "missing": missing}
