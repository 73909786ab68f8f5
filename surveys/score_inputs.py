"""What the survey gives scoring: Чобщ and, for every item code, the "Да" count and the answered count.

Counting follows methodology §5.3: only accepted questionnaires count; a blank answer counts in
neither numerator nor denominator; a satisfaction item behind a gate is only ever answered by
those who said "Да" on the gate (the intake drops or refuses anything else), so its answered
count is the gate-eligible denominator the indicator needs.

All the counting is one GROUP BY over the bit columns of ``Response``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Count, F, Sum

from cycles.models import CycleOrganization
from lib.score_inputs import SURVEY_ITEM_CODES, SURVEY_RESPONDENTS, InputValue, survey_answered, survey_yes
from surveys.models import Response

SOURCE = "surveys"


def counts(cycle) -> dict[int, dict[str, int]]:
    """{cycle_organization_id: {"n": …, "<code>.yes": …, "<code>.answered": …}} from accepted questionnaires."""
    aggregates = {"n": Count("id")}
    for index in range(len(SURVEY_ITEM_CODES)):
        aggregates[f"y{index}"] = Sum(F("yes_bits").bitrightshift(index).bitand(1))
        aggregates[f"a{index}"] = Sum(F("answered_bits").bitrightshift(index).bitand(1))
    rows = (
        Response.objects.filter(cycle_organization__cycle=cycle, status=Response.Status.ACCEPTED)
        .order_by()
        .values("cycle_organization_id")
        .annotate(**aggregates)
    )
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        entry = {"n": row["n"]}
        for index, code in enumerate(SURVEY_ITEM_CODES):
            entry[f"{code}.yes"] = int(row[f"y{index}"] or 0)
            entry[f"{code}.answered"] = int(row[f"a{index}"] or 0)
        result[row["cycle_organization_id"]] = entry
    return result


def provide(cycle) -> Iterator[InputValue]:
    """Every included organization of CYCLE gets all keys (zeros when nobody answered)."""
    found = counts(cycle)
    entries = CycleOrganization.objects.filter(cycle=cycle).included().values_list("pk", flat=True)
    for entry_id in entries:
        entry = found.get(entry_id, {})
        detail = {"accepted": entry.get("n", 0)}
        yield InputValue(entry_id, SURVEY_RESPONDENTS, Decimal(entry.get("n", 0)), SOURCE, detail)
        for code in SURVEY_ITEM_CODES:
            yield InputValue(entry_id, survey_yes(code), Decimal(entry.get(f"{code}.yes", 0)), SOURCE)
            yield InputValue(entry_id, survey_answered(code), Decimal(entry.get(f"{code}.answered", 0)), SOURCE)
