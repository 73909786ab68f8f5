"""Writes to cycles. Views, API, commands, the demo and other apps' tests call these."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Role
from accounts.scopes import scope_for
from audit.services import log_action, snapshot
from cycles.models import (
    DEFAULT_PHASE_CALENDAR,
    PHASE_ACTORS,
    PHASE_ORDER,
    ActivityPlan,
    ActivityPlanItem,
    Cycle,
    CycleOrganization,
    CyclePhase,
    DeadlineKind,
    ItemStatus,
    OperatorEngagement,
    OperatorMilestone,
    Phase,
    PriorAssessment,
    TargetIndicatorPlan,
)
from registry.models import Organization, Territory


def _check_manager(user, territory: Territory) -> None:
    scope = scope_for(user)
    if scope.sees_everything:
        return
    if territory.pk not in scope.territories_for(Role.REGIONAL, Role.MUNICIPAL):
        raise PermissionDenied("cycles of this territory are managed by its education authority")


def create_cycle(user, territory: Territory, year: int, title: str = "", **versions: str) -> Cycle:
    _check_manager(user, territory)
    cycle = Cycle(territory=territory, year=year, title=title or f"НОКО {year}: {territory.name}", **versions)
    cycle.full_clean()
    with transaction.atomic():
        cycle.save()
        log_action(user, "cycles.cycle.created", cycle, territory=territory, after=snapshot(cycle))
    return cycle


def add_organizations(
    user, cycle: Cycle, organizations: Iterable[Organization], reason: str = ""
) -> list[CycleOrganization]:
    """Put organizations on the cycle's list (idempotent). Refused once the list is frozen."""
    _check_manager(user, cycle.territory)
    if cycle.list_frozen:
        raise ValidationError("Список организаций цикла утверждён; изменения вносятся через решение совета.")
    territory_ids = set(cycle.territory.subtree_ids())
    created: list[CycleOrganization] = []
    with transaction.atomic():
        existing = set(cycle.entries.values_list("organization_id", flat=True))
        for org in organizations:
            if org.territory_id not in territory_ids:
                raise ValidationError(f"{org}: организация не относится к территории цикла")
            if org.pk in existing:
                continue
            entry = CycleOrganization.objects.create(cycle=cycle, organization=org, reason=reason)
            existing.add(org.pk)
            created.append(entry)
        if created:
            log_action(
                user,
                "cycles.list.added",
                cycle,
                territory=cycle.territory,
                data={"organizations": [e.organization_id for e in created], "reason": reason},
            )
    return created


def set_phase(user, cycle: Cycle, phase: str, today=None) -> Cycle:
    _check_manager(user, cycle.territory)
    today = today or datetime.date.today()
    with transaction.atomic():
        before = cycle.phase
        Cycle.objects.filter(pk=cycle.pk).update(phase=phase)
        cycle.phase = phase
        _mark_phase_dates(cycle, before, phase, today)
        log_action(
            user,
            "cycles.cycle.phase",
            cycle,
            territory=cycle.territory,
            before={"phase": before},
            after={"phase": phase},
        )
    return cycle


# --- the list of organizations: planner, approval, changes after approval -------------------------------


class ListRuleError(ValidationError):
    """The list breaks the three-year rule; carries the planner's check."""

    def __init__(self, messages: list[str], check) -> None:
        super().__init__(messages)
        self.check = check


def may_manage(user, territory: Territory) -> bool:
    try:
        _check_manager(user, territory)
    except PermissionDenied:
        return False
    return True


def _violation_messages(cycle: Cycle, check) -> list[str]:
    from cycles.planner import VIOLATION_TEXT

    names = dict(
        Organization.objects.filter(pk__in=[v.organization_id for v in check.violations]).values_list(
            "pk", "short_name"
        )
    )
    return [
        f"{names.get(v.organization_id, v.organization_id)}: {VIOLATION_TEXT.get(v.code, v.code)}"
        for v in check.violations
    ]


def set_list(user, cycle: Cycle, organization_ids: Iterable[int], override_reason: str = "") -> Cycle:
    """Make the cycle's list exactly ORGANIZATION_IDS (before approval).

    A list that breaks the rule (an organization already assessed this year, a liquidated one) is refused
    unless OVERRIDE_REASON says why; the override, the breaches and the coverage gaps go to the audit log.
    Removed organizations stay on the list as «исключена» so that nothing bound to them is lost.
    """
    from cycles.planner import check_selection

    _check_manager(user, cycle.territory)
    if cycle.list_frozen:
        raise ValidationError("Список организаций цикла утверждён; изменения вносятся через решение совета.")
    wanted = list(dict.fromkeys(int(i) for i in organization_ids))
    check = check_selection(cycle, wanted)
    override_reason = (override_reason or "").strip()
    unknown = [v for v in check.violations if v.code == "unknown"]
    if unknown:
        raise ListRuleError(_violation_messages(cycle, check), check)
    if check.violations and not override_reason:
        raise ListRuleError(_violation_messages(cycle, check), check)
    with transaction.atomic():
        entries = {e.organization_id: e for e in cycle.entries.all()}
        before = sorted(oid for oid, e in entries.items() if e.status == CycleOrganization.Status.INCLUDED)
        wanted_set = set(wanted)
        new = [
            CycleOrganization(cycle=cycle, organization_id=oid, reason=override_reason)
            for oid in wanted
            if oid not in entries
        ]
        CycleOrganization.objects.bulk_create(new)
        back = [oid for oid in wanted if oid in entries and entries[oid].status != CycleOrganization.Status.INCLUDED]
        cycle.entries.filter(organization_id__in=back).update(status=CycleOrganization.Status.INCLUDED)
        dropped = [oid for oid in before if oid not in wanted_set]
        cycle.entries.filter(organization_id__in=dropped).update(status=CycleOrganization.Status.EXCLUDED)
        log_action(
            user,
            "cycles.list.set",
            cycle,
            territory=cycle.territory,
            before={"organizations": before},
            after={"organizations": sorted(wanted_set)},
            data={
                "override_reason": override_reason,
                "violations": [[v.organization_id, v.code] for v in check.violations],
                "gaps": check.gaps,
            },
        )
    return cycle


def approve_list(user, cycle: Cycle, decision) -> Cycle:
    """Freeze the list by an adopted council decision of the cycle's territory (called by ``council``)."""
    if not getattr(decision, "adopted", False):
        raise ValidationError("Список утверждается только принятым решением общественного совета.")
    if decision.meeting.council.territory_id != cycle.territory_id:
        raise ValidationError("Решение принято советом другой территории.")
    if cycle.list_frozen:
        raise ValidationError("Список организаций цикла уже утверждён.")
    if not cycle.entries.included().exists():
        raise ValidationError("Список организаций цикла пуст.")
    with transaction.atomic():
        Cycle.objects.filter(pk=cycle.pk).update(list_frozen=True)
        cycle.list_frozen = True
        log_action(
            user,
            "cycles.list.approved",
            cycle,
            territory=cycle.territory,
            before={"list_frozen": False},
            after={"list_frozen": True},
            data={"decision": decision.pk, "organizations": current_list(cycle)},
        )
    return cycle


def current_list(cycle: Cycle) -> list[int]:
    return sorted(cycle.entries.included().values_list("organization_id", flat=True))


def change_frozen_list(
    user, cycle: Cycle, *, add: Iterable[Organization] = (), exclude: Iterable[Organization] = (), reason: str
) -> Cycle:
    """Change an approved list (an organization closes, a new one opens): needs a reason, always audited."""
    _check_manager(user, cycle.territory)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Укажите основание изменения утверждённого списка (например, решение совета).")
    add, exclude = list(add), list(exclude)
    territory_ids = set(cycle.territory.subtree_ids())
    with transaction.atomic():
        before = current_list(cycle)
        for org in add:
            if org.territory_id not in territory_ids:
                raise ValidationError(f"{org}: организация не относится к территории цикла")
            entry, created = CycleOrganization.objects.get_or_create(
                cycle=cycle, organization=org, defaults={"reason": reason}
            )
            if not created and entry.status != CycleOrganization.Status.INCLUDED:
                entry.status = CycleOrganization.Status.INCLUDED
                entry.reason = reason
                entry.save(update_fields=["status", "reason"])
        cycle.entries.filter(organization__in=exclude).update(status=CycleOrganization.Status.EXCLUDED, reason=reason)
        log_action(
            user,
            "cycles.list.changed",
            cycle,
            territory=cycle.territory,
            before={"organizations": before},
            after={"organizations": current_list(cycle)},
            data={"reason": reason},
        )
    return cycle


def record_prior_assessments(user, territory: Territory, rows: Iterable[tuple[Organization, int, str]]) -> int:
    """Record assessments held before the system (organization, year, source); returns how many are new."""
    _check_manager(user, territory)
    territory_ids = set(territory.subtree_ids())
    created = 0
    with transaction.atomic():
        for org, year, source in rows:
            if org.territory_id not in territory_ids:
                raise ValidationError(f"{org}: организация не относится к территории")
            _obj, new = PriorAssessment.objects.get_or_create(organization=org, year=year, defaults={"source": source})
            created += int(new)
        log_action(user, "cycles.history.recorded", territory, territory=territory, data={"created": created})
    return created


def import_prior_assessments(user, territory: Territory, data: bytes, filename: str) -> int:
    """Read a table with columns «ИНН», «Год» (and optionally «Источник»); all rows or nothing."""
    from lib.tables import read_table
    from lib.text import clean_cell

    table = read_table(data, filename)
    headers = {h.lower(): h for h in table.headers if h}
    inn_col, year_col = headers.get("инн"), headers.get("год")
    if not inn_col or not year_col:
        raise ValidationError(f"Файл «{filename}»: нужны столбцы «ИНН» и «Год»")
    source_col = headers.get("источник")
    errors: list[str] = []
    rows = []
    orgs = {o.inn: o for o in Organization.objects.filter(territory_id__in=territory.subtree_ids())}
    for number, record in table.records():
        inn = clean_cell(record.get(inn_col))
        year_text = clean_cell(record.get(year_col))
        org = orgs.get(inn)
        if org is None:
            errors.append(f"Строка {number}, столбец «ИНН»: организация с ИНН «{inn}» не найдена на территории")
            continue
        if not year_text.isdigit() or not 2000 <= int(year_text) <= 2100:
            errors.append(f"Строка {number}, столбец «Год»: «{year_text}» — не год")
            continue
        rows.append((org, int(year_text), clean_cell(record.get(source_col)) if source_col else ""))
    if errors:
        raise ValidationError(errors)
    return record_prior_assessments(user, territory, rows)


# --- phases with dates ------------------------------------------------------------------------------


def ensure_phases(cycle: Cycle):
    """Create the phase rows of a cycle with the default calendar (idempotent); return them in order."""
    existing = {p.phase for p in cycle.phases.all()}
    new = []
    for phase, m1, d1, m2, d2 in DEFAULT_PHASE_CALENDAR:
        if phase in existing:
            continue
        end_year = cycle.year + 1 if phase == "control" else cycle.year
        new.append(
            CyclePhase(
                cycle=cycle,
                phase=phase,
                order=PHASE_ORDER.index(phase),
                planned_start=datetime.date(cycle.year, m1, d1),
                planned_end=datetime.date(end_year, m2, d2),
                responsible=str(PHASE_ACTORS.get(phase, "")),
            )
        )
    if new:
        CyclePhase.objects.bulk_create(new)
    return list(cycle.phases.all())


def update_phase_dates(user, phase_row, data: dict) -> None:
    _check_manager(user, phase_row.cycle.territory)
    fields = ["planned_start", "planned_end", "responsible", "note"]
    with transaction.atomic():
        before = snapshot(phase_row, fields)
        for name in fields:
            if name in data:
                setattr(phase_row, name, data[name])
        if phase_row.planned_start and phase_row.planned_end and phase_row.planned_end < phase_row.planned_start:
            raise ValidationError({"planned_end": "Окончание этапа раньше его начала"})
        phase_row.save()
        log_action(
            user,
            "cycles.phase.dates",
            phase_row.cycle,
            territory=phase_row.cycle.territory,
            before=before,
            after=snapshot(phase_row, fields),
            data={"phase": phase_row.phase},
        )


def next_phase(cycle: Cycle) -> str | None:
    index = PHASE_ORDER.index(cycle.phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def advance_phase(user, cycle: Cycle, today=None) -> Cycle:
    """Move the cycle to the next phase; data collection needs an approved list."""
    target = next_phase(cycle)
    if target is None:
        raise ValidationError("Цикл уже завершён.")
    if target == Phase.COLLECTION and not cycle.list_frozen:
        raise ValidationError("Сбор данных начинается после утверждения списка организаций советом.")
    return set_phase(user, cycle, target, today=today)


def _mark_phase_dates(cycle: Cycle, before: str, after: str, today) -> None:
    if not cycle.phases.exists():
        return
    old, new = PHASE_ORDER.index(before), PHASE_ORDER.index(after)
    if new > old:
        passed = PHASE_ORDER[old:new]
        CyclePhase.objects.filter(cycle=cycle, phase__in=passed, completed_on__isnull=True).update(completed_on=today)
        CyclePhase.objects.filter(cycle=cycle, phase=after, started_on__isnull=True).update(started_on=today)
    else:
        reopened = PHASE_ORDER[new:old]
        CyclePhase.objects.filter(cycle=cycle, phase__in=reopened).update(completed_on=None)


# --- operator ---------------------------------------------------------------------------------------

OPERATOR_FIELDS = [
    "name",
    "inn",
    "basis",
    "contract_number",
    "contract_date",
    "procurement_number",
    "amount",
    "terms_of_reference",
    "tor_approved_on",
    "report_due",
    "report_received_on",
]


def save_operator(user, cycle: Cycle, data: dict):
    _check_manager(user, cycle.territory)
    with transaction.atomic():
        engagement = OperatorEngagement.objects.filter(cycle=cycle).first()
        before = snapshot(engagement, OPERATOR_FIELDS) if engagement else None
        engagement = engagement or OperatorEngagement(cycle=cycle)
        for name in OPERATOR_FIELDS:
            if name in data:
                setattr(engagement, name, data[name])
        engagement.full_clean()
        engagement.save()
        log_action(
            user,
            "cycles.operator.saved",
            cycle,
            territory=cycle.territory,
            before=before,
            after=snapshot(engagement, OPERATOR_FIELDS),
        )
    return engagement


def add_milestone(user, engagement, title: str, due_date=None, note: str = ""):
    _check_manager(user, engagement.cycle.territory)
    if not (title or "").strip():
        raise ValidationError({"title": "Укажите этап работ"})
    with transaction.atomic():
        milestone = OperatorMilestone.objects.create(
            engagement=engagement, title=title.strip(), due_date=due_date, note=note
        )
        log_action(
            user,
            "cycles.operator.milestone",
            engagement.cycle,
            territory=engagement.cycle.territory,
            after={"title": milestone.title, "due_date": due_date},
        )
    return milestone


def complete_milestone(user, milestone, done_on) -> None:
    _check_manager(user, milestone.engagement.cycle.territory)
    with transaction.atomic():
        before = milestone.done_on
        milestone.done_on = done_on
        milestone.save(update_fields=["done_on"])
        log_action(
            user,
            "cycles.operator.milestone_done",
            milestone.engagement.cycle,
            territory=milestone.engagement.cycle.territory,
            before={"title": milestone.title, "done_on": before},
            after={"title": milestone.title, "done_on": done_on},
        )


def accept_operator_report(user, engagement, accepted_on, note: str = ""):
    _check_manager(user, engagement.cycle.territory)
    if engagement.report_received_on is None:
        raise ValidationError("Отчёт оператора ещё не получен: укажите дату получения.")
    if accepted_on < engagement.report_received_on:
        raise ValidationError("Дата приёмки раньше даты получения отчёта.")
    with transaction.atomic():
        before = {"accepted_on": engagement.accepted_on, "acceptance_note": engagement.acceptance_note}
        engagement.accepted_on = accepted_on
        engagement.accepted_by = user
        engagement.acceptance_note = note
        engagement.save(update_fields=["accepted_on", "accepted_by", "acceptance_note"])
        log_action(
            user,
            "cycles.operator.accepted",
            engagement.cycle,
            territory=engagement.cycle.territory,
            before=before,
            after={"accepted_on": accepted_on, "acceptance_note": note},
        )
    return engagement


# --- target indicators (plan values) -----------------------------------------------------------------


def set_target_plan(user, territory: Territory, year: int, code: str, planned_count=None, planned_share=None):
    _check_manager(user, territory)
    with transaction.atomic():
        row, _created = TargetIndicatorPlan.objects.get_or_create(territory=territory, year=year, code=code)
        before = {"planned_count": row.planned_count, "planned_share": row.planned_share}
        row.planned_count = planned_count
        row.planned_share = planned_share
        row.full_clean()
        row.save()
        log_action(
            user,
            "cycles.target.planned",
            territory,
            territory=territory,
            before=before,
            after={"planned_count": planned_count, "planned_share": planned_share},
            data={"year": year, "code": code},
        )
    return row


# --- activity plan ----------------------------------------------------------------------------------


def create_activity_plan(user, territory: Territory, year_from: int, year_to: int, title: str = ""):
    """A plan for the period made from the shipped template (section II of the municipal plan)."""
    from cycles.activity import build_items

    _check_manager(user, territory)
    if year_to < year_from:
        raise ValidationError({"year_to": "Год окончания раньше года начала"})
    title = title or f"План мероприятий по организации и проведению НОКО на {year_from}–{year_to} годы"
    with transaction.atomic():
        plan = ActivityPlan.objects.create(territory=territory, year_from=year_from, year_to=year_to, title=title)
        items = build_items(plan)
        ActivityPlanItem.objects.bulk_create(items)
        log_action(user, "cycles.activity.created", plan, territory=territory, data={"items": len(items)})
    return plan


ITEM_FIELDS = [
    "number",
    "title",
    "deadline_kind",
    "deadline_date",
    "deadline_year",
    "deadline_quarter",
    "deadline_text",
    "form",
    "executors",
    "status",
    "evidence",
    "evidence_url",
    "done_on",
]


def save_activity_item(user, plan, data: dict, item=None):
    _check_manager(user, plan.territory)
    with transaction.atomic():
        before = snapshot(item, ITEM_FIELDS) if item else None
        if item is None:
            last = plan.items.order_by("-order").values_list("order", flat=True).first() or 0
            item = ActivityPlanItem(plan=plan, order=last + 1)
        for name in ITEM_FIELDS:
            if name in data:
                setattr(item, name, data[name])
        errors = {}
        if item.deadline_kind == DeadlineKind.DATE and not item.deadline_date:
            errors["deadline_date"] = "Укажите дату"
        if item.deadline_kind == DeadlineKind.QUARTER and not (item.deadline_quarter and item.deadline_year):
            errors["deadline_quarter"] = "Укажите квартал и год"
        if item.deadline_kind == DeadlineKind.TEXT and not item.deadline_text:
            errors["deadline_text"] = "Опишите срок"
        if errors:
            raise ValidationError(errors)
        if item.status == ItemStatus.DONE and item.done_on is None:
            item.done_on = datetime.date.today()
        item.full_clean()
        item.save()
        log_action(
            user,
            "cycles.activity.item_saved",
            plan,
            territory=plan.territory,
            before=before,
            after=snapshot(item, ITEM_FIELDS),
            data={"item": item.pk},
        )
    return item
