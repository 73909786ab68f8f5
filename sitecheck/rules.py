"""Website rules: JSON file → database rows → ``RuleBook`` for the checker.

The file ``sitecheck/rules/<code>.json`` is the source of a version; ``install_rule_set`` writes it
as a ``SiteRuleSet`` with one ``SiteRule`` per itemprop (a data migration installs ``1493-v1``).
``rulebook_for(code)`` rebuilds the checker's ``RuleBook`` from the rows (so a rule corrected in
the admin takes effect) and the set's ``data`` (section addresses, legacy names, signals).
A new version is a new file and a new code; the old version stays for the cycles that used it.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from sitecheck.engine.rulebook import RuleBook, load_rules_file

_CACHE: dict[str, tuple[Any, RuleBook]] = {}


def _rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    order = 0
    for section in data["sections"]:
        for prop in section["props"]:
            for parent, item in [(None, prop)] + [(prop, child) for child in prop.get("children", [])]:
                order += 1
                inherited_types = (parent or {}).get("types", [])
                rows.append(
                    {
                        "section": section["code"],
                        "section_title": section["title"],
                        "parent": parent["name"] if parent else "",
                        "itemprop": item["name"],
                        "requirement": item.get("req", "C"),
                        "types": item.get("types", inherited_types),
                        "required_types": item.get("required_types", []),
                        "required_from": item.get("required_from"),
                        "required_until": item.get("required_until"),
                        "also_in": item.get("also_in", []),
                        "label": item.get("label", item["name"]),
                        "legal_basis": item.get("basis") or (parent or {}).get("basis") or section.get("basis", ""),
                        "note": item.get("note", ""),
                        "order": order,
                    }
                )
    return rows


def install_rule_set(code: str, rule_set_model=None, rule_model=None, data: dict[str, Any] | None = None):
    """Create or refresh the rows of version CODE from its JSON file (idempotent)."""
    if rule_set_model is None or rule_model is None:
        from sitecheck.models import SiteRule, SiteRuleSet

        rule_set_model, rule_model = SiteRuleSet, SiteRule
    data = data if data is not None else load_rules_file(code)
    meta = {k: v for k, v in data.items() if k != "sections"}
    meta["sections"] = [{k: v for k, v in s.items() if k != "props"} for s in data["sections"]]
    rule_set, _created = rule_set_model.objects.update_or_create(
        code=code,
        defaults={
            "title": data.get("title", code),
            "valid_from": data.get("valid_from"),
            "valid_until": data.get("valid_until"),
            "data": meta,
        },
    )
    rule_model.objects.filter(rule_set=rule_set).delete()
    rule_model.objects.bulk_create([rule_model(rule_set=rule_set, **row) for row in _rows(data)])
    _CACHE.pop(code, None)
    return rule_set


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def rule_set_dict(rule_set) -> dict[str, Any]:
    """The rule-set dictionary (the JSON file's shape) rebuilt from the database rows."""
    data = copy.deepcopy(rule_set.data)
    sections = {s["code"]: dict(s, props=[]) for s in data.get("sections", [])}
    parents: dict[tuple[str, str], dict[str, Any]] = {}
    for rule in rule_set.rules.order_by("order"):
        item: dict[str, Any] = {"name": rule.itemprop, "req": rule.requirement, "label": rule.label}
        if rule.legal_basis:
            item["basis"] = rule.legal_basis
        if rule.types:
            item["types"] = rule.types
        if rule.required_types:
            item["required_types"] = rule.required_types
        if rule.required_from:
            item["required_from"] = _iso(rule.required_from)
        if rule.required_until:
            item["required_until"] = _iso(rule.required_until)
        if rule.also_in:
            item["also_in"] = rule.also_in
        if rule.note:
            item["note"] = rule.note
        section = sections.setdefault(rule.section, {"code": rule.section, "title": rule.section_title, "props": []})
        if rule.parent:
            parent = parents.get((rule.section, rule.parent))
            if parent is not None:
                parent.setdefault("children", []).append(item)
            continue
        section["props"].append(item)
        parents[(rule.section, rule.itemprop)] = item
    data["sections"] = list(sections.values())
    data["code"] = rule_set.code
    return data


def rulebook_for(code: str) -> RuleBook:
    """The checker's rules for version CODE (installed from its file on first use)."""
    from sitecheck.models import SiteRuleSet

    rule_set = SiteRuleSet.objects.filter(code=code).first()
    if rule_set is None:
        rule_set = install_rule_set(code)
    cached = _CACHE.get(code)
    stamp = (rule_set.pk, rule_set.loaded_at, rule_set.rules.count())
    if cached is not None and cached[0] == stamp:
        return cached[1]
    book = RuleBook.from_dict(rule_set_dict(rule_set))
    _CACHE[code] = (stamp, book)
    return book
