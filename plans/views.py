"""Pages of plans: the list, a plan (htmx rows for filling and progress), review actions, documents, control."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cycles.models import Cycle
from plans import documents, hints, services
from plans.choices import ExceptionReason, PlanStatus
from plans.forms import (
    ApproveForm,
    CommentForm,
    EvidenceForm,
    ExceptionForm,
    ItemForm,
    ProgressForm,
    PublishForm,
    ScheduleForm,
)
from plans.models import Plan, PlanEvidence, PlanItem, local_today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _plan(request, pk: int) -> Plan:
    return get_object_or_404(
        Plan.objects.visible_to(request.user).select_related(
            "cycle", "cycle__territory", "cycle_organization__organization__territory"
        ),
        pk=pk,
    )


def _item(plan: Plan, item_pk: int) -> PlanItem:
    return get_object_or_404(plan.items.select_related("shortcoming"), pk=item_pk)


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "message_dict"):
        for name, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _rights(request, plan: Plan) -> dict[str, bool]:
    return {
        "can_edit": services.can_edit(request.user, plan),
        "can_review": services.can_review(request.user, plan),
        "can_report": services.can_report(request.user, plan),
        "is_staff": services.is_staff_of(request.user, plan),
    }


# --- list ------------------------------------------------------------------------------------------------


@login_required
def plan_list(request):
    plans = Plan.objects.visible_to(request.user).select_related(
        "cycle", "cycle_organization__organization", "cycle_organization__organization__territory"
    )
    years = services.control_years(request.user)
    year = request.GET.get("year", "")
    status = request.GET.get("status", "")
    query = (request.GET.get("q") or "").strip()
    if year.isdigit():
        plans = plans.filter(cycle__year=int(year))
    if status in PlanStatus.values:
        plans = plans.filter(status=status)
    elif status == "exception":
        plans = plans.exceptions()
    if query:
        from registry.models import Organization

        plans = plans.filter(cycle_organization__organization__in=Organization.objects.search(query))
    plans = plans.order_by("-cycle__year", "cycle_organization__organization__territory__name", "pk")
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/list.html",
        {
            "page": page,
            "years": years,
            "year": year,
            "status": status,
            "q": query,
            "statuses": PlanStatus.choices,
        },
    )


# --- one plan ----------------------------------------------------------------------------------------------


@login_required
def plan_detail(request, pk: int):
    plan = _plan(request, pk)
    rights = _rights(request, plan)
    items = list(plan.items.select_related("shortcoming").prefetch_related("evidence").order_by("order", "pk"))
    today = local_today(plan.timezone_name)
    for item in items:
        item.overdue = plan.status == PlanStatus.APPROVED and item.is_overdue(today)
    schedule = services.schedule_for(plan.cycle)
    context = {
        "plan": plan,
        "sections": services.sections(plan, items),
        "stats": services.item_stats(plan, today),
        "late": services.plan_deadlines(plan, schedule=schedule),
        "schedule": schedule,
        "events": plan.events.order_by("-at", "-pk"),
        "today": today,
        "missing": services.completeness_errors(plan) if rights["can_edit"] else [],
        "add_form": ItemForm(manual=True, prefix="new") if rights["can_edit"] and not plan.is_exception else None,
        "approve_form": ApproveForm(
            initial={
                "approver_name": request.user.get_full_name(),
                "approver_position": services.default_approver_position(plan),
                "approved_on": today,
            }
        ),
        "comment_form": CommentForm(),
        "exception_form": ExceptionForm(),
        "publish_form": PublishForm(initial={"url": plan.published_url}),
        "exception_letter": services.exception_letter_text(plan) if plan.is_exception else "",
        **rights,
    }
    return render(request, "plans/detail.html", context)


def _row(request, plan: Plan, item: PlanItem, *, saved: bool = False):
    """One item card; after a save the submit block is refreshed out of band (htmx)."""
    today = local_today(plan.timezone_name)
    item.overdue = plan.status == PlanStatus.APPROVED and item.is_overdue(today)
    rights = _rights(request, plan)
    context = {"plan": plan, "item": item, **rights}
    if saved and rights["can_edit"] and not plan.is_exception:
        context.update(oob=True, missing=services.completeness_errors(plan))
    return render(request, "plans/_item.html", context)


@login_required
def item_row(request, pk: int, item_pk: int):
    plan = _plan(request, pk)
    return _row(request, plan, _item(plan, item_pk))


def _item_initial(item: PlanItem, hint: bool) -> dict:
    initial = {
        "shortcoming_text": item.shortcoming_text,
        "criterion_code": item.criterion_code,
        "measure": item.measure,
        "deadline": item.deadline,
        "responsible_name": item.responsible_name,
        "responsible_position": item.responsible_position,
        "planned_result": item.planned_result,
    }
    if hint:
        suggestion = hints.for_indicator(item.indicator_code)
        initial["measure"] = initial["measure"] or suggestion.get("measure", "")
        initial["planned_result"] = initial["planned_result"] or suggestion.get("result", "")
    return initial


@login_required
def item_edit(request, pk: int, item_pk: int):
    plan = _plan(request, pk)
    item = _item(plan, item_pk)
    if not services.can_edit(request.user, plan):
        raise PermissionDenied
    manual = item.shortcoming_id is None
    if request.method == "POST":
        form = ItemForm(request.POST, manual=manual, prefix=f"i{item.pk}")
        if form.is_valid():
            try:
                services.save_item(request.user, item, form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                if not request.htmx:
                    return redirect(plan)
                return _row(request, plan, item, saved=True)
    else:
        form = ItemForm(
            initial=_item_initial(item, request.GET.get("hint") == "1"), manual=manual, prefix=f"i{item.pk}"
        )
    return render(
        request,
        "plans/_item_form.html",
        {"plan": plan, "item": item, "form": form, "hint": hints.for_indicator(item.indicator_code)},
    )


@login_required
@require_POST
def item_add(request, pk: int):
    plan = _plan(request, pk)
    form = ItemForm(request.POST, manual=True, prefix="new")
    if form.is_valid():
        try:
            services.add_item(request.user, plan, form.cleaned_data)
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
        else:
            messages.success(request, _("Мероприятие добавлено"))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {error}")
    return redirect(plan)


@login_required
@require_POST
def item_delete(request, pk: int, item_pk: int):
    plan = _plan(request, pk)
    item = _item(plan, item_pk)
    try:
        services.delete_item(request.user, item)
    except ValidationError as exc:
        if request.htmx:
            return HttpResponse(" ".join(_messages_of(exc)), status=400)
        for message in _messages_of(exc):
            messages.error(request, message)
        return redirect(plan)
    if request.htmx:
        return HttpResponse("")
    return redirect(plan)


@login_required
def item_progress(request, pk: int, item_pk: int):
    plan = _plan(request, pk)
    item = _item(plan, item_pk)
    if not services.can_report(request.user, plan):
        raise PermissionDenied
    evidence_form = EvidenceForm(prefix=f"e{item.pk}")
    if request.method == "POST":
        form = ProgressForm(request.POST, prefix=f"p{item.pk}")
        evidence_form = EvidenceForm(request.POST, request.FILES, prefix=f"e{item.pk}")
        if form.is_valid() and evidence_form.is_valid():
            try:
                services.save_progress(request.user, item, form.cleaned_data)
                upload = evidence_form.cleaned_data.get("file")
                url = evidence_form.cleaned_data.get("url") or ""
                if upload or url:
                    services.add_evidence(
                        request.user, item, upload=upload, url=url, note=evidence_form.cleaned_data.get("note", "")
                    )
            except ValidationError as exc:
                _apply_errors(evidence_form if "file" in getattr(exc, "message_dict", {}) else form, exc)
            else:
                if not request.htmx:
                    return redirect(plan)
                return _row(request, plan, item)
    else:
        form = ProgressForm(
            initial={"status": item.status, "actual_measures": item.actual_measures, "actual_date": item.actual_date},
            prefix=f"p{item.pk}",
        )
    return render(
        request,
        "plans/_progress_form.html",
        {"plan": plan, "item": item, "form": form, "evidence_form": evidence_form},
    )


@login_required
def evidence_download(request, pk: int, evidence_pk: int):
    plan = _plan(request, pk)
    evidence = get_object_or_404(PlanEvidence.objects.filter(item__plan=plan), pk=evidence_pk)
    if not evidence.file:
        raise Http404
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name or evidence.file.name.rsplit("/", 1)[-1],
        content_type=evidence.content_type or "application/octet-stream",
    )


@login_required
@require_POST
def evidence_delete(request, pk: int, evidence_pk: int):
    plan = _plan(request, pk)
    evidence = get_object_or_404(PlanEvidence.objects.filter(item__plan=plan).select_related("item"), pk=evidence_pk)
    item = evidence.item
    services.delete_evidence(request.user, evidence)
    if request.htmx:
        return _row(request, plan, item)
    return redirect(plan)


# --- actions on the whole plan ---------------------------------------------------------------------------


def _act(request, plan: Plan, action, success: str):
    try:
        action()
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(plan)


@login_required
@require_POST
def plan_submit(request, pk: int):
    plan = _plan(request, pk)
    return _act(request, plan, lambda: services.submit_plan(request.user, plan), _("План направлен на утверждение"))


@login_required
@require_POST
def plan_return(request, pk: int):
    plan = _plan(request, pk)
    comment = request.POST.get("comment", "")
    return _act(
        request, plan, lambda: services.return_plan(request.user, plan, comment), _("План возвращён на доработку")
    )


@login_required
@require_POST
def plan_approve(request, pk: int):
    plan = _plan(request, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Проверьте дату утверждения"))
        return redirect(plan)
    data = form.cleaned_data
    return _act(
        request,
        plan,
        lambda: services.approve_plan(
            request.user,
            plan,
            approver_name=data["approver_name"],
            approver_position=data["approver_position"],
            approved_on=data["approved_on"],
            comment=data["comment"],
        ),
        _("План утверждён"),
    )


@login_required
@require_POST
def plan_reopen(request, pk: int):
    plan = _plan(request, pk)
    comment = request.POST.get("comment", "")
    return _act(
        request, plan, lambda: services.reopen_plan(request.user, plan, comment), _("Утверждение плана отменено")
    )


@login_required
@require_POST
def plan_exception(request, pk: int):
    plan = _plan(request, pk)
    reason = request.POST.get("reason", "")
    note = request.POST.get("note", "")
    return _act(
        request,
        plan,
        lambda: services.record_exception(request.user, plan, reason, note),
        _("Исключение оформлено: план не составляется"),
    )


@login_required
@require_POST
def plan_exception_cancel(request, pk: int):
    plan = _plan(request, pk)
    return _act(request, plan, lambda: services.cancel_exception(request.user, plan), _("Исключение отменено"))


@login_required
@require_POST
def plan_publish(request, pk: int):
    plan = _plan(request, pk)
    published = request.POST.get("published", "1") == "1"
    url = request.POST.get("url", "")
    return _act(
        request,
        plan,
        lambda: services.set_published(request.user, plan, published, url),
        _("Отметка о размещении сохранена") if published else _("Отметка о размещении снята"),
    )


@login_required
@require_POST
def plan_report(request, pk: int):
    plan = _plan(request, pk)
    return _act(
        request,
        plan,
        lambda: services.submit_report(request.user, plan, request.POST.get("comment", "")),
        _("Сведения о ходе реализации представлены"),
    )


@login_required
def plan_docx(request, pk: int):
    plan = _plan(request, pk)
    report = request.GET.get("report") == "1" and plan.status == PlanStatus.APPROVED and not plan.is_exception
    response = HttpResponse(documents.plan_docx(plan, report=report), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(plan, "docx", report=report)}"'
    return response


@login_required
def plan_xlsx(request, pk: int):
    plan = _plan(request, pk)
    response = HttpResponse(documents.plan_xlsx(plan), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(plan, "xlsx")}"'
    return response


# --- control for the authority ---------------------------------------------------------------------------


@login_required
def control(request):
    years = services.control_years(request.user)
    seedable = [
        c
        for c in Cycle.objects.visible_to(request.user).select_related("territory").order_by("-year", "territory__name")
        if services.can_manage_cycle(request.user, c) and services.may_seed(c)
    ]
    all_years = sorted(set(years) | {c.year for c in seedable}, reverse=True)
    try:
        year = int(request.GET.get("year") or (all_years[0] if all_years else datetime.date.today().year))
    except ValueError:
        year = all_years[0] if all_years else datetime.date.today().year
    summary = services.control_summary(request.user, year)
    overdue = services.overdue_items(request.user, cycles=Cycle.objects.filter(year=year))
    cycles = []
    for cycle in (c for c in seedable if c.year == year):
        cycle.plan_count = cycle.plans.count()
        cycle.entry_count = cycle.entries.included().count()
        cycle.schedule = services.schedule_for(cycle)
        cycles.append(cycle)
    return render(
        request,
        "plans/control.html",
        {
            "summary": summary,
            "years": all_years,
            "year": year,
            "overdue": overdue[:100],
            "overdue_count": overdue.count(),
            "cycles": cycles,
            "reasons": ExceptionReason.choices[1:],
        },
    )


@login_required
@require_POST
def cycle_seed(request, cycle_pk: int):
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_pk)
    if not services.can_manage_cycle(request.user, cycle):
        raise PermissionDenied
    from jobs.services import enqueue

    job = enqueue("plans.seed", f"Проекты планов: {cycle}", request.user, cycle_id=cycle.pk)
    return redirect("jobs:detail", job.pk)


@login_required
def cycle_schedule(request, cycle_pk: int):
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_pk)
    if not services.can_manage_cycle(request.user, cycle):
        raise PermissionDenied
    schedule = services.schedule_for(cycle)
    form = ScheduleForm(request.POST or None, instance=schedule)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_schedule(request.user, cycle, form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Сроки сохранены"))
            return redirect(f"{_control_url()}?year={cycle.year}")
    return render(request, "plans/schedule.html", {"cycle": cycle, "form": form})


def _control_url() -> str:
    from django.urls import reverse

    return reverse("plans:control")


@login_required
def control_xlsx(request):
    try:
        year = int(request.GET.get("year", ""))
    except ValueError as exc:
        raise Http404 from exc
    rows = services.organization_rows(request.user, year)
    response = HttpResponse(documents.organizations_xlsx(rows, year), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="plans-{year}.xlsx"'
    return response
