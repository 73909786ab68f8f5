"""Pages of the public council: members, meetings with agenda, attendance, decisions and the protocol."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from council import services
from council.forms import AgendaForm, DecisionForm, MeetingForm, MemberForm
from council.models import Council, CouncilMember, Meeting

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def _managed(request, council: Council) -> None:
    if not services.can_manage(request.user, council):
        raise PermissionDenied


@login_required
def council_list(request):
    councils = Council.objects.visible_to(request.user).select_related("territory")
    if councils.count() == 1:
        return redirect(councils.get())
    return render(request, "council/list.html", {"councils": councils})


@login_required
def council_detail(request, pk: int):
    council = get_object_or_404(Council.objects.visible_to(request.user).select_related("territory"), pk=pk)
    today = datetime.date.today()
    members = list(council.members.order_by("role", "full_name"))
    for m in members:
        m.active = m.is_active_on(today)
    meetings = council.meetings.prefetch_related("agenda").order_by("-date")
    return render(
        request,
        "council/detail.html",
        {
            "council": council,
            "members": members,
            "meetings": meetings,
            "can_manage": services.can_manage(request.user, council),
        },
    )


@login_required
def member_edit(request, pk: int, member_pk: int | None = None):
    council = get_object_or_404(Council.objects.visible_to(request.user), pk=pk)
    _managed(request, council)
    member = get_object_or_404(CouncilMember, pk=member_pk, council=council) if member_pk else None
    form = MemberForm(request.POST or None, instance=member, council=council)
    if request.method == "POST" and form.is_valid():
        fresh = CouncilMember.objects.get(pk=member.pk) if member else None
        try:
            services.save_member(request.user, council, form.cleaned_data, member=fresh)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Состав совета сохранён."))
            return redirect(council)
    title = _("Член совета") if member else _("Новый член совета")
    return render(request, "council/form.html", {"form": form, "title": title, "back": council.get_absolute_url()})


@login_required
def meeting_edit(request, pk: int | None = None, meeting_pk: int | None = None):
    if meeting_pk:
        meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("council"), pk=meeting_pk)
        council = meeting.council
    else:
        meeting = None
        council = get_object_or_404(Council.objects.visible_to(request.user), pk=pk)
    _managed(request, council)
    form = MeetingForm(request.POST or None, instance=meeting, council=council)
    if request.method == "POST" and form.is_valid():
        fresh = Meeting.objects.get(pk=meeting.pk) if meeting else None
        try:
            saved = services.save_meeting(request.user, council, form.cleaned_data, meeting=fresh)
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                for e in errors:
                    form.add_error(field if field in form.fields else None, e)
        else:
            messages.success(request, _("Заседание сохранено."))
            return redirect(saved)
    title = _("Заседание совета") if meeting else _("Новое заседание")
    back = meeting.get_absolute_url() if meeting else council.get_absolute_url()
    return render(request, "council/form.html", {"form": form, "title": title, "back": back})


@login_required
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("council", "council__territory", "cycle"), pk=pk
    )
    can_manage = services.can_manage(request.user, meeting.council)
    attendance = {a.member_id: a.present for a in meeting.attendance.all()}
    members = list(services.eligible_members(meeting))
    for m in members:
        m.present = attendance.get(m.pk, not attendance)
    decisions = meeting.decisions.select_related("agenda_item", "target_type").order_by("pk")
    first_item = meeting.agenda.order_by("order").first()
    decision_form = DecisionForm(
        meeting=meeting,
        prefix="decision",
        initial={
            "agenda_item": first_item,
            "kind": services.suggested_kind(first_item),
            "target": meeting.cycle,
        },
    )
    return render(
        request,
        "council/meeting.html",
        {
            "meeting": meeting,
            "council": meeting.council,
            "agenda": meeting.agenda.order_by("order"),
            "members": members,
            "attendance_recorded": bool(attendance),
            "quorum": services.quorum(meeting),
            "decisions": decisions,
            "can_manage": can_manage,
            "agenda_form": AgendaForm(),
            "decision_form": decision_form,
            "today": datetime.date.today(),
        },
    )


def _meeting_for_write(request, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("council"), pk=pk)
    _managed(request, meeting.council)
    return meeting


@login_required
@require_POST
def agenda_add(request, pk: int):
    meeting = _meeting_for_write(request, pk)
    form = AgendaForm(request.POST)
    if form.is_valid():
        services.add_agenda_item(request.user, meeting, **form.cleaned_data)
        messages.success(request, _("Вопрос включён в повестку."))
    else:
        messages.error(request, _("Выберите вид вопроса."))
    return redirect(meeting)


@login_required
@require_POST
def attendance_record(request, pk: int):
    meeting = _meeting_for_write(request, pk)
    try:
        services.record_attendance(request.user, meeting, [i for i in request.POST.getlist("present") if i.isdigit()])
    except ValidationError as exc:
        for message in _messages(exc):
            messages.error(request, message)
    else:
        q = services.quorum(meeting)
        if q["met"]:
            messages.success(request, _("Присутствие отмечено: кворум есть."))
        else:
            messages.warning(request, _("Присутствие отмечено: кворума нет, решения не могут быть приняты."))
    return redirect(meeting)


@login_required
@require_POST
def decision_add(request, pk: int):
    meeting = _meeting_for_write(request, pk)
    form = DecisionForm(request.POST, meeting=meeting, prefix="decision")
    if not form.is_valid():
        for field, errors in form.errors.items():
            for e in errors:
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {e}")
        return redirect(meeting)
    data = form.cleaned_data
    try:
        decision = services.record_decision(
            request.user,
            meeting,
            text=data["text"],
            kind=data["kind"],
            agenda_item=data["agenda_item"],
            votes_for=data["votes_for"],
            votes_against=data["votes_against"],
            votes_abstained=data["votes_abstained"],
            target=data["target"],
        )
    except ValidationError as exc:
        for message in _messages(exc):
            messages.error(request, message)
    else:
        if decision.adopted:
            messages.success(request, _("Решение принято и записано."))
        else:
            messages.warning(request, _("Решение записано как непринятое (нет кворума или большинства)."))
    return redirect(meeting)


@login_required
def protocol(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("council"), pk=pk)
    response = HttpResponse(services.protocol_docx(meeting), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{services.protocol_filename(meeting)}"'
    return response
