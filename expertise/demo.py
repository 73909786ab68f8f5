"""Demo checklists: every organization of the past cycles has a submitted checklist (with the right of
reply closed and a few disputes decided); the current cycles are in progress, except the current cycle of
the first municipality, whose checklists are all submitted and whose organizations may reply now (a few
disputes are open, one accepted, one rejected).

Deterministic from the seed: each organization gets a "quality" draw that sets how likely each kind of
condition is present (stands and comfort usually are, accessibility for the disabled often is not).
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from cycles.models import CycleOrganization, Phase
from expertise.choices import DisputeStatus, Mark, ResultStatus, Section, VisitMode
from expertise.models import ChecklistMark, ChecklistResult, Dispute, ExpertiseSettings
from expertise.services import get_checklist, working_days_deadline

# probability of "да" = base + spread · quality, per section
PRESENCE = {
    Section.STAND: (0.72, 0.26),
    Section.COMFORT: (0.62, 0.36),
    Section.PREMISES: (0.12, 0.55),
    Section.SERVICE: (0.18, 0.55),
}
NO_COMMENTS = {
    Section.STAND: [
        "Сведения на стенде устарели (редакция прошлого года).",
        "Информация отсутствует на стенде в холле первого этажа.",
        "Размещена не полностью: нет контактных телефонов.",
    ],
    Section.COMFORT: [
        "Зона ожидания без мебели, стулья не предусмотрены.",
        "Навигационные таблички есть только на первом этаже.",
        "Кулер с питьевой водой неисправен.",
        "Санузел для посетителей закрыт.",
    ],
    Section.PREMISES: [
        "Пандус у центрального входа не соответствует нормам (уклон больше допустимого).",
        "Стоянка для транспорта инвалидов не обозначена.",
        "Поручни только на первом этаже, дверные проёмы не расширены.",
        "Сменное кресло-коляска отсутствует.",
        "Санитарно-гигиеническое помещение не оборудовано поручнями.",
    ],
    Section.SERVICE: [
        "Табло бегущей строки отсутствует.",
        "Таблички Брайля отсутствуют.",
        "Договор с сурдопереводчиком не заключён.",
        "Приказ о сопровождении инвалидов есть, обучение работники не проходили.",
    ],
}
DISPUTE_TEXTS = {
    Section.STAND: [
        "Сведения размещены на стенде у входа во второй корпус, эксперт осматривал только главный вход.",
        "Стенд обновлён в день проверки, фото прилагаем.",
    ],
    Section.COMFORT: [
        "Кулер заменён в день проверки, прилагаем фотографию.",
        "Зона ожидания оборудована в холле второго этажа, фото прилагаем.",
    ],
    Section.PREMISES: [
        "Условие выполнено в рамках капитального ремонта в августе, акт приёмки прилагаем.",
        "Оборудование приобретено и находится у вахты, фото и накладная прилагаются.",
    ],
    Section.SERVICE: [
        "Заключён договор с региональным отделением ВОГ на услуги сурдопереводчика.",
        "Сотрудники прошли инструктаж по сопровождению инвалидов, прилагаем приказ и журнал.",
    ],
}


def populate(ctx) -> None:
    checklist = get_checklist("114-v1")
    items = list(checklist.items.all())
    operator = ctx.users.get("operator")
    rng = random.Random(ctx.seed + 501)  # noqa: S311 - deterministic demo data
    now = timezone.now()
    featured = None
    if ctx.municipalities:
        featured = next(
            (c for c in ctx.current_cycles if c.territory_id == ctx.municipalities[0].pk),
            None,
        )
    cycles = sorted(ctx.cycles.values(), key=lambda c: (c.year, c.territory_id))
    branches: dict[int, list] = {}
    for org in ctx.organizations:
        if org.parent_id:
            branches.setdefault(org.parent_id, []).append(org)

    results: list[ChecklistResult] = []
    plans: list[tuple[ChecklistResult, float]] = []
    settings_rows: list[ExpertiseSettings] = []
    for cycle in cycles:
        closed = cycle.phase == Phase.CLOSED
        entries = list(
            CycleOrganization.objects.filter(cycle=cycle, status=CycleOrganization.Status.INCLUDED)
            .select_related("organization")
            .order_by("pk")
        )
        if not entries:
            continue
        visit_start = datetime.date(cycle.year, 9, 15)
        if closed:
            opens = datetime.datetime(cycle.year, 11, 5, 9, 0, tzinfo=datetime.UTC)
            settings_rows.append(
                ExpertiseSettings(
                    cycle=cycle,
                    reply_opens_at=opens,
                    reply_closes_at=working_days_deadline(opens, 5, cycle.territory.timezone or "UTC"),
                    reply_working_days=5,
                )
            )
        elif cycle is featured:
            opens = now - datetime.timedelta(days=2)
            settings_rows.append(
                ExpertiseSettings(
                    cycle=cycle,
                    reply_opens_at=opens,
                    reply_closes_at=working_days_deadline(opens, 5, cycle.territory.timezone or "UTC"),
                    reply_working_days=5,
                )
            )
        for entry in entries:
            roll = rng.random()
            if closed or cycle is featured or roll < 0.6:
                status = ResultStatus.SUBMITTED
            elif roll < 0.8:
                status = ResultStatus.DRAFT
            else:
                continue
            quality = rng.random()
            mode = VisitMode.REMOTE if rng.random() < 0.08 else VisitMode.VISIT
            visited = visit_start + datetime.timedelta(days=rng.randint(0, 40))
            buildings = [None, *branches.get(entry.organization_id, [])]
            for building in buildings:
                result = ChecklistResult(
                    cycle_organization=entry,
                    building=building,
                    checklist=checklist,
                    mode=mode,
                    status=status,
                    visited_on=visited,
                    expert=operator,
                    submitted_at=(
                        datetime.datetime.combine(visited, datetime.time(15, 0), tzinfo=datetime.UTC)
                        if status == ResultStatus.SUBMITTED
                        else None
                    ),
                )
                results.append(result)
                plans.append((result, quality))
    ChecklistResult.objects.bulk_create(results, batch_size=1000)
    ExpertiseSettings.objects.bulk_create(settings_rows)

    marks: list[ChecklistMark] = []
    for result, quality in plans:
        org_type = result.cycle_organization.organization.org_type
        drafting = result.status == ResultStatus.DRAFT
        for item in items:
            if not item.applies_to(org_type):
                continue
            if drafting and rng.random() < 0.35:
                marks.append(ChecklistMark(result=result, item=item, updated_by=operator))
                continue
            base, spread = PRESENCE[Section(item.section)]
            if item.allows_na and rng.random() < 0.3:
                value, comment = Mark.NA, ""
            elif rng.random() < base + spread * quality:
                value, comment = Mark.YES, ""
            else:
                value = Mark.NO
                comment = rng.choice(NO_COMMENTS[Section(item.section)]) if rng.random() < 0.6 else ""
            marks.append(ChecklistMark(result=result, item=item, value=value, comment=comment, updated_by=operator))
    ChecklistMark.objects.bulk_create(marks, batch_size=2000)
    _disputes(ctx, rng, featured, operator)


def _disputes(ctx, rng: random.Random, featured, operator) -> None:
    """A few disputes: decided ones in past cycles, open and decided ones in the featured current cycle."""
    disputes: list[tuple[Dispute, datetime.datetime]] = []
    changed: list[ChecklistMark] = []
    targets = [(c, c is featured) for c in ctx.cycles.values() if c.phase == Phase.CLOSED or c is featured]
    for cycle, current in sorted(targets, key=lambda t: (t[0].year, t[0].territory_id)):
        candidates = list(
            ChecklistMark.objects.filter(
                result__cycle_organization__cycle=cycle, result__building__isnull=True, value=Mark.NO
            )
            .select_related("item", "result")
            .order_by("pk")
        )
        if not candidates:
            continue
        picked = rng.sample(candidates, min(len(candidates), 5 if current else 2))
        for index, mark in enumerate(picked):
            status = [DisputeStatus.ACCEPTED, DisputeStatus.REJECTED, DisputeStatus.OPEN][index % 3]
            if not current and status == DisputeStatus.OPEN:
                status = DisputeStatus.REJECTED
            settings = cycle.expertise_settings
            created = settings.reply_opens_at + datetime.timedelta(hours=20 + index * 5)
            dispute = Dispute(
                mark=mark,
                requested_value=Mark.YES,
                text=rng.choice(DISPUTE_TEXTS[Section(mark.item.section)]),
                status=status,
                value_before=Mark.NO,
            )
            if status != DisputeStatus.OPEN:
                dispute.decided_by = operator
                dispute.decided_at = created + datetime.timedelta(days=1)
                dispute.decision_reason = (
                    "Представленные материалы подтверждают наличие условия."
                    if status == DisputeStatus.ACCEPTED
                    else "Материалы не подтверждают наличие условия на дату посещения."
                )
            disputes.append((dispute, created))
            if status == DisputeStatus.ACCEPTED:
                mark.preliminary_value = mark.value
                mark.value = Mark.YES
                changed.append(mark)
    Dispute.objects.bulk_create([d for d, _c in disputes])
    for dispute, created in disputes:  # auto_now_add ignores a given value; set the realistic time
        Dispute.objects.filter(pk=dispute.pk).update(created_at=created)
    ChecklistMark.objects.bulk_update(changed, ["value", "preliminary_value"])
