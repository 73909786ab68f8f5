"""Writes of the expertise app. Views, the API, the importer, commands and the demo call these.

Every change to a checklist mark, a result's state, evidence or a dispute is audited in the same
transaction (audit codes are registered in ``ExpertiseConfig.ready``).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from audit.services import log_action
from cycles.models import Cycle, CycleOrganization
from expertise import conf, permissions
from expertise.choices import (
    OPEN_DISPUTE_STATUSES,
    BranchRule,
    DisputeStatus,
    EvidenceKind,
    EvidenceSource,
    Mark,
    ResultStatus,
    Section,
    VisitMode,
)
from expertise.evidence import EvidenceError, prepare
from expertise.models import (
    Checklist,
    ChecklistItem,
    ChecklistMark,
    ChecklistResult,
    Dispute,
    Evidence,
    ExpertAssignment,
    ExpertiseSettings,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
MARK_VALUES = {m.value for m in Mark}


# --- checklist versions (data) ------------------------------------------------------------------


def shipped_versions() -> list[str]:
    return sorted(p.stem.removeprefix("checklist_") for p in DATA_DIR.glob("checklist_*.json"))


def shipped_definition(code: str) -> dict | None:
    path = DATA_DIR / f"checklist_{code}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def validate_definition(data: dict) -> list[str]:
    """Problems of a checklist definition (a dict as in data/checklist_*.json), as Russian messages."""
    errors: list[str] = []
    if not str(data.get("code", "")).strip():
        errors.append("Не указан код версии чек-листа.")
    if not str(data.get("title", "")).strip():
        errors.append("Не указано наименование чек-листа.")
    items = data.get("items") or []
    if not items:
        errors.append("В чек-листе нет ни одного пункта.")
    seen: set[str] = set()
    from registry.choices import OrgType

    types = {t.value for t in OrgType}
    for number, item in enumerate(items, start=1):
        code = str(item.get("code", "")).strip()
        where = (f"Строка {item['_row']}" if item.get("_row") else f"Пункт {number}") + (f" ({code})" if code else "")
        if not code:
            errors.append(f"{where}: не указан код.")
        elif code in seen:
            errors.append(f"{where}: код повторяется.")
        seen.add(code)
        if item.get("section") not in Section.values:
            errors.append(
                f"{where}: неизвестный раздел «{item.get('section', '')}» (допустимы: {', '.join(Section.values)})."
            )
        if not str(item.get("label", "")).strip():
            errors.append(f"{where}: нет формулировки.")
        unknown = [t for t in item.get("org_types") or [] if t not in types]
        if unknown:
            errors.append(f"{where}: неизвестные типы организаций {', '.join(unknown)}.")
    return errors


@transaction.atomic
def load_checklist(data: dict, user=None) -> Checklist:
    """Create a checklist version from DATA (idempotent for an identical definition).

    A version already used by results is never changed: publish a new code instead.
    """
    from expertise.choices import SECTION_INDICATOR

    errors = validate_definition(data)
    if errors:
        raise ValidationError(errors)
    code = str(data["code"]).strip()
    items = [
        {
            "code": str(item["code"]).strip(),
            "section": item["section"],
            "indicator": str(item.get("indicator") or SECTION_INDICATOR[Section(item["section"])]),
            "label": str(item["label"]).strip(),
            "legal_basis": str(item.get("legal_basis", "")).strip(),
            "org_types": list(item.get("org_types") or []),
            "allows_na": bool(item.get("allows_na", False)),
            "hint": str(item.get("hint", "")).strip(),
            "order": index,
        }
        for index, item in enumerate(data["items"], start=1)
    ]
    checklist = Checklist.objects.filter(code=code).first()
    if checklist is not None:
        current = [{f: getattr(i, f) for f in items[0]} for i in checklist.items.all()]
        if current == items and checklist.title == data["title"]:
            return checklist
        if checklist.results.exists():
            raise ValidationError(
                f"Версия «{code}» уже использована в результатах и не может быть изменена; укажите новый код версии."
            )
        checklist.items.all().delete()
        checklist.title = data["title"]
        checklist.note = data.get("note", "")
        checklist.save()
    else:
        checklist = Checklist.objects.create(code=code, title=data["title"], note=data.get("note", ""))
    ChecklistItem.objects.bulk_create(ChecklistItem(checklist=checklist, **item) for item in items)
    if user is not None:
        log_action(user, "expertise.checklist.loaded", checklist, data={"code": code, "items": len(items)})
    return checklist


def get_checklist(code: str) -> Checklist:
    """The checklist version CODE; a shipped version is loaded on first use."""
    checklist = Checklist.objects.filter(code=code).first()
    if checklist is not None:
        return checklist
    definition = shipped_definition(code)
    if definition is None:
        raise ValidationError(f"Версия чек-листа «{code}» не найдена; загрузите её на странице версий чек-листов.")
    return load_checklist(definition)


def checklist_for_cycle(cycle: Cycle) -> Checklist:
    return get_checklist(cycle.checklist_version or conf.default_checklist_version())


def settings_for(cycle: Cycle) -> ExpertiseSettings:
    found = ExpertiseSettings.objects.filter(cycle=cycle).first()
    return found if found is not None else ExpertiseSettings.objects.get_or_create(cycle=cycle)[0]


# --- results and marks ----------------------------------------------------------------------------


def _require(allowed: bool, message: str = "Недостаточно прав") -> None:
    if not allowed:
        raise PermissionDenied(message)


def start_result(
    user, cycle_organization: CycleOrganization, *, building=None, mode: str = VisitMode.VISIT
) -> ChecklistResult:
    """Create the checklist of an organization (or of one of its branches) with a blank mark per item."""
    _require(permissions.can_fill(user, cycle_organization))
    if cycle_organization.status != CycleOrganization.Status.INCLUDED:
        raise ValidationError("Организация исключена из списка цикла.")
    if building is not None and building.parent_id != cycle_organization.organization_id:
        raise ValidationError(f"«{building}» не является филиалом «{cycle_organization.organization}».")
    if mode not in VisitMode.values:
        raise ValidationError(f"Неизвестный способ проведения «{mode}».")
    checklist = checklist_for_cycle(cycle_organization.cycle)
    items = checklist.items_for(cycle_organization.organization.org_type)
    with transaction.atomic():
        existing = ChecklistResult.objects.filter(cycle_organization=cycle_organization, building=building).first()
        if existing is not None:
            return existing
        result = ChecklistResult.objects.create(
            cycle_organization=cycle_organization,
            building=building,
            checklist=checklist,
            mode=mode,
            expert=user if getattr(user, "pk", None) else None,
        )
        ChecklistMark.objects.bulk_create(ChecklistMark(result=result, item=item) for item in items)
        log_action(
            user,
            "expertise.result.created",
            result,
            organization=cycle_organization.organization,
            after={"checklist": checklist.code, "mode": mode, "building": getattr(building, "pk", None)},
        )
    return result


def _check_editable(user, result: ChecklistResult) -> None:
    _require(permissions.can_fill(user, result.cycle_organization))
    if result.status != ResultStatus.DRAFT:
        raise ValidationError("Чек-лист уже отправлен; чтобы изменить отметки, верните его в работу.")


def save_marks(
    user,
    result: ChecklistResult,
    changes: dict[int, tuple[str | None, str | None]],
    *,
    note: str | None = None,
    visited_on: datetime.date | None = None,
) -> list[ChecklistMark]:
    """Set marks of a draft: CHANGES maps item id → (value or None to keep, comment or None to keep)."""
    _check_editable(user, result)
    marks = {m.item_id: m for m in result.marks.select_related("item")}
    changed: list[ChecklistMark] = []
    before: dict[str, dict] = {}
    after: dict[str, dict] = {}
    for item_id, (value, comment) in changes.items():
        mark = marks.get(int(item_id))
        if mark is None:
            raise ValidationError(f"Пункт {item_id} не входит в чек-лист этой организации.")
        new_value = mark.value if value is None else value
        new_comment = mark.comment if comment is None else comment.strip()
        if new_value not in MARK_VALUES:
            raise ValidationError(f"Пункт «{mark.item.code}»: недопустимая отметка «{value}».")
        if new_value == Mark.NA and not mark.item.allows_na:
            raise ValidationError(f"Пункт «{mark.item.label}»: отметка «не применимо» для него не допускается.")
        if new_value == mark.value and new_comment == mark.comment:
            continue
        before[mark.item.code] = {"value": mark.value, "comment": mark.comment}
        mark.value, mark.comment, mark.updated_by = new_value, new_comment, user
        after[mark.item.code] = {"value": mark.value, "comment": mark.comment}
        changed.append(mark)
    result_fields: list[str] = []
    if note is not None and note.strip() != result.note:
        result.note = note.strip()
        result_fields.append("note")
    if visited_on is not None and visited_on != result.visited_on:
        result.visited_on = visited_on
        result_fields.append("visited_on")
    if not changed and not result_fields:
        return []
    with transaction.atomic():
        for mark in changed:
            mark.save(update_fields=["value", "comment", "updated_by", "updated_at"])
        result.save(update_fields=[*result_fields, "updated_at"])
        log_action(
            user,
            "expertise.mark.changed",
            result,
            organization=result.cycle_organization.organization,
            before=before,
            after=after,
            data={"fields": result_fields} if result_fields else None,
        )
    return changed


def missing_marks(result: ChecklistResult) -> list[ChecklistMark]:
    return [m for m in result.marks.select_related("item") if m.value == Mark.BLANK]


def submit_result(user, result: ChecklistResult) -> ChecklistResult:
    _check_editable(user, result)
    blank = missing_marks(result)
    if blank:
        listed = "; ".join(m.item.label[:60] for m in blank[:5])
        more = f" и ещё {len(blank) - 5}" if len(blank) > 5 else ""
        raise ValidationError(f"Не отмечено пунктов: {len(blank)} ({listed}{more}).")
    with transaction.atomic():
        result.status = ResultStatus.SUBMITTED
        result.submitted_at = timezone.now()
        result.save(update_fields=["status", "submitted_at", "updated_at"])
        log_action(
            user,
            "expertise.result.submitted",
            result,
            organization=result.cycle_organization.organization,
            after={"status": result.status},
        )
    return result


def reopen_result(user, result: ChecklistResult) -> ChecklistResult:
    """Return a submitted checklist to draft; refused once the organizations may reply."""
    _require(permissions.can_fill(user, result.cycle_organization))
    if result.status != ResultStatus.SUBMITTED:
        return result
    if settings_for(result.cycle_organization.cycle).reply_state() != "none":
        raise ValidationError(
            "Предварительные результаты уже доступны организациям: отметки меняются только решениями по возражениям."
        )
    with transaction.atomic():
        result.status = ResultStatus.DRAFT
        result.submitted_at = None
        result.save(update_fields=["status", "submitted_at", "updated_at"])
        log_action(
            user,
            "expertise.result.reopened",
            result,
            organization=result.cycle_organization.organization,
            before={"status": ResultStatus.SUBMITTED},
            after={"status": ResultStatus.DRAFT},
        )
    return result


def assign_experts(user, cycle_organization: CycleOrganization, experts: Iterable) -> None:
    _require(permissions.can_manage_cycle(user, cycle_organization.cycle))
    experts = list(experts)
    with transaction.atomic():
        before = sorted(cycle_organization.expert_assignments.values_list("expert_id", flat=True))
        cycle_organization.expert_assignments.all().delete()
        ExpertAssignment.objects.bulk_create(
            ExpertAssignment(cycle_organization=cycle_organization, expert=e) for e in experts
        )
        log_action(
            user,
            "expertise.assignment.changed",
            cycle_organization,
            organization=cycle_organization.organization,
            before={"experts": before},
            after={"experts": sorted(e.pk for e in experts)},
        )


# --- evidence -------------------------------------------------------------------------------------


def _evidence_permission(user, cycle_organization, source: str, result, dispute) -> None:
    if source == EvidenceSource.EXPERT:
        _require(permissions.can_fill(user, cycle_organization))
        if result is not None and result.status != ResultStatus.DRAFT:
            raise ValidationError("Чек-лист уже отправлен; фотографии добавляются к черновику.")
    elif source == EvidenceSource.ORGANIZATION:
        _require(permissions.can_reply(user, cycle_organization))
        if result is None or result.mode != VisitMode.REMOTE or result.status != ResultStatus.DRAFT:
            raise ValidationError(
                "Материалы организации принимаются только для дистанционной экспертизы до её завершения."
            )
    elif source == EvidenceSource.DISPUTE:
        _require(permissions.can_reply(user, cycle_organization))
        if dispute is None or not dispute.is_open:
            raise ValidationError("Материалы добавляются только к возражению, которое ещё рассматривается.")
    else:
        raise ValidationError(f"Неизвестный источник материала «{source}».")


def add_evidence(
    user,
    cycle_organization: CycleOrganization,
    data: bytes,
    filename: str,
    *,
    result: ChecklistResult | None = None,
    item: ChecklistItem | None = None,
    dispute: Dispute | None = None,
    source: str = EvidenceSource.EXPERT,
    caption: str = "",
    captured_at: datetime.datetime | None = None,
) -> Evidence:
    """Check, resize, hash and store an uploaded photo or PDF. Raises ValidationError on a bad file."""
    _evidence_permission(user, cycle_organization, source, result, dispute)
    tz = cycle_organization.organization.effective_timezone
    try:
        prepared = prepare(data, filename, tz=tz)
    except EvidenceError as exc:
        raise ValidationError(str(exc)) from exc
    stem = prepared.sha256[:16]
    evidence = Evidence(
        cycle_organization=cycle_organization,
        result=result,
        item=item,
        dispute=dispute,
        kind=prepared.kind,
        source=source,
        original_name=(filename or "")[:255],
        content_type=prepared.content_type,
        size=prepared.size,
        sha256=prepared.sha256,
        stored_sha256=prepared.stored_sha256,
        width=prepared.width,
        height=prepared.height,
        captured_at=prepared.captured_at or captured_at,
        caption=caption[:500],
        uploaded_by=user,
    )
    with transaction.atomic():
        evidence.file.save(f"{stem}{prepared.extension}", ContentFile(prepared.data), save=False)
        if prepared.thumbnail is not None:
            evidence.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(prepared.thumbnail), save=False)
        evidence.save()
        log_action(
            user,
            "expertise.evidence.added",
            evidence,
            organization=cycle_organization.organization,
            after={
                "name": evidence.original_name,
                "sha256": evidence.sha256,
                "item": getattr(item, "code", None),
                "result": getattr(result, "pk", None),
                "dispute": getattr(dispute, "pk", None),
                "source": source,
            },
        )
    return evidence


_url = URLValidator(schemes=["http", "https"])


def add_link(
    user,
    cycle_organization: CycleOrganization,
    url: str,
    *,
    dispute: Dispute | None = None,
    result: ChecklistResult | None = None,
    item: ChecklistItem | None = None,
    source: str = EvidenceSource.DISPUTE,
    caption: str = "",
) -> Evidence:
    _evidence_permission(user, cycle_organization, source, result, dispute)
    url = (url or "").strip()
    try:
        _url(url)
    except ValidationError as exc:
        raise ValidationError(f"Ссылка «{url}» не является адресом http(s).") from exc
    with transaction.atomic():
        evidence = Evidence.objects.create(
            cycle_organization=cycle_organization,
            result=result,
            item=item,
            dispute=dispute,
            kind=EvidenceKind.LINK,
            source=source,
            url=url,
            caption=caption[:500],
            uploaded_by=user,
        )
        log_action(
            user,
            "expertise.evidence.added",
            evidence,
            organization=cycle_organization.organization,
            after={"url": url, "dispute": getattr(dispute, "pk", None), "source": source},
        )
    return evidence


def delete_evidence(user, evidence: Evidence) -> None:
    """Remove evidence of a draft checklist (the uploader or an expert of the organization)."""
    if evidence.source == EvidenceSource.EXPERT:
        _require(permissions.can_fill(user, evidence.cycle_organization))
        if evidence.result is not None and evidence.result.status != ResultStatus.DRAFT:
            raise ValidationError("Материалы отправленного чек-листа не удаляются.")
    else:
        _require(evidence.uploaded_by_id == getattr(user, "pk", None))
        if evidence.dispute is not None and not evidence.dispute.is_open:
            raise ValidationError("Материалы рассмотренного возражения не удаляются.")
    files = [f for f in (evidence.file, evidence.thumbnail) if f]
    with transaction.atomic():
        log_action(
            user,
            "expertise.evidence.deleted",
            evidence,
            organization=evidence.cycle_organization.organization,
            before={"name": evidence.original_name, "url": evidence.url, "sha256": evidence.sha256},
        )
        evidence.delete()
        for stored in files:
            transaction.on_commit(lambda f=stored: f.storage.delete(f.name))


# --- right of reply -------------------------------------------------------------------------------


def working_days_deadline(opens_at: datetime.datetime, days: int, tz: str) -> datetime.datetime:
    """End (23:59:59 local) of the DAYS-th working day after the day the window opens."""
    zone = ZoneInfo(tz)
    day = opens_at.astimezone(zone).date()
    off = conf.holidays()
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day.isoformat() not in off:
            counted += 1
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=zone)


def cycle_timezone(cycle: Cycle) -> str:
    return cycle.territory.timezone or "Europe/Moscow"


def set_reply_window(
    user,
    cycle: Cycle,
    *,
    opens_at: datetime.datetime | None = None,
    working_days: int | None = None,
    closes_at: datetime.datetime | None = None,
) -> ExpertiseSettings:
    """Open the right of reply: from OPENS_AT (now) until CLOSES_AT or the end of WORKING_DAYS working days."""
    _require(permissions.can_manage_cycle(user, cycle))
    opens_at = opens_at or timezone.now()
    if closes_at is None:
        working_days = working_days or conf.reply_working_days()
        if working_days < 1 or working_days > 60:
            raise ValidationError("Срок подачи возражений — от 1 до 60 рабочих дней.")
        closes_at = working_days_deadline(opens_at, working_days, cycle_timezone(cycle))
    if closes_at <= opens_at:
        raise ValidationError("Срок подачи возражений должен быть позже начала приёма.")
    with transaction.atomic():
        found = settings_for(cycle)
        before = {"opens": found.reply_opens_at, "closes": found.reply_closes_at}
        found.reply_opens_at, found.reply_closes_at = opens_at, closes_at
        found.reply_working_days = working_days
        found.save()
        log_action(
            user,
            "expertise.reply_window.set",
            cycle,
            territory=cycle.territory,
            before=before,
            after={"opens": opens_at, "closes": closes_at, "working_days": working_days},
        )
    return found


def set_branch_rule(user, cycle: Cycle, rule: str) -> ExpertiseSettings:
    _require(permissions.can_manage_cycle(user, cycle))
    if rule and rule not in BranchRule.values:
        raise ValidationError(f"Неизвестное правило «{rule}».")
    with transaction.atomic():
        found = settings_for(cycle)
        before = found.branch_rule
        found.branch_rule = rule
        found.save(update_fields=["branch_rule"])
        log_action(
            user,
            "expertise.branch_rule.set",
            cycle,
            territory=cycle.territory,
            before={"branch_rule": before},
            after={"branch_rule": rule},
        )
    return found


def local_text(moment: datetime.datetime, tz: str) -> str:
    return f"{date_format(moment.astimezone(ZoneInfo(tz)), 'd.m.Y H:i')} ({tz})"


def check_reply_open(cycle: Cycle, now: datetime.datetime | None = None) -> None:
    found = settings_for(cycle)
    state = found.reply_state(now)
    tz = cycle_timezone(cycle)
    if state == "none":
        raise ValidationError("Приём возражений по этому циклу ещё не открыт.")
    if state == "closed":
        raise ValidationError(
            f"Срок подачи возражений истёк {local_text(found.reply_closes_at, tz)}. "
            "Возражение можно направить в общественный совет по независимой оценке качества."
        )


def create_dispute(user, mark: ChecklistMark, text: str, requested_value: str = Mark.YES) -> Dispute:
    """The organization contests MARK within the reply window."""
    result = mark.result
    cycle_organization = result.cycle_organization
    _require(permissions.can_reply(user, cycle_organization), "Возражение подаёт только сама организация.")
    check_reply_open(cycle_organization.cycle)
    if result.status != ResultStatus.SUBMITTED:
        raise ValidationError("Оспорить можно только отметку отправленного чек-листа.")
    text = (text or "").strip()
    if len(text) < 10:
        raise ValidationError("Опишите возражение (не короче 10 символов).")
    if requested_value not in (Mark.YES, Mark.NO, Mark.NA):
        raise ValidationError(f"Недопустимая отметка «{requested_value}».")
    if requested_value == Mark.NA and not mark.item.allows_na:
        raise ValidationError("Для этого пункта отметка «не применимо» не допускается.")
    if requested_value == mark.value:
        raise ValidationError("Отметка уже такая, как просит организация.")
    if mark.disputes.filter(status__in=OPEN_DISPUTE_STATUSES).exists():
        raise ValidationError("По этому пункту уже есть возражение на рассмотрении.")
    with transaction.atomic():
        dispute = Dispute.objects.create(
            mark=mark, requested_value=requested_value, text=text, created_by=user, value_before=mark.value
        )
        log_action(
            user,
            "expertise.dispute.created",
            dispute,
            organization=cycle_organization.organization,
            after={"item": mark.item.code, "value": mark.value, "requested": requested_value, "text": text},
        )
    return dispute


def decide_dispute(user, dispute: Dispute, *, accept: bool, reason: str) -> Dispute:
    """Accept (the mark takes the requested value) or reject a dispute, with a reason."""
    cycle_organization = dispute.mark.result.cycle_organization
    _require(permissions.can_decide(user, cycle_organization))
    if not dispute.is_open:
        raise ValidationError("Решение по этому возражению уже принято.")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError("Укажите обоснование решения.")
    with transaction.atomic():
        mark = ChecklistMark.objects.select_for_update().select_related("item").get(pk=dispute.mark_id)
        dispute.status = DisputeStatus.ACCEPTED if accept else DisputeStatus.REJECTED
        dispute.decided_by, dispute.decided_at, dispute.decision_reason = user, timezone.now(), reason
        dispute.value_before = mark.value
        dispute.save()
        log_action(
            user,
            "expertise.dispute.accepted" if accept else "expertise.dispute.rejected",
            dispute,
            organization=cycle_organization.organization,
            after={"status": dispute.status, "reason": reason},
        )
        if accept and mark.value != dispute.requested_value:
            before = {"value": mark.value}
            if mark.preliminary_value is None:
                mark.preliminary_value = mark.value
            mark.value = dispute.requested_value
            mark.updated_by = user
            note = f"Изменено по возражению №{dispute.pk}: {reason}"
            mark.comment = f"{mark.comment}\n{note}".strip()
            mark.save(update_fields=["value", "preliminary_value", "comment", "updated_by", "updated_at"])
            log_action(
                user,
                "expertise.mark.changed",
                mark.result,
                organization=cycle_organization.organization,
                before={mark.item.code: before},
                after={mark.item.code: {"value": mark.value}},
                data={"dispute": dispute.pk},
            )
    return dispute


def refer_to_council(user, dispute: Dispute, note: str = "") -> Dispute:
    """Pass an unresolved dispute to the public council's agenda."""
    cycle_organization = dispute.mark.result.cycle_organization
    _require(permissions.can_decide(user, cycle_organization))
    if dispute.status != DisputeStatus.OPEN:
        raise ValidationError("Передать в совет можно только возражение на рассмотрении.")
    with transaction.atomic():
        dispute.status = DisputeStatus.COUNCIL
        dispute.referred_at = timezone.now()
        dispute.save(update_fields=["status", "referred_at"])
        log_action(
            user,
            "expertise.dispute.referred",
            dispute,
            organization=cycle_organization.organization,
            after={"status": dispute.status},
            data={"note": note} if note else None,
        )
    return dispute


def refer_unresolved(user, cycle: Cycle) -> int:
    """After the window closes, every dispute still open goes to the council; returns how many."""
    count = 0
    for dispute in Dispute.objects.filter(
        mark__result__cycle_organization__cycle=cycle, status=DisputeStatus.OPEN
    ).select_related("mark__result__cycle_organization__organization"):
        refer_to_council(user, dispute)
        count += 1
    return count


def council_agenda(cycle: Cycle):
    """Disputes the public council has to decide (for the council's agenda)."""
    return Dispute.objects.filter(
        mark__result__cycle_organization__cycle=cycle, status=DisputeStatus.COUNCIL
    ).select_related("mark__item", "mark__result__cycle_organization__organization")
