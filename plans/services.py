"""Writes and reads of plans to remove shortcomings. Views, the API, jobs, the demo and other apps call these.

The flow (docs/plans.md):

``seed_plans(cycle)`` → a draft ``Plan`` per organization (items from its active shortcomings, grouped
by criterion into sections I–V) or an exception → the organization fills measures, deadlines and
executors and ``submit_plan`` → the founder's official ``return_plan`` (with comments) or
``approve_plan`` → ``set_published`` marks it placed on bus.gov.ru and the organization's site → the
organization reports progress (``save_progress``, ``add_evidence``, ``submit_report``) → the authority
watches ``control_summary`` and ``overdue_items``.

Other apps read ``published_plans(territory=…, cycle=…)`` and ``public_data(plan)``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from accounts.models import Role
from accounts.scopes import scope_for
from audit.services import log_action, snapshot
from cycles.models import Cycle, CycleOrganization, Phase
from plans import conf
from plans.choices import (
    EDITABLE_STATUSES,
    SECTION_NUMERAL,
    SECTIONS,
    ExceptionReason,
    ItemStatus,
    PlanStatus,
    ReviewAction,
)
from plans.evidence import EvidenceError, check
from plans.models import Plan, PlanEvent, PlanEvidence, PlanItem, PlanSchedule, local_today
from registry.choices import OrgStatus
from registry.models import Territory
from scoring.models import Result, Shortcoming

# --- who may do what ---------------------------------------------------------------------------------


def is_staff_of(user, plan: Plan) -> bool:
    """USER works in the organization of PLAN (its staff fill and report the plan)."""
    scope = scope_for(user)
    return Role.ORG_STAFF in scope.roles and plan.cycle_organization.organization_id in scope.organization_ids


def can_review(user, plan: Plan) -> bool:
    """The founder's authority: the education authority of the cycle's territory (or the region above it).

    An organization never approves its own plan, whatever other roles its employee holds.
    """
    scope = scope_for(user)
    if scope.sees_everything:
        return True
    if is_staff_of(user, plan):
        return False
    return plan.cycle.territory_id in scope.territories_for(Role.REGIONAL, Role.MUNICIPAL)


def can_manage_cycle(user, cycle: Cycle) -> bool:
    if user is None:
        return True
    scope = scope_for(user)
    return scope.sees_everything or cycle.territory_id in scope.territories_for(Role.REGIONAL, Role.MUNICIPAL)


def can_edit(user, plan: Plan) -> bool:
    return plan.status in EDITABLE_STATUSES and (is_staff_of(user, plan) or can_review(user, plan))


def can_report(user, plan: Plan) -> bool:
    return (
        plan.status == PlanStatus.APPROVED
        and not plan.is_exception
        and (is_staff_of(user, plan) or can_review(user, plan))
    )


def _require(allowed: bool, message: str = "Недостаточно прав для этого действия с планом") -> None:
    if not allowed:
        raise PermissionDenied(message)


def _user_name(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "система"
    return user.get_full_name() or user.get_username()


def _event(plan: Plan, action: str, user, comment: str = "") -> PlanEvent:
    actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    return PlanEvent.objects.create(plan=plan, action=action, user=actor, user_name=_user_name(user), comment=comment)


PLAN_FIELDS = [
    "status",
    "exception_reason",
    "exception_note",
    "approver_name",
    "approver_position",
    "approved_on",
    "return_comment",
    "published",
    "published_url",
]
ITEM_FIELDS = [
    "criterion_code",
    "shortcoming_text",
    "measure",
    "deadline",
    "responsible_name",
    "responsible_position",
    "planned_result",
]
PROGRESS_FIELDS = ["status", "actual_measures", "actual_date"]


def _log(user, action: str, plan: Plan, **kwargs) -> None:
    log_action(
        user,
        action,
        plan,
        organization=plan.cycle_organization.organization,
        **kwargs,
    )


# --- deadlines (data per cycle, defaults UNCONFIRMED) ---------------------------------------------------


def default_schedule(cycle: Cycle) -> dict[str, Any]:
    """Deadlines of a cycle's plans from the settings (UNCONFIRMED; the authority edits them per cycle)."""
    after = cycle.year + 1
    return {
        "submit_by": datetime.date(after, conf.get("SUBMIT_BY_MONTH"), conf.get("SUBMIT_BY_DAY")),
        "approve_by": datetime.date(after, conf.get("APPROVE_BY_MONTH"), conf.get("APPROVE_BY_DAY")),
        "publish_days": conf.get("PUBLISH_DAYS"),
        "report_every_months": conf.get("REPORT_EVERY_MONTHS"),
        "default_deadline": datetime.date(after, conf.get("DEFAULT_DEADLINE_MONTH"), conf.get("DEFAULT_DEADLINE_DAY")),
    }


def schedule_for(cycle: Cycle) -> PlanSchedule:
    """The cycle's deadlines; unsaved defaults when the authority has not set them yet."""
    schedule = PlanSchedule.objects.filter(cycle=cycle).first()
    return schedule or PlanSchedule(cycle=cycle, **default_schedule(cycle))


SCHEDULE_FIELDS = ["submit_by", "approve_by", "publish_days", "report_every_months", "default_deadline"]


def save_schedule(user, cycle: Cycle, data: dict[str, Any]) -> PlanSchedule:
    _require(can_manage_cycle(user, cycle))
    with transaction.atomic():
        schedule = PlanSchedule.objects.select_for_update().filter(cycle=cycle).first()
        before = snapshot(schedule, SCHEDULE_FIELDS) if schedule else None
        schedule = schedule or PlanSchedule(cycle=cycle, **default_schedule(cycle))
        for name in SCHEDULE_FIELDS:
            if name in data:
                setattr(schedule, name, data[name])
        schedule.full_clean()
        schedule.save()
        log_action(
            user,
            "plans.schedule.saved",
            cycle,
            territory=cycle.territory,
            before=before,
            after=snapshot(schedule, SCHEDULE_FIELDS),
        )
    return schedule


# --- seeding ---------------------------------------------------------------------------------------------

STATUS_EXCEPTIONS = {
    OrgStatus.REORGANIZING: ExceptionReason.REORGANIZATION,
    OrgStatus.LIQUIDATED: ExceptionReason.LIQUIDATION,
    OrgStatus.CLOSED_TEMPORARILY: ExceptionReason.TEMPORARY_CLOSURE,
}


@dataclass
class SeedReport:
    plans_created: int = 0
    exceptions_created: int = 0
    items_created: int = 0
    plans_updated: int = 0
    repeated: int = 0
    skipped: int = 0
    plan_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "plans_created": self.plans_created,
            "exceptions_created": self.exceptions_created,
            "items_created": self.items_created,
            "plans_updated": self.plans_updated,
            "repeated": self.repeated,
            "skipped": self.skipped,
        }


def may_seed(cycle: Cycle) -> bool:
    """Plans follow final results: the cycle reached the final-results phase."""
    return cycle.phase_reached(Phase.FINAL)


def _item_from(shortcoming: Shortcoming, plan: Plan, order: int, schedule: PlanSchedule, org, repeated: bool):
    return PlanItem(
        plan=plan,
        shortcoming=shortcoming,
        criterion_code=shortcoming.criterion_code,
        indicator_code=shortcoming.indicator_code,
        order=order,
        shortcoming_text=shortcoming.text,
        deadline=schedule.default_deadline,
        responsible_name=org.head_name,
        responsible_position=org.head_position,
        repeated=repeated,
    )


def _earlier_findings(cycle: Cycle, organization_ids) -> set[tuple[int, str, str]]:
    """(organization, indicator, item) of shortcomings found in the organizations' earlier cycles."""
    rows = Shortcoming.objects.filter(
        cycle_organization__organization_id__in=organization_ids, cycle__year__lt=cycle.year
    ).values_list("cycle_organization__organization_id", "indicator_code", "item_code")
    return set(rows)


def no_shortcomings_note(entry: CycleOrganization, total: Any = None) -> str:
    org = entry.organization
    score = f" Итоговый показатель — {total:.2f} балла из 100." if total is not None else ""
    return (
        f"По результатам независимой оценки качества условий осуществления образовательной деятельности, "
        f"проведённой в {entry.cycle.year} году, недостатков в деятельности организации «{org}» не выявлено.{score} "
        f"Учредителем принято решение о нецелесообразности разработки плана по устранению недостатков."
    )


def status_note(entry: CycleOrganization, reason: str) -> str:
    org = entry.organization
    what = {
        ExceptionReason.REORGANIZATION: "проводятся реорганизационные мероприятия",
        ExceptionReason.LIQUIDATION: "проводятся ликвидационные мероприятия",
        ExceptionReason.TEMPORARY_CLOSURE: "деятельность временно приостановлена контрольно-надзорным органом",
    }.get(reason, "возникли непредвиденные обстоятельства")
    return (
        f"План по устранению недостатков, выявленных в ходе независимой оценки качества условий осуществления "
        f"образовательной деятельности в {entry.cycle.year} году, для организации «{org}» не утверждается: "
        f"в отношении организации {what}."
    )


def seed_plans(cycle: Cycle, user=None) -> SeedReport:
    """Create a draft plan for every included organization of CYCLE that has none (idempotent).

    Items come from the organization's active shortcomings, one per shortcoming, in the section of its
    criterion. An organization being reorganized, liquidated or closed, or one without active shortcomings,
    gets an exception (with the reason and the text of the official explanation) instead of items.
    A draft or returned plan that exists already receives items for new active shortcomings.
    """
    if user is not None:
        _require(can_manage_cycle(user, cycle))
    if not may_seed(cycle):
        raise ValidationError("Планы составляются после итоговых результатов: цикл ещё не дошёл до этого этапа.")
    report = SeedReport()
    schedule = schedule_for(cycle)
    entries = list(cycle.entries.included().select_related("organization", "organization__territory").order_by("pk"))
    shortcomings: dict[int, list[Shortcoming]] = {}
    for shortcoming in Shortcoming.objects.filter(cycle=cycle, active=True).order_by(
        "cycle_organization_id", "criterion_code", "indicator_code", "item_code", "pk"
    ):
        shortcomings.setdefault(shortcoming.cycle_organization_id, []).append(shortcoming)
    totals = dict(Result.objects.filter(cycle=cycle, code="S").values_list("cycle_organization_id", "value"))
    existing = {p.cycle_organization_id: p for p in Plan.objects.filter(cycle=cycle)}
    earlier = _earlier_findings(cycle, [e.organization_id for e in entries])
    plan_year = cycle.year + 1

    with transaction.atomic():
        if not schedule.pk:
            schedule.save()
        new_plans: list[Plan] = []
        for entry in entries:
            if entry.pk in existing:
                continue
            reason = STATUS_EXCEPTIONS.get(entry.organization.status, "")
            note = status_note(entry, reason) if reason else ""
            if not reason and not shortcomings.get(entry.pk):
                reason = ExceptionReason.NO_SHORTCOMINGS
                note = no_shortcomings_note(entry, totals.get(entry.pk))
            new_plans.append(
                Plan(
                    cycle=cycle,
                    cycle_organization=entry,
                    year=plan_year,
                    exception_reason=reason,
                    exception_note=note,
                )
            )
        Plan.objects.bulk_create(new_plans, batch_size=500)
        created = list(
            Plan.objects.filter(cycle=cycle, cycle_organization_id__in=[p.cycle_organization_id for p in new_plans])
        )
        by_entry = {e.pk: e for e in entries}
        items: list[PlanItem] = []
        now = timezone.now()
        events: list[PlanEvent] = []
        for plan in created:
            report.plan_ids.append(plan.pk)
            events.append(PlanEvent(plan=plan, action=ReviewAction.CREATED, user_name=_user_name(user), at=now))
            if plan.exception_reason:
                report.exceptions_created += 1
                continue
            report.plans_created += 1
            org = by_entry[plan.cycle_organization_id].organization
            for order, shortcoming in enumerate(shortcomings.get(plan.cycle_organization_id, []), start=1):
                repeated = (org.pk, shortcoming.indicator_code, shortcoming.item_code) in earlier
                report.repeated += int(repeated)
                items.append(_item_from(shortcoming, plan, order, schedule, org, repeated))
        # plans still being drafted pick up shortcomings found since they were created
        for entry_id, plan in existing.items():
            if plan.status not in EDITABLE_STATUSES or plan.is_exception:
                report.skipped += 1
                continue
            have = set(plan.items.exclude(shortcoming=None).values_list("shortcoming_id", flat=True))
            fresh = [s for s in shortcomings.get(entry_id, []) if s.pk not in have]
            if not fresh:
                continue
            org = by_entry[entry_id].organization
            start = (plan.items.aggregate(m=models.Max("order"))["m"] or 0) + 1
            for offset, shortcoming in enumerate(fresh):
                repeated = (org.pk, shortcoming.indicator_code, shortcoming.item_code) in earlier
                report.repeated += int(repeated)
                items.append(_item_from(shortcoming, plan, start + offset, schedule, org, repeated))
            report.plans_updated += 1
        PlanItem.objects.bulk_create(items, batch_size=1000)
        PlanEvent.objects.bulk_create(events, batch_size=1000)
        report.items_created = len(items)
        log_action(user, "plans.plan.seeded", cycle, territory=cycle.territory, data=report.as_dict())
    return report


# --- filling the plan ----------------------------------------------------------------------------------


def _clean_text(value: Any) -> str:
    return str(value or "").strip()


def save_item(user, item: PlanItem, data: dict[str, Any]) -> PlanItem:
    """Change the columns 1–4 of an item (and the planned result) while the plan is a draft."""
    plan = item.plan
    _require(can_edit(user, plan), "План нельзя изменить: он направлен на утверждение или утверждён.")
    with transaction.atomic():
        before = snapshot(item, ITEM_FIELDS)
        for name in ("measure", "responsible_name", "responsible_position", "planned_result"):
            if name in data:
                setattr(item, name, _clean_text(data[name]))
        if "deadline" in data:
            item.deadline = data["deadline"] or None
        if item.shortcoming_id is None:
            if "shortcoming_text" in data:
                item.shortcoming_text = _clean_text(data["shortcoming_text"])
            if "criterion_code" in data:
                item.criterion_code = data["criterion_code"]
        _validate_item_fields(item)
        item.save()
        _log(user, "plans.item.changed", plan, before=before, after=snapshot(item, ITEM_FIELDS), data={"item": item.pk})
    return item


def _validate_item_fields(item: PlanItem) -> None:
    errors: dict[str, str] = {}
    if item.criterion_code not in SECTION_NUMERAL:
        errors["criterion_code"] = "Укажите раздел плана (I–V)"
    if not item.shortcoming_text:
        errors["shortcoming_text"] = "Укажите недостаток"
    if item.deadline is not None and item.deadline.year < item.plan.cycle.year:
        errors["deadline"] = f"Плановый срок не может быть раньше {item.plan.cycle.year} года"
    if item.deadline is not None and item.deadline.year > item.plan.year + 3:
        errors["deadline"] = "Плановый срок слишком далёк: проверьте год"
    if errors:
        raise ValidationError(errors)


def add_item(user, plan: Plan, data: dict[str, Any]) -> PlanItem:
    """Add a measure the organization proposes beyond the listed shortcomings (a row without a shortcoming)."""
    _require(can_edit(user, plan), "План нельзя изменить: он направлен на утверждение или утверждён.")
    if plan.is_exception:
        raise ValidationError("Для организации оформлено исключение: план не составляется.")
    with transaction.atomic():
        criterion = data.get("criterion_code") or "K1"
        order = (plan.items.filter(criterion_code=criterion).aggregate(m=models.Max("order"))["m"] or 0) + 1
        org = plan.cycle_organization.organization
        item = PlanItem(
            plan=plan,
            criterion_code=criterion,
            order=order,
            shortcoming_text=_clean_text(data.get("shortcoming_text")),
            measure=_clean_text(data.get("measure")),
            deadline=data.get("deadline") or schedule_for(plan.cycle).default_deadline,
            responsible_name=_clean_text(data.get("responsible_name")) or org.head_name,
            responsible_position=_clean_text(data.get("responsible_position")) or org.head_position,
            planned_result=_clean_text(data.get("planned_result")),
        )
        _validate_item_fields(item)
        item.save()
        _log(user, "plans.item.added", plan, after=snapshot(item, ITEM_FIELDS), data={"item": item.pk})
    return item


def delete_item(user, item: PlanItem) -> None:
    """Remove a row the organization added; rows that answer a shortcoming of the assessment stay."""
    plan = item.plan
    _require(can_edit(user, plan), "План нельзя изменить: он направлен на утверждение или утверждён.")
    if item.shortcoming_id is not None:
        raise ValidationError("Строку, соответствующую недостатку по результатам оценки, удалить нельзя.")
    with transaction.atomic():
        before = snapshot(item, ITEM_FIELDS)
        item_pk = item.pk
        item.delete()
        _log(user, "plans.item.deleted", plan, before=before, data={"item": item_pk})


def sections(plan: Plan, items=None) -> list[dict[str, Any]]:
    """Items grouped into the five sections of the form, in order; empty sections included."""
    items = list(items if items is not None else plan.items.select_related("shortcoming").order_by("order", "pk"))
    result = []
    for code, numeral, title in SECTIONS:
        rows = sorted((i for i in items if i.criterion_code == code), key=lambda i: (i.order, i.pk))
        result.append({"code": code, "numeral": numeral, "title": title, "items": rows})
    return result


def completeness_errors(plan: Plan) -> list[str]:
    """What keeps the plan from being submitted, each naming the section and row."""
    if plan.is_exception:
        return [] if plan.exception_note.strip() else ["Укажите пояснение, почему план не составляется."]
    errors: list[str] = []
    items = list(plan.items.all())
    if not items:
        return ["В плане нет ни одного мероприятия."]
    for section in sections(plan, items):
        for index, item in enumerate(section["items"], start=1):
            where = f"Раздел {section['numeral']}, строка {index}"
            missing = []
            if not item.measure.strip():
                missing.append("мероприятие")
            if item.deadline is None:
                missing.append("плановый срок")
            if not item.responsible_name.strip():
                missing.append("ФИО ответственного")
            if not item.responsible_position.strip():
                missing.append("должность ответственного")
            if missing:
                errors.append(f"{where}: не указано — {', '.join(missing)}.")
    return errors


# --- review and approval -------------------------------------------------------------------------------


def submit_plan(user, plan: Plan) -> Plan:
    _require(can_edit(user, plan), "План уже направлен на утверждение или утверждён.")
    errors = completeness_errors(plan)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = snapshot(plan, PLAN_FIELDS)
        plan.status = PlanStatus.SUBMITTED
        plan.submitted_at = timezone.now()
        plan.save(update_fields=["status", "submitted_at", "updated_at"])
        _event(plan, ReviewAction.SUBMITTED, user)
        _log(user, "plans.plan.submitted", plan, before=before, after=snapshot(plan, PLAN_FIELDS))
    return plan


def return_plan(user, plan: Plan, comment: str) -> Plan:
    _require(can_review(user, plan), "Возвращать план может только орган, который его утверждает.")
    comment = _clean_text(comment)
    if not comment:
        raise ValidationError({"comment": "Укажите замечания, с которыми план возвращается."})
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError("Вернуть можно только план, направленный на утверждение.")
    with transaction.atomic():
        before = snapshot(plan, PLAN_FIELDS)
        plan.status = PlanStatus.RETURNED
        plan.return_comment = comment
        plan.save(update_fields=["status", "return_comment", "updated_at"])
        _event(plan, ReviewAction.RETURNED, user, comment)
        _log(user, "plans.plan.returned", plan, before=before, after=snapshot(plan, PLAN_FIELDS))
    return plan


def approve_plan(
    user,
    plan: Plan,
    *,
    approver_name: str = "",
    approver_position: str = "",
    approved_on: datetime.date | None = None,
    comment: str = "",
) -> Plan:
    """Approve (УТВЕРЖДАЮ). A plan must have been submitted; an exception may be confirmed from a draft."""
    _require(
        can_review(user, plan), "Утверждает план руководитель органа-учредителя; организация не утверждает свой план."
    )
    allowed = (PlanStatus.SUBMITTED,) if not plan.is_exception else (PlanStatus.SUBMITTED, *EDITABLE_STATUSES)
    if plan.status not in allowed:
        raise ValidationError("Утвердить можно только план, направленный на утверждение.")
    errors = completeness_errors(plan)
    if errors:
        raise ValidationError(errors)
    approver_name = _clean_text(approver_name) or _user_name(user)
    approver_position = _clean_text(approver_position) or default_approver_position(plan)
    with transaction.atomic():
        before = snapshot(plan, PLAN_FIELDS)
        plan.status = PlanStatus.APPROVED
        plan.approver_name = approver_name
        plan.approver_position = approver_position
        plan.approved_at = timezone.now()
        plan.approved_on = approved_on or local_today(plan.timezone_name)
        plan.approved_by = user if getattr(user, "is_authenticated", False) else None
        plan.return_comment = ""
        plan.save()
        _event(plan, ReviewAction.APPROVED, user, _clean_text(comment))
        _log(user, "plans.plan.approved", plan, before=before, after=snapshot(plan, PLAN_FIELDS))
    return plan


def default_approver_position(plan: Plan) -> str:
    authority = plan.cycle.territory.authority_name
    return f"Руководитель: {authority}" if authority else "Руководитель органа-учредителя"


def reopen_plan(user, plan: Plan, comment: str) -> Plan:
    """Withdraw the approval (e.g. the plan must change): back to the organization, off publication."""
    _require(can_review(user, plan), "Отменить утверждение может только орган, который утверждает план.")
    comment = _clean_text(comment)
    if not comment:
        raise ValidationError({"comment": "Укажите причину отмены утверждения."})
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError("План не утверждён.")
    with transaction.atomic():
        before = snapshot(plan, PLAN_FIELDS)
        plan.status = PlanStatus.RETURNED
        plan.return_comment = comment
        plan.published = False
        plan.published_at = None
        plan.approved_at = None
        plan.approved_on = None
        plan.save()
        _event(plan, ReviewAction.REOPENED, user, comment)
        _log(user, "plans.plan.reopened", plan, before=before, after=snapshot(plan, PLAN_FIELDS))
    return plan


def record_exception(user, plan: Plan, reason: str, note: str = "") -> Plan:
    """The authority decides that no plan is drawn up (reorganisation, liquidation, closure, 100 points …).

    The decision is the approval: the plan becomes an approved exception; items stay in the database
    (they keep their shortcomings) but are not part of any document.
    """
    _require(can_review(user, plan), "Исключение оформляет орган-учредитель.")
    if reason not in ExceptionReason.values or not reason:
        raise ValidationError({"reason": "Укажите причину, по которой план не составляется."})
    if plan.status == PlanStatus.APPROVED and not plan.is_exception:
        raise ValidationError("План уже утверждён: сначала отмените утверждение.")
    entry = plan.cycle_organization
    note = _clean_text(note)
    if not note:
        if reason == ExceptionReason.NO_SHORTCOMINGS:
            total = Result.objects.filter(cycle_organization=entry, code="S").values_list("value", flat=True).first()
            note = no_shortcomings_note(entry, total)
        else:
            note = status_note(entry, reason)
    with transaction.atomic():
        before = snapshot(plan, PLAN_FIELDS)
        plan.exception_reason = reason
        plan.exception_note = note
        plan.status = PlanStatus.APPROVED
        plan.approved_at = timezone.now()
        plan.approved_on = local_today(plan.timezone_name)
        plan.approved_by = user if getattr(user, "is_authenticated", False) else None
        plan.approver_name = plan.approver_name or _user_name(user)
        plan.approver_position = plan.approver_position or default_approver_position(plan)
        plan.save()
        _event(plan, ReviewAction.EXCEPTION, user, note)
        _log(user, "plans.plan.exception", plan, before=before, after=snapshot(plan, PLAN_FIELDS))
    return plan


def cancel_exception(user, plan: Plan) -> Plan:
    """Back to an ordinary draft plan (its items, if any, are still there)."""
    _require(can_review(user, plan), "Исключение отменяет орган-учредитель.")
    if not plan.is_exception:
        raise ValidationError("Для этого плана исключение не оформлено.")
    with transaction.atomic():
        before = snapshot(plan, PLAN_FIELDS)
        plan.exception_reason = ""
        plan.exception_note = ""
        plan.status = PlanStatus.DRAFT
        plan.published = False
        plan.published_at = None
        plan.approved_at = None
        plan.approved_on = None
        plan.save()
        created = 0
        if not plan.items.exists():
            # the plan is drawn up after all: items for the organization's active shortcomings
            entry = plan.cycle_organization
            schedule = schedule_for(plan.cycle)
            earlier = _earlier_findings(plan.cycle, [entry.organization_id])
            shortcomings = Shortcoming.objects.filter(cycle_organization=entry, active=True).order_by(
                "criterion_code", "indicator_code", "item_code", "pk"
            )
            items = [
                _item_from(
                    s,
                    plan,
                    i,
                    schedule,
                    entry.organization,
                    (entry.organization_id, s.indicator_code, s.item_code) in earlier,
                )
                for i, s in enumerate(shortcomings, 1)
            ]
            created = len(PlanItem.objects.bulk_create(items))
        _event(plan, ReviewAction.EXCEPTION_CANCELLED, user)
        _log(
            user,
            "plans.plan.exception_cancelled",
            plan,
            before=before,
            after=snapshot(plan, PLAN_FIELDS),
            data={"items_created": created},
        )
    return plan


def set_published(user, plan: Plan, published: bool, url: str = "") -> Plan:
    """Mark an approved plan (or exception explanation) as placed on bus.gov.ru and the organization's site."""
    _require(
        can_review(user, plan) or is_staff_of(user, plan), "Отметку о размещении ставит учредитель или организация."
    )
    if published and plan.status != PlanStatus.APPROVED:
        raise ValidationError("Размещается только утверждённый план.")
    url = _clean_text(url)
    if url:
        from django.core.validators import URLValidator

        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as exc:
            raise ValidationError(
                {"url": "Ссылка на размещённый план должна начинаться с http:// или https://"}
            ) from exc
    with transaction.atomic():
        before = snapshot(plan, PLAN_FIELDS)
        plan.published = published
        plan.published_at = timezone.now() if published else None
        if url or not published:
            plan.published_url = url
        plan.save(update_fields=["published", "published_at", "published_url", "updated_at"])
        _event(plan, ReviewAction.PUBLISHED if published else ReviewAction.UNPUBLISHED, user, url)
        _log(
            user,
            "plans.plan.published" if published else "plans.plan.unpublished",
            plan,
            before=before,
            after=snapshot(plan, PLAN_FIELDS),
        )
    return plan


# --- fulfilment ------------------------------------------------------------------------------------------


def save_progress(user, item: PlanItem, data: dict[str, Any], *, now: datetime.datetime | None = None) -> PlanItem:
    """Progress columns (5): status, measures taken, actual date. Only for approved plans."""
    plan = item.plan
    _require(can_report(user, plan), "Сведения о ходе реализации вносятся по утверждённому плану.")
    with transaction.atomic():
        before = snapshot(item, PROGRESS_FIELDS)
        if "status" in data:
            if data["status"] not in ItemStatus.values:
                raise ValidationError({"status": "Неизвестное состояние мероприятия"})
            item.status = data["status"]
        if "actual_measures" in data:
            item.actual_measures = _clean_text(data["actual_measures"])
        if "actual_date" in data:
            item.actual_date = data["actual_date"] or None
        errors: dict[str, str] = {}
        today = local_today(plan.timezone_name, now)
        if item.actual_date and item.actual_date > today:
            errors["actual_date"] = "Фактический срок не может быть позже сегодняшнего дня"
        if item.status == ItemStatus.DONE:
            if not item.actual_measures:
                errors["actual_measures"] = "Опишите реализованные меры"
            if not item.actual_date:
                errors["actual_date"] = "Укажите фактический срок реализации"
        if errors:
            raise ValidationError(errors)
        item.save(update_fields=[*PROGRESS_FIELDS, "updated_at"])
        _log(
            user,
            "plans.item.progress",
            plan,
            before=before,
            after=snapshot(item, PROGRESS_FIELDS),
            data={"item": item.pk},
        )
    return item


def add_evidence(user, item: PlanItem, *, upload=None, url: str = "", note: str = "") -> PlanEvidence:
    """Attach a checked file (or a link) to an item of an approved plan."""
    plan = item.plan
    _require(can_report(user, plan), "Подтверждения прикладываются к мероприятиям утверждённого плана.")
    url = _clean_text(url)
    if upload is None and not url:
        raise ValidationError({"file": "Выберите файл или укажите ссылку"})
    if item.evidence.count() >= conf.get("MAX_EVIDENCE_FILES_PER_ITEM"):
        raise ValidationError({"file": "К мероприятию приложено максимальное число подтверждений"})
    evidence = PlanEvidence(item=item, note=_clean_text(note)[:500], url=url)
    evidence.uploaded_by = user if getattr(user, "is_authenticated", False) else None
    if url:
        from django.core.validators import URLValidator

        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as exc:
            raise ValidationError({"url": f"Ссылка «{url}» должна начинаться с http:// или https://"}) from exc
    checked = None
    if upload is not None:
        data = upload.read()
        try:
            checked = check(data, getattr(upload, "name", ""))
        except EvidenceError as exc:
            raise ValidationError({"file": str(exc)}) from exc
        evidence.original_name = getattr(upload, "name", checked.name)[:255]
        evidence.content_type = checked.content_type
        evidence.size = checked.size
        evidence.sha256 = checked.sha256
    with transaction.atomic():
        if checked is not None:
            evidence.file.save(checked.name, ContentFile(data), save=False)
        evidence.save()
        _log(
            user,
            "plans.evidence.added",
            plan,
            after={"item": item.pk, "file": evidence.original_name, "sha256": evidence.sha256, "url": url},
        )
    return evidence


def delete_evidence(user, evidence: PlanEvidence) -> None:
    plan = evidence.item.plan
    _require(can_report(user, plan), "Подтверждение нельзя удалить.")
    with transaction.atomic():
        before = {
            "item": evidence.item_id,
            "file": evidence.original_name,
            "sha256": evidence.sha256,
            "url": evidence.url,
        }
        stored = evidence.file.name if evidence.file else ""
        evidence.delete()
        _log(user, "plans.evidence.deleted", plan, before=before)
        if stored:
            transaction.on_commit(lambda: evidence.file.storage.delete(stored))


def submit_report(user, plan: Plan, comment: str = "") -> Plan:
    """The organization reports the course of implementation (the same form, columns 5)."""
    _require(can_report(user, plan), "Сведения о ходе реализации представляются по утверждённому плану.")
    with transaction.atomic():
        plan.last_report_at = timezone.now()
        plan.save(update_fields=["last_report_at", "updated_at"])
        stats = item_stats(plan)
        _event(plan, ReviewAction.REPORTED, user, _clean_text(comment))
        _log(user, "plans.plan.reported", plan, data=stats)
    return plan


def item_stats(plan: Plan, today: datetime.date | None = None) -> dict[str, int]:
    today = today or local_today(plan.timezone_name)
    items = list(plan.items.all()) if not plan.is_exception else []
    return {
        "total": len(items),
        "done": sum(1 for i in items if i.status == ItemStatus.DONE),
        "overdue": sum(1 for i in items if plan.status == PlanStatus.APPROVED and i.is_overdue(today)),
        "repeated": sum(1 for i in items if i.repeated),
    }


# --- control ---------------------------------------------------------------------------------------------

ORG = "plan__cycle_organization__organization"


def _tz_expression(prefix: str):
    return Coalesce(NullIf(F(f"{prefix}__timezone"), Value("")), F(f"{prefix}__territory__timezone"))


def overdue_q(items, *, now: datetime.datetime | None = None, prefix: str = ORG) -> Q:
    """A Q selecting the items of ITEMS whose deadline passed in their organization's own time zone."""
    now = now or timezone.now()
    zones = set(items.annotate(_tz=_tz_expression(prefix)).values_list("_tz", flat=True).distinct())
    query = Q(pk__in=[])
    for zone in zones:
        zone_q = Q(_tz=zone) if zone else Q(_tz__isnull=True)
        query |= zone_q & Q(deadline__lt=local_today(zone or "", now))
    return query


def overdue_items(user, *, now: datetime.datetime | None = None, cycles=None):
    """Items of approved plans visible to USER that are not done and past their deadline (org's time zone)."""
    items = PlanItem.objects.visible_to(user).filter(plan__status=PlanStatus.APPROVED, plan__exception_reason="")
    if cycles is not None:
        items = items.filter(plan__cycle__in=cycles)
    items = items.exclude(status=ItemStatus.DONE).exclude(deadline=None)
    return (
        items.annotate(_tz=_tz_expression(ORG))
        .filter(overdue_q(items, now=now))
        .select_related("plan", "plan__cycle_organization__organization__territory")
        .order_by("deadline", "pk")
    )


def plan_deadlines(plan: Plan, *, now: datetime.datetime | None = None, schedule: PlanSchedule | None = None):
    """The plan-level deadlines that are missed, as Russian phrases, in the organization's time zone."""
    schedule = schedule or schedule_for(plan.cycle)
    today = local_today(plan.timezone_name, now)
    late: list[str] = []
    if plan.status != PlanStatus.APPROVED:
        if (
            plan.status in EDITABLE_STATUSES
            and schedule.submit_by
            and today > schedule.submit_by
            and not plan.is_exception
        ):
            late.append(f"проект плана не представлен (срок — {schedule.submit_by:%d.%m.%Y})")
        if schedule.approve_by and today > schedule.approve_by:
            late.append(f"план не утверждён (срок — {schedule.approve_by:%d.%m.%Y})")
    elif not plan.published and plan.approved_on:
        due = plan.approved_on + datetime.timedelta(days=schedule.publish_days)
        if today > due:
            late.append(f"не размещён на bus.gov.ru (срок — {due:%d.%m.%Y})")
    return late


def control_years(user) -> list[int]:
    return sorted(set(Plan.objects.visible_to(user).values_list("cycle__year", flat=True).distinct()), reverse=True)


def control_summary(user, year: int, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Completeness and fulfilment per municipality for the cycles of YEAR visible to USER.

    Rows: assessed organizations, approved plans, approved exceptions, organizations with neither,
    items, done, overdue (in each organization's time zone), the share done and repeated shortcomings.
    """
    entries = (
        CycleOrganization.objects.visible_to(user)
        .included()
        .filter(cycle__year=year)
        .select_related("organization", "organization__territory", "cycle")
    )
    plans = {
        p.cycle_organization_id: p
        for p in Plan.objects.visible_to(user)
        .filter(cycle__year=year)
        .only("pk", "cycle_organization_id", "status", "exception_reason", "published")
    }
    rows: dict[int, dict[str, Any]] = {}
    missing: list[dict[str, Any]] = []
    for entry in entries:
        territory = entry.organization.territory
        row = rows.setdefault(
            territory.pk,
            {
                "territory": territory,
                "assessed": 0,
                "approved": 0,
                "exceptions": 0,
                "submitted": 0,
                "published": 0,
                "missing": 0,
                "items": 0,
                "done": 0,
                "overdue": 0,
                "repeated": 0,
            },
        )
        row["assessed"] += 1
        plan = plans.get(entry.pk)
        if plan is not None and plan.status == PlanStatus.APPROVED:
            row["exceptions" if plan.exception_reason else "approved"] += 1
            row["published"] += int(plan.published)
        else:
            row["missing"] += 1
            row["submitted"] += int(plan is not None and plan.status == PlanStatus.SUBMITTED)
            missing.append({"entry": entry, "plan": plan})
    items = PlanItem.objects.visible_to(user).filter(
        plan__cycle__year=year, plan__status=PlanStatus.APPROVED, plan__exception_reason=""
    )
    late = overdue_q(items.exclude(status=ItemStatus.DONE), now=now)
    stats = (
        items.annotate(_tz=_tz_expression(ORG))
        .values(f"{ORG}__territory_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=ItemStatus.DONE)),
            overdue=Count("pk", filter=late & ~Q(status=ItemStatus.DONE) & Q(deadline__isnull=False)),
            repeated=Count("pk", filter=Q(repeated=True)),
        )
        .order_by()
    )
    for stat in stats:
        row = rows.get(stat[f"{ORG}__territory_id"])
        if row is None:
            continue
        row["items"], row["done"], row["overdue"], row["repeated"] = (
            stat["total"],
            stat["done"],
            stat["overdue"],
            stat["repeated"],
        )
    ordered = sorted(rows.values(), key=lambda r: r["territory"].name)
    totals = {key: sum(r[key] for r in ordered) for key in ordered[0] if key != "territory"} if ordered else {}
    for row in [*ordered, totals]:
        if row:
            row["share_done"] = round(100 * row["done"] / row["items"], 1) if row["items"] else None
    missing.sort(key=lambda m: (m["entry"].organization.territory.name, str(m["entry"].organization)))
    return {"year": year, "rows": ordered, "totals": totals, "missing": missing}


def organization_rows(user, year: int, *, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """Fulfilment per organization (plans of YEAR's cycles visible to USER): items, done, overdue, share."""
    plans = list(
        Plan.objects.visible_to(user)
        .filter(cycle__year=year)
        .select_related("cycle_organization__organization__territory")
        .order_by("cycle_organization__organization__territory__name", "cycle_organization__organization__short_name")
    )
    items = PlanItem.objects.filter(plan__in=[p.pk for p in plans])
    late = overdue_q(items.exclude(status=ItemStatus.DONE), now=now)
    stats = {
        row["plan_id"]: row
        for row in items.annotate(_tz=_tz_expression(ORG))
        .values("plan_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=ItemStatus.DONE)),
            overdue=Count("pk", filter=late & ~Q(status=ItemStatus.DONE) & Q(deadline__isnull=False)),
        )
        .order_by()
    }
    rows = []
    for plan in plans:
        stat = stats.get(plan.pk, {"total": 0, "done": 0, "overdue": 0})
        approved = plan.status == PlanStatus.APPROVED and not plan.is_exception
        rows.append(
            {
                "plan": plan,
                "organization": plan.cycle_organization.organization,
                "territory": plan.cycle_organization.organization.territory,
                "items": stat["total"] if not plan.is_exception else 0,
                "done": stat["done"] if approved else 0,
                "overdue": stat["overdue"] if approved else 0,
                "share_done": round(100 * stat["done"] / stat["total"], 1) if approved and stat["total"] else None,
            }
        )
    return rows


# --- publication: what the portal and the bus.gov.ru export read -----------------------------------------


def published_plans(territory: Territory | None = None, cycle: Cycle | None = None):
    """Approved plans (and exceptions) marked as published — public information.

    ``territory``: organizations located in it or below (a region or a municipality); ``cycle``: one cycle.
    Items are prefetched in the order of the form. No user: this is what anyone may read.
    """
    plans = Plan.objects.published().select_related(
        "cycle", "cycle__territory", "cycle_organization__organization", "cycle_organization__organization__territory"
    )
    if cycle is not None:
        plans = plans.filter(cycle=cycle)
    if territory is not None:
        plans = plans.filter(cycle_organization__organization__territory_id__in=territory.subtree_ids())
    return plans.prefetch_related(
        models.Prefetch("items", queryset=PlanItem.objects.order_by("criterion_code", "order", "pk"))
    ).order_by("cycle__year", "cycle_organization__organization__short_name", "pk")


def public_data(plan: Plan) -> dict[str, Any]:
    """A plain, stable dictionary of a published plan for the portal, open data and bus.gov.ru packages."""
    org = plan.cycle_organization.organization
    data: dict[str, Any] = {
        "id": plan.pk,
        "organization": {
            "id": org.pk,
            "name": org.full_name,
            "short_name": org.short_name,
            "inn": org.inn,
            "busgov_id": org.busgov_id,
        },
        "cycle": {"id": plan.cycle_id, "year": plan.cycle.year, "territory": plan.cycle.territory.name},
        "year": plan.year,
        "approved_on": plan.approved_on.isoformat() if plan.approved_on else None,
        "approver": {"name": plan.approver_name, "position": plan.approver_position},
        "published_url": plan.published_url,
        "exception": None,
        "sections": [],
    }
    if plan.is_exception:
        data["exception"] = {
            "reason": plan.exception_reason,
            "reason_label": str(ExceptionReason(plan.exception_reason).label),
            "text": plan.exception_note,
        }
        return data
    for section in sections(plan, list(plan.items.all())):
        data["sections"].append(
            {
                "numeral": section["numeral"],
                "criterion": section["code"],
                "title": section["title"],
                "items": [
                    {
                        "shortcoming": i.shortcoming_text,
                        "indicator": i.indicator_code,
                        "measure": i.measure,
                        "deadline": i.deadline.isoformat() if i.deadline else None,
                        "responsible": i.responsible,
                        "status": i.status,
                        "actual_measures": i.actual_measures,
                        "actual_date": i.actual_date.isoformat() if i.actual_date else None,
                    }
                    for i in section["items"]
                ],
            }
        )
    return data


def exception_letter_text(plan: Plan) -> str:
    """The letter informing the regional centre that no plan is drawn up for the organization."""
    org = plan.cycle_organization.organization
    return (
        f"{plan.cycle.territory.authority_name or 'Орган управления образованием'} сообщает, что план по устранению "
        f"недостатков, выявленных в ходе независимой оценки качества условий осуществления образовательной "
        f"деятельности в {plan.cycle.year} году, для организации «{org.full_name}» (ИНН {org.inn}) не утверждается. "
        f"Причина: {ExceptionReason(plan.exception_reason).label}. {plan.exception_note} "
        f"Официальное пояснение размещено на сайте bus.gov.ru в разделе «Иная информация»."
    )
