"""Demo scores: inputs for every organization of every demo cycle, then results.

What the collecting apps' demos already provide is gathered first; every key still missing for an
organization is generated here (source «demo») from a per-organization quality level, so the numbers
look like published НОКО results (high survey shares, a low К3, a few small samples). Every cycle is
then computed at once (``compute_cycles``); closed cycles are approved as final, the current ones stay
preliminary.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal

from django.db import transaction

from audit.services import log_action
from cycles.models import Phase
from lib import score_inputs as K
from scoring import importers
from scoring.choices import InputSource, ResultStatus
from scoring.models import ScoreInput
from scoring.services import (
    _items_by_group,
    _write_inputs,
    compute_cycles,
    finalize_cycle,
    gather_many,
    methodology_for,
)

# probability that a respondent says «Да», before the organization's own quality shifts it
SURVEY_BASE = {
    "info_stand_used": 0.62,
    "info_stand_satisfied": 0.93,
    "info_site_used": 0.74,
    "info_site_satisfied": 0.92,
    "comfort_satisfied": 0.88,
    "disability": 0.035,
    "accessibility_satisfied": 0.80,
    "first_contact_polite": 0.95,
    "service_staff_polite": 0.96,
    "remote_used": 0.45,
    "remote_polite": 0.95,
    "recommend": 0.90,
    "org_conditions_satisfied": 0.91,
    "overall_satisfied": 0.92,
}
GATED = importers.GATES
# probability that a checklist item / condition is present, before the quality shift
ITEM_BASE = {"stand": 0.9, "site": 0.88, "remote": 0.72, "comfort": 0.9, "premises": 0.45, "service": 0.5}


def _binomial(rng: random.Random, n: int, p: float) -> int:
    if n <= 0:
        return 0
    if n < 40:
        return sum(1 for _ in range(n) if rng.random() < p)
    value = round(n * p + math.sqrt(n * p * (1 - p)) * rng.gauss(0, 1))
    return max(0, min(n, value))


def organization_inputs(rng: random.Random, entry_id: int, contingent: int, items_by_group) -> list[tuple]:
    """All keys of lib.score_inputs for one organization: (entry id, key, value, source, detail)."""
    quality = min(1.0, max(0.0, rng.betavariate(5, 2)))  # mostly good, a long tail of weak ones
    shift = (quality - 0.7) * 0.25
    rows: list[tuple] = []

    for group, (_label, required_key, present_key, _ind) in importers.CHECKLIST_GROUPS.items():
        items = items_by_group[group]
        p = min(0.99, max(0.05, ITEM_BASE[group] + shift * 1.5))
        missing = []
        present = 0
        for code, item in items.items():
            if group == "service" and code == importers.BVI_ITEM:
                continue
            if group == "remote" and code == "other_remote":
                continue
            ok = rng.random() < (0.98 if group == "remote" and code in ("phone", "email") else p)
            if ok:
                present += 1
            else:
                missing.append(dict(item))
        if required_key:
            rows.append((entry_id, required_key, Decimal(len(items)), InputSource.DEMO, {}))
        rows.append((entry_id, present_key, Decimal(present), InputSource.DEMO, {"missing": missing}))
    bvi = items_by_group["service"].get(importers.BVI_ITEM)
    has_bvi = rng.random() < min(0.98, 0.7 + shift)
    rows.append(
        (
            entry_id,
            K.SITE_BVI,
            Decimal(int(has_bvi)),
            InputSource.DEMO,
            {"missing": [] if has_bvi or not bvi else [dict(bvi)]},
        )
    )
    rows.append((entry_id, K.SITE_HAS_QUESTIONNAIRE, Decimal(int(rng.random() < 0.8)), InputSource.DEMO, {}))

    target = min(600, math.ceil(0.4 * max(contingent, 10)))
    respondents = max(4, int(target * rng.uniform(0.35, 1.05)))
    counts: dict[str, tuple[int, int]] = {}
    for code in K.SURVEY_ITEM_CODES:
        base = SURVEY_BASE[code]
        p = base if code in ("disability", "info_stand_used", "info_site_used", "remote_used") else base + shift
        p = min(0.995, max(0.3 if code != "disability" else 0.0, p))
        if code in GATED:
            eligible = counts[GATED[code]][0]
            answered = eligible
        else:
            answered = respondents - _binomial(rng, respondents, 0.01)
        counts[code] = (_binomial(rng, answered, p), answered)
    rows.append((entry_id, K.SURVEY_RESPONDENTS, Decimal(respondents), InputSource.DEMO, {}))
    for code, (yes, answered) in counts.items():
        rows.append((entry_id, K.survey_yes(code), Decimal(yes), InputSource.DEMO, {}))
        rows.append((entry_id, K.survey_answered(code), Decimal(answered), InputSource.DEMO, {}))
    return rows


def fill_missing_inputs(cycle, rng: random.Random) -> int:
    """Generate every key an included organization of CYCLE still lacks; returns rows written."""
    methodology = methodology_for(cycle)
    items_by_group = _items_by_group(methodology)
    have: dict[int, set[str]] = {}
    for entry_id, key in ScoreInput.objects.filter(cycle=cycle).values_list("cycle_organization_id", "key"):
        have.setdefault(entry_id, set()).add(key)
    rows = []
    for entry_id, contingent in cycle.entries.included().order_by("pk").values_list("pk", "organization__contingent"):
        generated = organization_inputs(rng, entry_id, contingent or 0, items_by_group)
        existing = have.get(entry_id, set())
        rows += [row for row in generated if row[1] not in existing]
    if not rows:
        return 0
    with transaction.atomic():
        write = _write_inputs(None, cycle, rows)
        log_action(
            None,
            "scoring.input.generated",
            cycle,
            territory=cycle.territory,
            data={"created": write.created, "organizations": len({r[0] for r in rows})},
        )
    return len(rows)


def populate(ctx) -> None:
    ordered = sorted(ctx.cycles.values(), key=lambda c: (c.year, c.territory_id))
    numbered = [(index, cycle) for index, cycle in enumerate(ordered) if cycle.entries.exists()]
    cycles = [cycle for _index, cycle in numbered]
    gather_many(None, cycles)
    for index, cycle in numbered:  # each cycle keeps the random stream of its place among all the cycles
        fill_missing_inputs(cycle, random.Random(ctx.seed * 1009 + 17 + index))  # noqa: S311 - demo data
    compute_cycles(cycles, None, gather=False, status=ResultStatus.PRELIMINARY)
    for cycle in cycles:
        if cycle.phase == Phase.CLOSED or cycle.phase_reached(Phase.FINAL):
            finalize_cycle(None, cycle)
