"""The website rules as plain objects, built from a rule-set dictionary (JSON file or database rows).

Nothing here imports Django: the checker, the tests and the benchmark use it directly.
A rule says *where* an ``itemprop`` is expected (section, parent), whether it is required
(MR9 ``R``/``C``, the organization types it applies to, a date window for date-dependent rules)
and its legal basis. ``RuleBook.from_dict`` is the only constructor.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
ALL_TYPES = "*"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Rule:
    section: str
    name: str
    parent: str | None
    req: str  # "R" or "C" as in MR9
    label: str
    basis: str
    types: frozenset[str] | None = None  # the block applies only to these types (None = all)
    required_types: frozenset[str] | None = None  # conditional in general, required for these types
    required_from: dt.date | None = None
    required_until: dt.date | None = None
    also_in: tuple[str, ...] = ()
    note: str = ""
    children: tuple[Rule, ...] = ()

    @property
    def code(self) -> str:
        return f"{self.section}.{self.parent}.{self.name}" if self.parent else f"{self.section}.{self.name}"

    @property
    def is_parent(self) -> bool:
        return bool(self.children)

    def applies(self, org_type: str | None) -> bool:
        return org_type is None or self.types is None or org_type in self.types

    def in_window(self, as_of: dt.date) -> bool:
        if self.required_from and as_of < self.required_from:
            return False
        return not (self.required_until and as_of >= self.required_until)

    def mr9_required(self, as_of: dt.date) -> bool:
        """Required as the MR9 table says (no organization-type filter): the corpus oracle."""
        return self.req == "R" and self.in_window(as_of)

    def is_required(self, org_type: str | None, as_of: dt.date) -> bool:
        if not self.applies(org_type):
            return False
        if not self.in_window(as_of):
            return False
        if self.req == "R":
            return True
        types = self.required_types or frozenset()
        return ALL_TYPES in types or bool(org_type and org_type in types)


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    slugs: tuple[str, ...]
    keywords: tuple[str, ...]
    basis: str
    types: frozenset[str] | None
    props: tuple[Rule, ...]
    note: str = ""
    order: int = 0

    @property
    def path(self) -> str:
        return f"/sveden/{self.code}"

    def applies(self, org_type: str | None) -> bool:
        return org_type is None or self.types is None or org_type in self.types

    @property
    def names(self) -> frozenset[str]:
        """Every name the dictionary has for this section, parents and children alike."""
        result = set()
        for rule in self.props:
            result.add(rule.name)
            result.update(child.name for child in rule.children)
        return frozenset(result)

    @property
    def child_names(self) -> frozenset[str]:
        return frozenset(child.name for rule in self.props for child in rule.children)

    @property
    def top_names(self) -> frozenset[str]:
        return frozenset(rule.name for rule in self.props)

    def rule(self, name: str) -> Rule | None:
        for rule in self.props:
            if rule.name == name:
                return rule
        return None


@dataclass(frozen=True)
class LegacyName:
    name: str
    sections: tuple[str, ...]
    current: str | None


@dataclass(frozen=True)
class Channel:
    code: str
    label: str
    basis: str


@dataclass
class RuleBook:
    code: str
    title: str
    sections: dict[str, Section]
    legacy: dict[str, LegacyName]  # lower-case name → legacy entry
    org_types: dict[str, str]
    type_labels: dict[str, str]
    section_root: dict[str, Any]
    global_props: frozenset[str]
    placeholders: tuple[re.Pattern[str], ...]
    placeholder_hrefs: frozenset[str]
    typos: tuple[str, ...]
    site: dict[str, Any]
    channels: tuple[Channel, ...]
    bvi: Channel
    questionnaire: Channel
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    # --- construction ---------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RuleBook:
        sections: dict[str, Section] = {}
        for order, sec in enumerate(data["sections"]):
            basis = sec.get("basis", "")
            props = tuple(_rule(sec["code"], None, item, basis, None) for item in sec["props"])
            sections[sec["code"]] = Section(
                code=sec["code"],
                title=sec["title"],
                slugs=tuple(s.lower() for s in sec.get("slugs", [sec["code"]])),
                keywords=tuple(_norm_text(k) for k in sec.get("keywords", [])),
                basis=basis,
                types=frozenset(sec["types"]) if sec.get("types") else None,
                props=props,
                note=sec.get("note", ""),
                order=order,
            )
        legacy = {
            item["name"].lower(): LegacyName(item["name"], tuple(item.get("sections", [])), item.get("current"))
            for item in data.get("legacy", [])
        }
        content = data.get("content", {})
        return cls(
            code=data["code"],
            title=data.get("title", data["code"]),
            sections=sections,
            legacy=legacy,
            org_types=dict(data.get("org_types", {})),
            type_labels=dict(data.get("type_labels", {})),
            section_root=dict(data.get("section_root", {})),
            global_props=frozenset(data.get("global_props", [])),
            placeholders=tuple(re.compile(p, re.IGNORECASE) for p in content.get("placeholders", [])),
            placeholder_hrefs=frozenset(h.lower() for h in content.get("placeholder_hrefs", [])),
            typos=tuple(t.lower() for t in content.get("typos", [])),
            site=dict(data.get("site", {})),
            channels=tuple(Channel(c["code"], c["label"], c.get("basis", "")) for c in data.get("channels", [])),
            bvi=Channel(**_channel(data.get("bvi"), "bvi")),
            questionnaire=Channel(**_channel(data.get("questionnaire"), "questionnaire")),
            valid_from=_date(data.get("valid_from")),
            valid_until=_date(data.get("valid_until")),
            raw=data,
        )

    @classmethod
    def from_file(cls, code: str) -> RuleBook:
        return cls.from_dict(load_rules_file(code))

    # --- lookups --------------------------------------------------------------------------------
    def org_type_code(self, registry_type: str | None) -> str | None:
        """Map a registry organization type (``doo``) to the rule-set type code (``DOU``)."""
        if registry_type is None:
            return None
        return self.org_types.get(registry_type, registry_type)

    def sections_of_name(self, name: str) -> list[str]:
        return [code for code, sec in self.sections.items() if name in sec.names]

    @property
    def all_names(self) -> frozenset[str]:
        names: set[str] = set(self.global_props)
        for sec in self.sections.values():
            names |= sec.names
        return frozenset(names)

    def is_placeholder(self, text: str) -> bool:
        """A template value («дд.мм.гггг», «(000) 000-00-00», «??»…); a long text is never a placeholder."""
        combined = self.__dict__.get("_placeholder_re")
        if combined is None:
            combined = re.compile("|".join(f"(?:{p.pattern})" for p in self.placeholders) or "(?!)", re.IGNORECASE)
            self.__dict__["_placeholder_re"] = combined
        return len(text) <= 160 and combined.search(text) is not None


def _channel(data: dict[str, Any] | None, code: str) -> dict[str, str]:
    data = data or {}
    return {"code": data.get("code", code), "label": data.get("label", code), "basis": data.get("basis", "")}


def _rule(section: str, parent: Rule | None, item: dict[str, Any], basis: str, parent_types) -> Rule:
    types = frozenset(item["types"]) if item.get("types") else parent_types
    rule = Rule(
        section=section,
        name=item["name"],
        parent=parent.name if parent else None,
        req=item.get("req", "C"),
        label=item.get("label", item["name"]),
        basis=item.get("basis", basis),
        types=types,
        required_types=frozenset(item["required_types"]) if item.get("required_types") else None,
        required_from=_date(item.get("required_from")),
        required_until=_date(item.get("required_until")),
        also_in=tuple(item.get("also_in", [])),
        note=item.get("note", ""),
    )
    children = tuple(_rule(section, rule, child, rule.basis, types) for child in item.get("children", []))
    if children:
        object.__setattr__(rule, "children", children)
    return rule


def _norm_text(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


def load_rules_file(code: str) -> dict[str, Any]:
    path = RULES_DIR / f"{code}.json"
    if not path.exists():
        raise FileNotFoundError(f"нет файла правил {path.name}")
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def available_rule_files() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.json"))
