"""The 344н/114 formulas as pure functions over named numbers (no Django).

A ``MethodologySpec`` is built from a methodology version's data (``scoring.Methodology.definition``
plus its switches); ``score(spec, inputs)`` turns one organization's inputs (``{key: Decimal}``, keys
from ``lib.score_inputs``) into indicator, criterion and total values. Rules (methodology.md §3, §10):

* every share is clamped to [0, 1] and every point count to [0, cap], so no indicator leaves 0..100;
* a share with a zero denominator follows the zero policy of its part (or the version's default):
  ``exclude`` — the share is undefined: an indicator of several parts is the mean of the defined ones,
  a criterion renormalises its weights over the defined indicators; ``zero`` — 0; ``hundred`` — 100;
* an input that is absent (not collected) makes the part undefined and is reported in ``missing``;
  a criterion with no defined indicator is undefined, and so is the total if any criterion is;
* ``rounding_mode`` "full" keeps full precision (round only for display); "each_step" rounds each
  indicator and criterion to 2 decimals before the next step (the operators' tables).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HUNDRED = Decimal(100)
ONE = Decimal(1)
ZERO = Decimal(0)
TWO_PLACES = Decimal("0.01")
Z95 = 1.959963984540054

ZERO_POLICIES = ("exclude", "zero", "hundred")
KINDS = ("checklist_ratio", "count_points", "survey_share")


_EXPONENTS = {places: Decimal(1).scaleb(-places) for places in range(9)}


def quantize(value: Decimal | None, places: int = 2) -> Decimal | None:
    if value is None:
        return None
    exponent = _EXPONENTS.get(places)
    if exponent is None:
        exponent = Decimal(1).scaleb(-places)
    return value.quantize(exponent, rounding=ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def wilson(yes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """95 % Wilson score interval for YES out of N, as shares in [0, 1]."""
    if n <= 0:
        return 0.0, 1.0
    p = min(1.0, max(0.0, yes / n))
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Part:
    """One share inside an indicator: NUM / DEN (checklist) or YES / ANSWERED (survey)."""

    num: str
    den: str = ""  # checklist: the required count; survey: the "answered" count of the item
    gate: str = ""  # survey: the "Да" count on the gate question (fallback denominator)
    switchable: bool = False  # the denominator switch answered/total applies
    zero_policy: str = ""  # "" = the version's default
    label: str = ""


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    criterion: str
    label: str
    kind: str
    parts: tuple[Part, ...] = ()
    count: tuple[str, ...] = ()
    count_optional: tuple[str, ...] = ()
    points_each: Decimal = ZERO
    cap: Decimal = HUNDRED
    max_items: int = 0
    items: tuple[dict[str, str], ...] = ()
    legal_basis: str = ""
    zero_policy: str = ""


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    label: str
    weights: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class MethodologySpec:
    indicators: tuple[IndicatorSpec, ...]
    criteria: tuple[CriterionSpec, ...]
    denominator_mode: str = "answered"
    rounding_mode: str = "full"
    zero_policy: str = "exclude"
    respondents_key: str = "survey.respondents"

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        denominator_mode: str = "answered",
        rounding_mode: str = "full",
        zero_policy: str = "exclude",
    ) -> MethodologySpec:
        indicators = []
        for raw in data.get("indicators", []):
            kind = raw["kind"]
            if kind not in KINDS:
                raise ValueError(f"indicator {raw.get('code')}: unknown kind {kind!r}")
            parts = tuple(
                Part(
                    num=p["num"],
                    den=p.get("den", ""),
                    gate=p.get("gate", ""),
                    switchable=bool(p.get("switchable", False)),
                    zero_policy=p.get("zero_policy", ""),
                    label=p.get("label", ""),
                )
                for p in raw.get("parts", [])
            )
            indicators.append(
                IndicatorSpec(
                    code=raw["code"],
                    criterion=raw["criterion"],
                    label=raw.get("label", raw["code"]),
                    kind=kind,
                    parts=parts,
                    count=tuple(raw.get("count", [])),
                    count_optional=tuple(raw.get("count_optional", [])),
                    points_each=Decimal(str(raw.get("points_each", 0))),
                    cap=Decimal(str(raw.get("cap", 100))),
                    max_items=int(raw.get("max_items", len(raw.get("items", [])))),
                    items=tuple(raw.get("items", [])),
                    legal_basis=raw.get("legal_basis", ""),
                    zero_policy=raw.get("zero_policy", ""),
                )
            )
        criteria = tuple(
            CriterionSpec(
                code=raw["code"],
                label=raw.get("label", raw["code"]),
                weights=tuple((code, Decimal(str(w))) for code, w in raw["weights"].items()),
            )
            for raw in data.get("criteria", [])
        )
        known = {i.code for i in indicators}
        for criterion in criteria:
            for code, _w in criterion.weights:
                if code not in known:
                    raise ValueError(f"criterion {criterion.code}: unknown indicator {code}")
        if zero_policy not in ZERO_POLICIES:
            raise ValueError(f"unknown zero policy {zero_policy!r}")
        return cls(
            indicators=tuple(indicators),
            criteria=criteria,
            denominator_mode=denominator_mode,
            rounding_mode=rounding_mode,
            zero_policy=zero_policy,
            respondents_key=data.get("respondents_key", "survey.respondents"),
        )

    def indicator(self, code: str) -> IndicatorSpec:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def keys(self) -> set[str]:
        """Every input key the version reads."""
        keys = {self.respondents_key}
        for ind in self.indicators:
            keys.update(ind.count)
            keys.update(ind.count_optional)
            for part in ind.parts:
                keys.update(k for k in (part.num, part.den, part.gate) if k)
        return keys


@dataclass
class IndicatorValue:
    code: str
    value: Decimal | None
    n: int | None = None
    ci: tuple[Decimal, Decimal] | None = None  # in points
    parts: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class CriterionValue:
    code: str
    value: Decimal | None
    weights_used: dict[str, Decimal] = field(default_factory=dict)
    excluded: list[str] = field(default_factory=list)


@dataclass
class OrgScore:
    indicators: dict[str, IndicatorValue]
    criteria: dict[str, CriterionValue]
    total: Decimal | None


def _to_decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _policy_value(policy: str) -> Decimal | None:
    if policy == "zero":
        return ZERO
    if policy == "hundred":
        return ONE
    return None


def _part_share(spec: MethodologySpec, ind: IndicatorSpec, part: Part, inputs: Mapping[str, Decimal]) -> dict[str, Any]:
    """A share in [0, 1] (or None) with its numerator, denominator and notes."""
    out: dict[str, Any] = {"num_key": part.num, "label": part.label}
    num = _to_decimal(inputs.get(part.num))
    if ind.kind == "survey_share" and part.switchable and spec.denominator_mode == "total":
        den_key = spec.respondents_key
    else:
        den_key = part.den
        if (den_key not in inputs or inputs.get(den_key) is None) and part.gate and part.gate in inputs:
            den_key = part.gate
    den = _to_decimal(inputs.get(den_key)) if den_key else None
    out["den_key"] = den_key
    missing = [k for k, v in ((part.num, num), (den_key, den)) if v is None and k]
    if missing:
        out.update(share=None, missing=missing)
        return out
    num = max(ZERO, num)
    den = max(ZERO, den)
    out["num"], out["den"] = num, den
    if den == 0:
        policy = part.zero_policy or ind.zero_policy or spec.zero_policy
        out.update(share=_policy_value(policy), zero_denominator=policy)
        return out
    share = num / den
    if share > ONE:
        out["note"] = "numerator_exceeds_denominator"
    out["share"] = clamp(share, ZERO, ONE)
    return out


def score_indicator(spec: MethodologySpec, ind: IndicatorSpec, inputs: Mapping[str, Decimal]) -> IndicatorValue:
    if ind.kind == "count_points":
        missing = [k for k in ind.count if inputs.get(k) is None]
        if missing:
            return IndicatorValue(ind.code, None, missing=missing)
        count = sum((max(ZERO, _to_decimal(inputs[k])) for k in ind.count), ZERO)
        notes = []
        for key in ind.count_optional:
            if inputs.get(key) is None:
                notes.append(f"optional_missing:{key}")
            else:
                count += max(ZERO, _to_decimal(inputs[key]))
        value = clamp(count * ind.points_each, ZERO, ind.cap)
        value = min(value, HUNDRED)
        return IndicatorValue(ind.code, _step(spec, value), parts=[{"count": count}], notes=notes)

    parts = [_part_share(spec, ind, part, inputs) for part in ind.parts]
    missing = [k for p in parts for k in p.get("missing", [])]
    defined = [p for p in parts if p.get("share") is not None]
    notes = [p["note"] for p in parts if p.get("note")]
    if missing or not defined:
        if missing:
            return IndicatorValue(ind.code, None, parts=parts, missing=missing, notes=notes)
        return IndicatorValue(ind.code, None, parts=parts, notes=[*notes, "zero_denominator"])
    value = sum((p["share"] for p in defined), ZERO) / len(defined) * HUNDRED
    value = clamp(value, ZERO, HUNDRED)
    result = IndicatorValue(ind.code, _step(spec, value), parts=parts, notes=notes)
    if ind.kind == "survey_share":
        counted = [p for p in defined if p.get("den")]
        if counted:
            result.n = int(min(p["den"] for p in counted))
            bounds = [wilson(float(p["num"]), float(p["den"])) for p in counted]
            low = sum(b[0] for b in bounds) / len(bounds)
            high = sum(b[1] for b in bounds) / len(bounds)
            result.ci = (Decimal(str(round(low * 100, 4))), Decimal(str(round(high * 100, 4))))
        else:
            result.n = 0
    return result


def _step(spec: MethodologySpec, value: Decimal) -> Decimal:
    return quantize(value, 2) if spec.rounding_mode == "each_step" else value


def score_criterion(spec: MethodologySpec, crit: CriterionSpec, indicators: Mapping[str, IndicatorValue]):
    used: dict[str, Decimal] = {}
    excluded: list[str] = []
    for code, weight in crit.weights:
        iv = indicators.get(code)
        if iv is None or iv.value is None:
            excluded.append(code)
        else:
            used[code] = weight
    if not used:
        return CriterionValue(crit.code, None, {}, excluded)
    total_weight = sum(used.values(), ZERO)
    value = sum((indicators[c].value * w for c, w in used.items()), ZERO) / total_weight
    value = clamp(value, ZERO, HUNDRED)
    weights_used = {c: w / total_weight for c, w in used.items()} if excluded else dict(used)
    return CriterionValue(crit.code, _step(spec, value), weights_used, excluded)


def score(spec: MethodologySpec, inputs: Mapping[str, Any]) -> OrgScore:
    """All indicators, criteria and the total for one organization."""
    values = {k: _to_decimal(v) for k, v in inputs.items() if v is not None}
    indicators = {ind.code: score_indicator(spec, ind, values) for ind in spec.indicators}
    criteria = {crit.code: score_criterion(spec, crit, indicators) for crit in spec.criteria}
    if criteria and all(c.value is not None for c in criteria.values()):
        total = sum((c.value for c in criteria.values()), ZERO) / len(criteria)
        total = _step(spec, clamp(total, ZERO, HUNDRED))
    else:
        total = None
    return OrgScore(indicators, criteria, total)


def mean(values: Iterable[Decimal | None]) -> tuple[Decimal | None, int]:
    """Unweighted mean of the defined values and their count N (methodology §4)."""
    defined = [v for v in values if v is not None]
    if not defined:
        return None, 0
    return sum(defined, ZERO) / len(defined), len(defined)


def competition_ranks(values: Mapping[Any, Decimal], places: int = 2) -> dict[Any, int]:
    """Places by descending value; equal values at PLACES decimals share a place ("1, 2, 2, 4")."""
    rounded = {key: quantize(value, places) for key, value in values.items() if value is not None}
    ordered = sorted(rounded.items(), key=lambda item: item[1], reverse=True)
    ranks: dict[Any, int] = {}
    previous = None
    place = 0
    for index, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            place = index
            previous = value
        ranks[key] = place
    return ranks
