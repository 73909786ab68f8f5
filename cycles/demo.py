"""Demo cycles: three years of history so that the three-year rule has something to work on.

Each municipality runs its own cycle; the region runs one for its colleges (СПО).
An organization is assessed in the year ``(index + seed) % 3`` of 2024–2026, so after
three years every active organization has been assessed exactly once. 2024 and 2025 are
closed; 2026 is in data collection.
"""

from __future__ import annotations

from cycles.models import Cycle, CycleOrganization, Phase
from registry.choices import OrgStatus, OrgType

YEARS = (2024, 2025, 2026)
CURRENT_YEAR = 2026


def populate(ctx) -> None:
    cycles: dict[tuple[int, int], Cycle] = {}
    for territory in [ctx.region, *ctx.municipalities]:
        for year in YEARS:
            phase = Phase.COLLECTION if year == CURRENT_YEAR else Phase.CLOSED
            cycles[(territory.pk, year)] = Cycle.objects.create(
                territory=territory,
                year=year,
                title=f"НОКО {year}: {territory.name}",
                phase=phase,
                list_frozen=True,
            )
    entries = []
    assessable = [
        o for o in ctx.organizations if o.parent_id is None and o.status != OrgStatus.LIQUIDATED
    ]
    for index, org in enumerate(assessable):
        year = YEARS[(index + ctx.seed) % 3]
        territory_id = ctx.region.pk if org.org_type == OrgType.SPO else org.territory_id
        entries.append(CycleOrganization(cycle=cycles[(territory_id, year)], organization=org))
    CycleOrganization.objects.bulk_create(entries, batch_size=1000)
    ctx.cycles = cycles
    ctx.current_cycles = [c for (_t, y), c in cycles.items() if y == CURRENT_YEAR]
