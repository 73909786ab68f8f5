"""Writes and reads of the public council. Views, API, the demo and other apps call these.

``public_council_info(territory)`` is what the public portal shows (see docs/council.md).
"""

from __future__ import annotations

import datetime
import io

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from accounts.models import Role
from accounts.scopes import scope_for
from audit.services import log_action, snapshot
from council import approvals
from council.models import (
    DECISION_FOR_AGENDA,
    AgendaItem,
    AgendaKind,
    Attendance,
    Council,
    CouncilMember,
    Decision,
    DecisionKind,
    Meeting,
    MemberRole,
)
from registry.models import Territory

OFFICERS = (MemberRole.CHAIR, MemberRole.SECRETARY)


def can_manage(user, council: Council) -> bool:
    """The authority that formed the council, and the council's chair and secretary, keep its records."""
    scope = scope_for(user)
    if scope.sees_everything:
        return True
    if council.territory_id in scope.territories_for(Role.REGIONAL, Role.MUNICIPAL):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    today = datetime.date.today()
    return CouncilMember.objects.filter(council=council, user=user, role__in=OFFICERS).active_on(today).exists()


def _check(user, council: Council) -> None:
    if not can_manage(user, council):
        raise PermissionDenied("records of the council are kept by its secretary, chair or authority")


def create_council(user, territory: Territory, name: str = "", authority_name: str = "") -> Council:
    scope = scope_for(user)
    if not scope.sees_everything and territory.pk not in scope.territories_for(Role.REGIONAL, Role.MUNICIPAL):
        raise PermissionDenied("a council is formed by the education authority of its territory")
    authority_name = authority_name or territory.authority_name
    council = Council(
        territory=territory,
        name=name or f"Общественный совет по проведению независимой оценки качества: {territory.name}",
        authority_name=authority_name,
    )
    council.full_clean()
    with transaction.atomic():
        council.save()
        log_action(user, "council.council.created", council, territory=territory, after=snapshot(council))
    return council


MEMBER_FIELDS = ["full_name", "role", "position", "term_start", "term_end", "user"]


def save_member(user, council: Council, data: dict, member: CouncilMember | None = None) -> CouncilMember:
    _check(user, council)
    with transaction.atomic():
        before = snapshot(member, MEMBER_FIELDS) if member else None
        member = member or CouncilMember(council=council)
        for name in MEMBER_FIELDS:
            if name in data:
                setattr(member, name, data[name])
        if member.term_start and member.term_end and member.term_end < member.term_start:
            raise ValidationError({"term_end": "Окончание полномочий раньше их начала"})
        member.full_clean()
        member.save()
        log_action(
            user,
            "council.member.saved",
            council,
            territory=council.territory,
            before=before,
            after=snapshot(member, MEMBER_FIELDS),
            data={"member": member.pk},
        )
    return member


MEETING_FIELDS = ["number", "date", "time", "place", "online", "online_link", "cycle", "invited", "status"]


def save_meeting(user, council: Council, data: dict, meeting: Meeting | None = None) -> Meeting:
    """Schedule a meeting (or change one); the protocol number follows the council's count for the year."""
    _check(user, council)
    with transaction.atomic():
        before = snapshot(meeting, MEETING_FIELDS) if meeting else None
        meeting = meeting or Meeting(council=council)
        for name in MEETING_FIELDS:
            if name in data:
                setattr(meeting, name, data[name])
        if meeting.cycle_id and meeting.cycle.territory_id != council.territory_id:
            raise ValidationError({"cycle": "Цикл оценки другой территории"})
        if not meeting.online and not meeting.place:
            raise ValidationError({"place": "Укажите место проведения или отметьте «дистанционно»"})
        if not meeting.number:
            same_year = Meeting.objects.filter(council=council, date__year=meeting.date.year).exclude(pk=meeting.pk)
            meeting.number = str(same_year.count() + 1)
        meeting.full_clean()
        meeting.save()
        log_action(
            user,
            "council.meeting.saved",
            meeting,
            territory=council.territory,
            before=before,
            after=snapshot(meeting, MEETING_FIELDS),
        )
    return meeting


def add_agenda_item(
    user, meeting: Meeting, kind: str, title: str = "", speaker: str = "", discussion: str = ""
) -> AgendaItem:
    _check(user, meeting.council)
    if kind not in AgendaKind.values:
        raise ValidationError({"kind": "Неизвестный вид вопроса"})
    title = (title or "").strip() or str(AgendaKind(kind).label)
    with transaction.atomic():
        order = (meeting.agenda.aggregate(m=models.Max("order"))["m"] or 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting, order=order, kind=kind, title=title, speaker=speaker, discussion=discussion
        )
        log_action(
            user,
            "council.agenda.added",
            meeting,
            territory=meeting.council.territory,
            after={"order": order, "kind": kind, "title": title},
        )
    return item


def eligible_members(meeting: Meeting):
    return meeting.council.members.active_on(meeting.date).order_by("role", "full_name")


def record_attendance(user, meeting: Meeting, present_member_ids, today: datetime.date | None = None) -> Meeting:
    """Mark who was present (every member on the council at the meeting date); the meeting is then held."""
    _check(user, meeting.council)
    today = today or datetime.date.today()
    if meeting.date > today:
        raise ValidationError("Заседание ещё не состоялось: присутствие отмечается после него.")
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("Заседание отменено.")
    members = list(eligible_members(meeting))
    present = {int(i) for i in present_member_ids}
    unknown = present - {m.pk for m in members}
    if unknown:
        raise ValidationError("Отмечены лица, не входящие в состав совета на дату заседания.")
    with transaction.atomic():
        Attendance.objects.filter(meeting=meeting).delete()
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, member=m, present=m.pk in present) for m in members]
        )
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["status"])
        log_action(
            user,
            "council.attendance.recorded",
            meeting,
            territory=meeting.council.territory,
            after={"present": sorted(present), "members": len(members)},
        )
    return meeting


def quorum(meeting: Meeting) -> dict:
    """Present members, members of the council at the date, the minimum for a quorum, and whether it is met."""
    rows = list(meeting.attendance.all())
    total = len(rows) if rows else eligible_members(meeting).count()
    present = sum(1 for a in rows if a.present)
    share = meeting.council.quorum_share
    needed = int(total * share) + 1 if total else 1
    return {"present": present, "total": total, "needed": needed, "met": bool(rows) and present >= needed}


def decision_target_choices(council: Council, kind: str):
    """Objects a decision of KIND may approve, for the form: the cycles of the council's territory."""
    from cycles.models import Cycle

    cycles = Cycle.objects.filter(territory=council.territory).order_by("-year")
    if kind == DecisionKind.APPROVE_LIST:
        cycles = cycles.filter(list_frozen=False)
    return cycles


def record_decision(
    user,
    meeting: Meeting,
    *,
    text: str,
    kind: str = DecisionKind.OTHER,
    agenda_item: AgendaItem | None = None,
    votes_for: int = 0,
    votes_against: int = 0,
    votes_abstained: int = 0,
    target: models.Model | None = None,
) -> Decision:
    """Record a decision with its vote; if adopted and it approves TARGET, apply the approval.

    A decision is adopted when the meeting had a quorum and more than half of the members present voted for it.
    """
    _check(user, meeting.council)
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError("Сначала отметьте присутствующих: решения принимаются на состоявшемся заседании.")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": "Вопрос из повестки другого заседания"})
    if not (text or "").strip():
        raise ValidationError({"text": "Введите текст решения"})
    q = quorum(meeting)
    if votes_for + votes_against + votes_abstained > q["present"]:
        raise ValidationError(
            f"Голосов ({votes_for + votes_against + votes_abstained}) больше, чем присутствующих ({q['present']})."
        )
    kind_needs_target = kind in (DecisionKind.APPROVE_LIST,)
    if kind_needs_target and target is None:
        raise ValidationError({"target": "Укажите, что утверждается (цикл оценки)"})
    adopted = q["met"] and votes_for * 2 > q["present"]
    with transaction.atomic():
        decision = Decision(
            meeting=meeting,
            agenda_item=agenda_item,
            kind=kind,
            text=text.strip(),
            votes_for=votes_for,
            votes_against=votes_against,
            votes_abstained=votes_abstained,
            adopted=adopted,
        )
        if target is not None:
            decision.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
            decision.target_id = target.pk
            decision.target_repr = str(target)[:500]
        decision.save()
        log_action(
            user,
            "council.decision.recorded",
            meeting,
            territory=meeting.council.territory,
            after={
                "decision": decision.pk,
                "kind": kind,
                "adopted": adopted,
                "votes": [votes_for, votes_against, votes_abstained],
                "target": [decision.target_type_id, decision.target_id],
            },
        )
        if adopted and target is not None:
            handler = approvals.handler_for(target, kind)
            if handler is not None:
                handler(user, target, decision)
    return decision


def suggested_kind(agenda_item: AgendaItem | None) -> str:
    if agenda_item is None:
        return DecisionKind.OTHER
    return DECISION_FOR_AGENDA.get(agenda_item.kind, DecisionKind.TAKE_NOTE)


def decisions_for(obj: models.Model):
    """Adopted council decisions approving OBJ (any app's object), oldest first."""
    return Decision.objects.approving(obj).select_related("meeting", "meeting__council").order_by("meeting__date")


def meeting_counts(territory: Territory, year: int) -> tuple[int, int] | None:
    """(meetings scheduled in YEAR but not cancelled, meetings held) of the territory's council."""
    council = Council.objects.filter(territory=territory).first()
    if council is None:
        return None
    meetings = Meeting.objects.filter(council=council, date__year=year).exclude(status=Meeting.Status.CANCELLED)
    return meetings.count(), meetings.filter(status=Meeting.Status.HELD).count()


# --- the protocol ------------------------------------------------------------------------------------


def protocol_filename(meeting: Meeting) -> str:
    return f"protokol-{meeting.number or meeting.pk}-{meeting.date:%Y-%m-%d}.docx"


def protocol_docx(meeting: Meeting) -> bytes:
    """The protocol of a meeting as DOCX: attendance and quorum, agenda, what was heard and decided, votes."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    council = meeting.council
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)

    def centered(text: str, bold: bool = True) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = bold

    centered(f"ПРОТОКОЛ № {meeting.number or '—'}")
    centered(f"заседания: {council.name}", bold=False)
    if council.authority_name:
        centered(f"при {council.authority_name}", bold=False)
    when = f"{meeting.date:%d.%m.%Y}" + (f", {meeting.time:%H:%M}" if meeting.time else "")
    where = "в дистанционном формате" + (f" ({meeting.online_link})" if meeting.online_link else "")
    if not meeting.online:
        where = meeting.place
    elif meeting.place:
        where = f"{meeting.place}; {where}"
    document.add_paragraph(f"Дата и время: {when}")
    document.add_paragraph(f"Место проведения: {where}")

    attendance = list(meeting.attendance.select_related("member").order_by("member__role", "member__full_name"))
    present = [a.member for a in attendance if a.present]
    absent = [a.member for a in attendance if not a.present]
    q = quorum(meeting)
    document.add_paragraph(f"Присутствовали члены совета ({q['present']} из {q['total']}):")
    for member in present:
        document.add_paragraph(f"{member.full_name} — {member.get_role_display()}", style="List Bullet")
    if absent:
        document.add_paragraph("Отсутствовали: " + ", ".join(m.full_name for m in absent))
    if meeting.invited:
        document.add_paragraph(f"Приглашённые: {meeting.invited}")
    document.add_paragraph(
        "Кворум имеется, заседание правомочно."
        if q["met"]
        else f"Кворум отсутствует (необходимо не менее {q['needed']}); решения не могут быть приняты."
    )

    agenda = list(meeting.agenda.order_by("order"))
    heading = document.add_paragraph()
    heading.add_run("ПОВЕСТКА ДНЯ:").bold = True
    for item in agenda:
        speaker = f" (докладчик: {item.speaker})" if item.speaker else ""
        document.add_paragraph(f"{item.order}. {item.title}{speaker}")

    decisions = list(meeting.decisions.order_by("pk"))
    for item in agenda:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{item.order}. {item.title}").bold = True
        if item.discussion:
            document.add_paragraph(f"СЛУШАЛИ: {item.discussion}")
        for decision in [d for d in decisions if d.agenda_item_id == item.pk]:
            _decision_paragraphs(document, decision)
    loose = [d for d in decisions if d.agenda_item_id is None]
    if loose:
        paragraph = document.add_paragraph()
        paragraph.add_run("Иные решения").bold = True
        for decision in loose:
            _decision_paragraphs(document, decision)

    chair = next((m for m in present if m.role == MemberRole.CHAIR), None)
    secretary = next((m for m in present if m.role == MemberRole.SECRETARY), None)
    document.add_paragraph()
    document.add_paragraph(f"Председатель ____________________ {chair.full_name if chair else ''}".rstrip())
    document.add_paragraph(f"Секретарь ____________________ {secretary.full_name if secretary else ''}".rstrip())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _decision_paragraphs(document, decision: Decision) -> None:
    document.add_paragraph(f"РЕШИЛИ: {decision.text}")
    if decision.target_repr:
        document.add_paragraph(f"Предмет решения: {decision.get_kind_display()} — {decision.target_repr}")
    document.add_paragraph(
        f"Голосовали: «за» — {decision.votes_for}, «против» — {decision.votes_against}, "
        f"«воздержались» — {decision.votes_abstained}. "
        + ("Решение принято." if decision.adopted else "Решение не принято.")
    )


# --- public information ------------------------------------------------------------------------------


def public_council_info(territory: Territory, today: datetime.date | None = None) -> dict | None:
    """What the public portal shows about the council of TERRITORY, or None if it has none or hides it.

    Keys: ``council`` {name, authority, territory}; ``members`` [{full_name, role, role_label, position,
    term_start, term_end}] (members whose term covers TODAY); ``meetings`` held, newest first
    [{id, number, date, place, online, agenda [{order, kind, title}], decisions [{kind, kind_label, text,
    adopted, votes_for, votes_against, votes_abstained, approves}]}]; ``upcoming`` planned meetings
    [{id, number, date, place, online, agenda}]. No e-mails, phones or user accounts.
    """
    today = today or datetime.date.today()
    council = Council.objects.filter(territory=territory, is_public=True).select_related("territory").first()
    if council is None:
        return None
    members = [
        {
            "full_name": m.full_name,
            "role": m.role,
            "role_label": str(m.get_role_display()),
            "position": m.position,
            "term_start": m.term_start,
            "term_end": m.term_end,
        }
        for m in council.members.active_on(today).order_by("role", "full_name")
    ]
    meetings = (
        council.meetings.exclude(status=Meeting.Status.CANCELLED)
        .prefetch_related("agenda", "decisions")
        .order_by("-date", "-pk")
    )
    held, upcoming = [], []
    for meeting in meetings:
        entry = {
            "id": meeting.pk,
            "number": meeting.number,
            "date": meeting.date,
            "place": meeting.place,
            "online": meeting.online,
            "agenda": [{"order": a.order, "kind": a.kind, "title": a.title} for a in meeting.agenda.all()],
        }
        if meeting.status == Meeting.Status.HELD:
            entry["decisions"] = [
                {
                    "kind": d.kind,
                    "kind_label": str(d.get_kind_display()),
                    "text": d.text,
                    "adopted": d.adopted,
                    "votes_for": d.votes_for,
                    "votes_against": d.votes_against,
                    "votes_abstained": d.votes_abstained,
                    "approves": d.target_repr,
                }
                for d in meeting.decisions.all()
            ]
            held.append(entry)
        elif meeting.date >= today:
            upcoming.append(entry)
    upcoming.reverse()
    return {
        "council": {"name": council.name, "authority": council.authority_name, "territory": territory.name},
        "members": members,
        "meetings": held,
        "upcoming": upcoming,
    }
