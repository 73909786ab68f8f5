"""Demo plans: for every closed cycle, plans seeded from its shortcomings and carried through the workflow.

2024 cycles (plans for 2025): approved, nearly all published, most measures done, a few overdue.
2025 cycles (plans for 2026): most approved and published, the rest submitted, returned or still drafts
(the completeness control shows them), progress partly reported. Exceptions follow the organization's
status (reorganisation, closure) or the absence of shortcomings. Current cycles get drafts only once they
reach final results. Deterministic (``random.Random(ctx.seed + k)``) and bulk-written.
"""

from __future__ import annotations

import datetime
import random

from django.db import connection, transaction

from audit.services import log_action
from cycles.models import Phase
from demo import names
from plans import hints
from plans.choices import ItemStatus, PlanStatus, ReviewAction
from plans.models import Plan, PlanEvent, PlanEvidence, PlanItem
from plans.services import default_approver_position, may_seed, seed_plans


def populate(ctx) -> None:
    cycles = sorted(ctx.cycles.values(), key=lambda c: (c.year, c.territory_id))
    approvers: dict[int, str] = {}
    for index, cycle in enumerate(cycles):
        if not may_seed(cycle) or not cycle.entries.exists():
            continue
        rng = random.Random(ctx.seed + 7001 + index)  # noqa: S311 - demo data
        seed_plans(cycle)
        if cycle.phase == Phase.CLOSED:
            _carry_through(
                cycle, rng, approvers, latest=cycle.year == max(c.year for c in cycles if c.phase == Phase.CLOSED)
            )


def _approver(rng: random.Random, approvers: dict[int, str], territory_id: int) -> str:
    if territory_id not in approvers:
        full, _gender = names.person(rng)
        last, first, middle = ([*full.split(" "), "", ""])[:3]
        approvers[territory_id] = f"{first[:1]}.{middle[:1]}. {last}".strip()
    return approvers[territory_id]


def _carry_through(cycle, rng: random.Random, approvers: dict[int, str], *, latest: bool) -> None:
    plans = list(
        Plan.objects.filter(cycle=cycle).select_related("cycle__territory", "cycle_organization__organization")
    )
    approver = _approver(rng, approvers, cycle.territory_id)
    plan_year = cycle.year + 1
    events: list[PlanEvent] = []
    items_to_update: list[PlanItem] = []
    evidence: list[PlanEvidence] = []
    items_by_plan: dict[int, list[PlanItem]] = {}
    for item in PlanItem.objects.filter(plan__cycle=cycle).order_by("plan_id", "criterion_code", "order"):
        items_by_plan.setdefault(item.plan_id, []).append(item)

    for plan in plans:
        roll = rng.random()
        if latest:
            status = (
                PlanStatus.APPROVED
                if roll < 0.84
                else PlanStatus.SUBMITTED
                if roll < 0.90
                else PlanStatus.RETURNED
                if roll < 0.94
                else PlanStatus.DRAFT
            )
        else:
            status = PlanStatus.APPROVED if roll < 0.97 else PlanStatus.DRAFT
        if plan.exception_reason:
            status = PlanStatus.APPROVED if status != PlanStatus.DRAFT else PlanStatus.DRAFT
        submitted = datetime.datetime(plan_year, 2, rng.randint(1, 25), 10, tzinfo=datetime.UTC)
        approved_on = datetime.date(plan_year, 3, rng.randint(2, 28))
        filled = status != PlanStatus.DRAFT or rng.random() < 0.5
        for item in items_by_plan.get(plan.pk, []):
            hint = hints.for_indicator(item.indicator_code)
            if filled:
                item.measure = hint.get("measure", "Устранить выявленный недостаток")
                item.planned_result = hint.get("result", "")
                month = rng.choice([3, 4, 5, 6, 8, 9, 10, 12])
                item.deadline = datetime.date(plan_year, month, 28 if month != 12 else 25)
            if status == PlanStatus.APPROVED:
                _progress(item, rng, hint, latest=latest, plan=plan, evidence=evidence)
            items_to_update.append(item)
        plan.status = status
        if status != PlanStatus.DRAFT:
            plan.submitted_at = submitted
            events.append(PlanEvent(plan=plan, action=ReviewAction.SUBMITTED, user_name="демонстрация", at=submitted))
        if status == PlanStatus.RETURNED:
            plan.return_comment = "Уточните сроки мероприятий раздела III и укажите должности ответственных."
            events.append(
                PlanEvent(
                    plan=plan,
                    action=ReviewAction.RETURNED,
                    user_name=approver,
                    comment=plan.return_comment,
                    at=submitted + datetime.timedelta(days=5),
                )
            )
        if status == PlanStatus.APPROVED:
            plan.approver_name = approver
            plan.approver_position = default_approver_position(plan)
            plan.approved_on = approved_on
            plan.approved_at = datetime.datetime.combine(approved_on, datetime.time(12), tzinfo=datetime.UTC)
            plan.published = rng.random() < (0.95 if not latest else 0.85)
            if plan.published:
                plan.published_at = plan.approved_at + datetime.timedelta(days=rng.randint(1, 6))
                busgov = plan.cycle_organization.organization.busgov_id
                plan.published_url = f"https://bus.gov.ru/info-card/{busgov}" if busgov else ""
            if not plan.exception_reason and rng.random() < 0.8:
                plan.last_report_at = plan.approved_at + datetime.timedelta(days=rng.randint(60, 180))
            events.append(
                PlanEvent(
                    plan=plan,
                    action=ReviewAction.EXCEPTION if plan.exception_reason else ReviewAction.APPROVED,
                    user_name=approver,
                    comment=plan.exception_note if plan.exception_reason else "",
                    at=plan.approved_at,
                )
            )
    with transaction.atomic():
        _bulk_set(
            Plan,
            plans,
            [
                "status",
                "submitted_at",
                "return_comment",
                "approver_name",
                "approver_position",
                "approved_on",
                "approved_at",
                "published",
                "published_at",
                "published_url",
                "last_report_at",
            ],
        )
        _bulk_set(
            PlanItem,
            items_to_update,
            ["measure", "planned_result", "deadline", "status", "actual_measures", "actual_date"],
        )
        PlanEvent.objects.bulk_create(events, batch_size=1000)
        PlanEvidence.objects.bulk_create(evidence, batch_size=1000)
        log_action(
            None,
            "plans.plan.approved",
            cycle,
            territory=cycle.territory,
            data={
                "demo": True,
                "approved": sum(1 for p in plans if p.status == PlanStatus.APPROVED),
                "plans": len(plans),
            },
        )


def _progress(item: PlanItem, rng: random.Random, hint: dict, *, latest: bool, plan: Plan, evidence: list) -> None:
    if plan.exception_reason or item.deadline is None:
        return
    done_share = 0.7 if latest else 0.9
    roll = rng.random()
    if roll < done_share:
        item.status = ItemStatus.DONE
        item.actual_measures = hint.get("done", "Мероприятие выполнено")
        item.actual_date = item.deadline - datetime.timedelta(days=rng.randint(0, 40))
        site = plan.cycle_organization.organization.website
        if site and rng.random() < 0.5:
            evidence.append(PlanEvidence(item=item, url=f"{site.rstrip('/')}/sveden/", note="страница на сайте"))
    elif roll < done_share + 0.25:
        item.status = ItemStatus.IN_PROGRESS
        item.actual_measures = "Работа ведётся"
    else:
        item.status = ItemStatus.PLANNED


def _bulk_set(model, objects, fields: list[str]) -> None:
    """UPDATE … WHERE id = %s for many rows with executemany (bulk_update's CASE chains are slow here)."""
    if not objects:
        return
    concrete = [model._meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(field.column)} = %s" for field in concrete)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {assignments} WHERE {qn(model._meta.pk.column)} = %s"  # noqa: S608 - names from the model
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in concrete] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
