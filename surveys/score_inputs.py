"""What the survey gives scoring: Чобщ and, for every item code, the "Да" count and the answered count.

Counting follows methodology §5.3: only accepted questionnaires count; a blank answer counts in
neither numerator nor denominator; a satisfaction item behind a gate is only ever answered by
those who said "Да" on the gate (the intake drops or refuses anything else), so its answered
count is the gate-eligible denominator the indicator needs.

All the counting is one GROUP BY over the bit columns of ``Response`` with a conditional COUNT per
bit (``COUNT(*) FILTER (WHERE yes_bits & 2^i > 0)``), for one cycle (``provide``) or for many at once
(``provide_many``: a whole region's million answers in one scan).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import Count, F, Q
from django.db.models.lookups import GreaterThan

from cycles.models import CycleOrganization
from lib.score_inputs import SURVEY_ITEM_CODES, SURVEY_RESPONDENTS, InputValue, survey_answered, survey_yes
from surveys.models import Response

SOURCE = "surveys"


def _bit_set(column: str, index: int):
    return GreaterThan(F(column).bitand(1 << index), 0)


def counts_many(cycles: Iterable) -> dict[int, dict[str, int]]:
    """{cycle_organization_id: {"n": …, "<code>.yes": …, "<code>.answered": …}} from accepted questionnaires
    of every organization of CYCLES."""
    cycle_ids = [getattr(c, "pk", c) for c in cycles]
    # every column read is in the index (cycle organization, status) INCLUDE (yes_bits, answered_bits), so
    # PostgreSQL counts from the index alone; the rows are counted by their (never null) organization
    counted = "cycle_organization_id"
    aggregates = {"n": Count(counted)}
    for index in range(len(SURVEY_ITEM_CODES)):
        aggregates[f"y{index}"] = Count(counted, filter=Q(_bit_set("yes_bits", index)))
        aggregates[f"a{index}"] = Count(counted, filter=Q(_bit_set("answered_bits", index)))
    rows = (
        Response.objects.filter(cycle_organization__cycle_id__in=cycle_ids, status=Response.Status.ACCEPTED)
        .order_by()
        .values_list("cycle_organization_id")
        .annotate(**aggregates)
    )
    result: dict[int, dict[str, int]] = {}
    names = [(f"{code}.yes", f"{code}.answered") for code in SURVEY_ITEM_CODES]
    for entry_id, n, *bits in rows:
        entry = {"n": n}
        for index, (yes, answered) in enumerate(names):
            entry[yes] = bits[2 * index]
            entry[answered] = bits[2 * index + 1]
        result[entry_id] = entry
    return result


def counts(cycle) -> dict[int, dict[str, int]]:
    return counts_many([cycle])


def provide_many(cycles: Iterable) -> Iterator[InputValue]:
    """Every included organization of every cycle gets all keys (zeros when nobody answered)."""
    cycle_ids = [getattr(c, "pk", c) for c in cycles]
    found = counts_many(cycle_ids)
    entries = (
        CycleOrganization.objects.filter(cycle_id__in=cycle_ids).included().order_by("pk").values_list("pk", flat=True)
    )
    keys = [  # (input key, name in the counts), in the order of the items
        pair
        for code in SURVEY_ITEM_CODES
        for pair in ((survey_yes(code), f"{code}.yes"), (survey_answered(code), f"{code}.answered"))
    ]
    decimals: dict[int, Decimal] = {}  # counts repeat: one Decimal per distinct count
    empty: dict[str, int] = {}
    for entry_id in entries:
        entry = found.get(entry_id, empty)
        accepted = entry.get("n", 0)
        yield InputValue(entry_id, SURVEY_RESPONDENTS, Decimal(accepted), SOURCE, {"accepted": accepted})
        for key, name in keys:
            count = entry.get(name, 0)
            value = decimals.get(count)
            if value is None:
                value = decimals[count] = Decimal(count)
            yield InputValue(entry_id, key, value, SOURCE)


def provide(cycle) -> Iterator[InputValue]:
    """Every included organization of CYCLE gets all keys (zeros when nobody answered)."""
    return provide_many([cycle])
