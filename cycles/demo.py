"""Demo cycles: three years of history so that the three-year rule has something to work on.

Each municipality runs its own cycle; the region runs one for its colleges (СПО).
An organization is assessed in the year ``(index + seed) % 3`` of 2024–2026, so after
three years every active organization has been assessed exactly once. 2024 and 2025 are
closed; 2026 is in data collection. Before 2024 each organization has a ``PriorAssessment`` three years
earlier, so the planner sees a full history. Every cycle gets its phase calendar, an operator with
milestones; every territory gets planned target indicators and an activity plan from the template.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from cycles.activity import build_items
from cycles.models import (
    DEFAULT_PHASE_CALENDAR,
    PHASE_ACTORS,
    PHASE_ORDER,
    ActivityPlan,
    ActivityPlanItem,
    Cycle,
    CycleOrganization,
    CyclePhase,
    ItemStatus,
    OperatorBasis,
    OperatorEngagement,
    OperatorMilestone,
    Phase,
    PriorAssessment,
    TargetCode,
    TargetIndicatorPlan,
)
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
    assessable = [o for o in ctx.organizations if o.parent_id is None and o.status != OrgStatus.LIQUIDATED]
    for index, org in enumerate(assessable):
        year = YEARS[(index + ctx.seed) % 3]
        territory_id = ctx.region.pk if org.org_type == OrgType.SPO else org.territory_id
        entries.append(CycleOrganization(cycle=cycles[(territory_id, year)], organization=org))
    CycleOrganization.objects.bulk_create(entries, batch_size=1000)
    ctx.cycles = cycles
    ctx.current_cycles = [c for (_t, y), c in cycles.items() if y == CURRENT_YEAR]
    _history_before_the_system(ctx, assessable)
    _phases(cycles)
    _operators(ctx, cycles)
    _targets(ctx)
    _activity_plans(ctx)


def _history_before_the_system(ctx, assessable) -> None:
    """Each organization was also assessed three years before its first cycle in the system."""
    prior = [
        PriorAssessment(
            organization=org,
            year=YEARS[(index + ctx.seed) % 3] - 3,
            source="сведения органа управления образованием (до ввода системы)",
        )
        for index, org in enumerate(assessable)
    ]
    PriorAssessment.objects.bulk_create(prior, batch_size=1000)


def _phases(cycles) -> None:
    rows = []
    for cycle in cycles.values():
        for phase, m1, d1, m2, d2 in DEFAULT_PHASE_CALENDAR:
            start = datetime.date(cycle.year, m1, d1)
            end = datetime.date(cycle.year + 1 if phase == Phase.CONTROL else cycle.year, m2, d2)
            done = cycle.phase == Phase.CLOSED or PHASE_ORDER.index(phase) < PHASE_ORDER.index(cycle.phase)
            current = phase == cycle.phase
            rows.append(
                CyclePhase(
                    cycle=cycle,
                    phase=phase,
                    order=PHASE_ORDER.index(phase),
                    planned_start=start,
                    planned_end=end,
                    started_on=start if done or current else None,
                    completed_on=end if done else None,
                    responsible=str(PHASE_ACTORS[phase]),
                )
            )
    CyclePhase.objects.bulk_create(rows)


OPERATOR_NAMES = [
    ("АНО «Центр социологических исследований»", "2536000011"),
    ("ООО «Институт независимой оценки»", "2540000025"),
    ("ГАУ ДПО «Институт развития образования»", "2538000030"),
]


def _operators(ctx, cycles) -> None:
    rng = random.Random(ctx.seed + 61)  # noqa: S311 - demo data
    engagements = []
    for (territory_id, year), cycle in cycles.items():
        name, inn = OPERATOR_NAMES[rng.randrange(len(OPERATOR_NAMES))]
        basis = OperatorBasis.ASSIGNMENT if name.startswith("ГАУ") else OperatorBasis.CONTRACT
        closed = cycle.phase == Phase.CLOSED
        engagements.append(
            OperatorEngagement(
                cycle=cycle,
                name=name,
                inn=inn,
                basis=basis,
                contract_number=f"{year}-{territory_id:03d}/НОК" if basis == OperatorBasis.CONTRACT else f"ГЗ-{year}",
                contract_date=datetime.date(year, 3, rng.randint(10, 28)),
                procurement_number=f"0{rng.randint(10**17, 10**18 - 1)}" if basis == OperatorBasis.CONTRACT else "",
                amount=Decimal(rng.randint(180, 900) * 1000) if basis == OperatorBasis.CONTRACT else None,
                terms_of_reference=(
                    "Сбор, обобщение и анализ информации о качестве условий осуществления образовательной "
                    "деятельности организациями по перечню, утверждённому общественным советом: анализ "
                    "официальных сайтов и стендов, анкетирование получателей услуг, посещение организаций, "
                    "отчёт по показателям приказа Минпросвещения № 114."
                ),
                tor_approved_on=datetime.date(year, 2, 20),
                report_due=datetime.date(year, 10, 15),
                report_received_on=datetime.date(year, 10, 10) if closed else None,
                accepted_on=datetime.date(year, 10, 20) if closed else None,
            )
        )
    OperatorEngagement.objects.bulk_create(engagements)
    milestones = []
    for engagement in engagements:
        year = engagement.cycle.year
        closed = engagement.cycle.phase == Phase.CLOSED
        for title, due in [
            ("Анализ официальных сайтов и информационных стендов", datetime.date(year, 5, 31)),
            ("Анкетирование получателей услуг", datetime.date(year, 6, 30)),
            ("Посещение организаций (комфортность, доступность)", datetime.date(year, 6, 30)),
            ("Отчёт организации-оператора", datetime.date(year, 10, 15)),
        ]:
            done = closed or (year == CURRENT_YEAR and due.month <= 5)
            milestones.append(
                OperatorMilestone(engagement=engagement, title=title, due_date=due, done_on=due if done else None)
            )
    OperatorMilestone.objects.bulk_create(milestones)


def _targets(ctx) -> None:
    """Planned values of table I: a third of the organizations a year, questionnaire on every site."""
    rows = []
    for territory in [ctx.region, *ctx.municipalities]:
        total = sum(
            1
            for o in ctx.organizations
            if o.parent_id is None
            and o.status != OrgStatus.LIQUIDATED
            and (territory.parent_id is None or o.territory_id == territory.pk)
        )
        for year in YEARS:
            third = -(-total // 3)
            rows += [
                TargetIndicatorPlan(
                    territory=territory,
                    year=year,
                    code=TargetCode.ASSESSED,
                    planned_count=third,
                    planned_share=round(Decimal(third * 100) / total, 1) if total else None,
                ),
                TargetIndicatorPlan(
                    territory=territory,
                    year=year,
                    code=TargetCode.SITE_QUESTIONNAIRE,
                    planned_count=total,
                    planned_share=Decimal(100),
                ),
                TargetIndicatorPlan(territory=territory, year=year, code=TargetCode.COUNCIL_MEETINGS, planned_count=4),
            ]
    TargetIndicatorPlan.objects.bulk_create(rows)


# Items whose deadline ends before this day are done in the demo; a few are left open to show overdue ones.
DEMO_TODAY = datetime.date(CURRENT_YEAR, 5, 15)


def _activity_plans(ctx) -> None:
    rng = random.Random(ctx.seed + 67)  # noqa: S311 - demo data
    items = []
    for territory in [ctx.region, *ctx.municipalities]:
        plan = ActivityPlan.objects.create(
            territory=territory,
            year_from=YEARS[0],
            year_to=YEARS[-1],
            title=f"План мероприятий по организации и проведению НОКО на {YEARS[0]}–{YEARS[-1]} годы: {territory.name}",
        )
        for item in build_items(plan):
            due = item.due_date
            if due is not None and due < DEMO_TODAY:
                if rng.random() < 0.93:
                    item.status = ItemStatus.DONE
                    item.done_on = due - datetime.timedelta(days=rng.randint(0, 20))
                    item.evidence = "Протокол заседания совета / приказ размещены на сайте органа управления"
            elif due is not None and due.year == CURRENT_YEAR:
                item.status = ItemStatus.IN_PROGRESS
            items.append(item)
    ActivityPlanItem.objects.bulk_create(items, batch_size=1000)
