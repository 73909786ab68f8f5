"""Demo records of the work on the results: follow-up facts and decisions about heads for closed years.

For every closed cycle, the head of the first organization by the total is rewarded and the head of the last
one gets measures; the authority's follow-up record says when heads were informed and where results were
published. Deterministic (no randomness needed) and bulk-created.
"""

from __future__ import annotations

import datetime

from cycles.models import Phase
from reports.choices import HeadActionKind, HeadCategory
from reports.models import FollowUp, HeadAction
from scoring.choices import RatingGroup
from scoring.models import Rating


def populate(ctx) -> None:
    closed = [c for c in ctx.cycles.values() if c.phase == Phase.CLOSED]
    follow_ups = {}
    actions = []
    for cycle in sorted(closed, key=lambda c: (c.year, c.territory_id)):
        ratings = list(
            Rating.objects.filter(cycle=cycle, code="S", group=RatingGroup.CYCLE)
            .select_related("cycle_organization__organization")
            .order_by("position", "cycle_organization_id")
        )
        if len(ratings) < 2:
            continue
        decided = datetime.date(cycle.year + 1, 2, 10)
        for rating, category, kind, text in (
            (ratings[0], HeadCategory.LEADER, HeadActionKind.REWARD, "объявлена благодарность"),
            (ratings[-1], HeadCategory.WORST, HeadActionKind.MEASURES, "указано на недостатки, контроль плана"),
        ):
            org = rating.cycle_organization.organization
            actions.append(
                HeadAction(
                    cycle_organization=rating.cycle_organization,
                    category=category,
                    kind=kind,
                    head_name=org.head_name,
                    text=text,
                    document=f"приказ № {cycle.year - 2000}-{rating.cycle_organization_id} от {decided:%d.%m.%Y}",
                    decided_on=decided,
                )
            )
        territory = cycle.territory
        if (territory.pk, cycle.year) not in follow_ups:
            follow_ups[(territory.pk, cycle.year)] = FollowUp(
                territory=territory,
                year=cycle.year,
                informed_heads_on=datetime.date(cycle.year, 12, 5),
                informed_heads_how="совещание руководителей образовательных организаций",
                published_site_on=datetime.date(cycle.year, 11, 28),
                published_busgov_on=datetime.date(cycle.year, 12, 2),
                media_note="Информация об итогах размещена в районной газете и в социальных сетях органа.",
                addressee=(territory.parent.authority_name if territory.parent_id else "") or "",
                letter_number=f"01-15/{cycle.year - 2000}{territory.pk:03d}",
                letter_date=datetime.date(cycle.year + 1, 3, 1),
                signatory_position="Начальник управления образования" if territory.parent_id else "Министр",
                signatory_name="И.И. Иванов",
            )
    HeadAction.objects.bulk_create(actions, batch_size=1000)
    FollowUp.objects.bulk_create(follow_ups.values(), batch_size=1000)
