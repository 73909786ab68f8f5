"""Pages of cycles: the list and its planner, phases, operator, target indicators, the activity plan."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cycles import indicators, services
from cycles.forms import (
    AcceptForm,
    ActivityItemForm,
    ActivityPlanForm,
    CycleForm,
    HistoryImportForm,
    IndicatorFilterForm,
    ListChangeForm,
    MilestoneForm,
    OperatorForm,
    PhaseForm,
    managed_territories,
    visible_territories,
)
from cycles.models import (
    ActivityPlan,
    ActivityPlanItem,
    Cycle,
    CycleOrganization,
    CyclePhase,
    OperatorEngagement,
    OperatorMilestone,
    TargetCode,
)
from cycles.planner import candidate_organizations, plan_cycle
from lib.tables import TableError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [f"{k}: {m}" if k != "__all__" else m for k, ms in exc.message_dict.items() for m in ms]
    return list(exc.messages)


def _approving_decisions(cycle):
    try:
        from council.services import decisions_for
    except ImportError:
        return []
    return list(decisions_for(cycle))


@login_required
def cycle_list(request):
    cycles = Cycle.objects.visible_to(request.user).select_related("territory")
    return render(
        request,
        "cycles/list.html",
        {"cycles": cycles, "can_create": managed_territories(request.user).exists()},
    )


@login_required
def cycle_create(request):
    form = CycleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if Cycle.objects.filter(territory=data["territory"], year=data["year"]).exists():
            form.add_error("year", _("Цикл этой территории на этот год уже есть"))
        else:
            cycle = services.create_cycle(request.user, data["territory"], data["year"], data["title"])
            services.ensure_phases(cycle)
            messages.success(request, _("Цикл создан. Сформируйте список организаций."))
            return redirect("cycles:planner", cycle.pk)
    return render(request, "cycles/form.html", {"form": form, "title": _("Новый цикл оценки")})


@login_required
def cycle_detail(request, pk: int):
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user).select_related("territory"), pk=pk)
    entries = (
        CycleOrganization.objects.visible_to(request.user)
        .filter(cycle=cycle)
        .select_related("organization", "organization__territory")
        .order_by("organization__territory__name", "organization__short_name")
    )
    today = datetime.date.today()
    phases = list(cycle.phases.all())
    for phase in phases:
        phase.current_state = phase.state(today)
    current = next((p for p in phases if p.phase == cycle.phase), None)
    operator = OperatorEngagement.objects.filter(cycle=cycle).prefetch_related("milestones").first()
    can_manage = services.may_manage(request.user, cycle.territory)
    return render(
        request,
        "cycles/detail.html",
        {
            "cycle": cycle,
            "entries": entries,
            "included_count": cycle.entries.included().count() if can_manage else None,
            "phases": phases,
            "current_phase": current,
            "late_phases": [p for p in phases if p.current_state == CyclePhase.State.LATE],
            "operator": operator,
            "late_milestones": [m for m in operator.milestones.all() if m.is_late(today)] if operator else [],
            "decisions": _approving_decisions(cycle),
            "can_manage": can_manage,
            "next_phase": services.next_phase(cycle),
            "change_form": ListChangeForm() if can_manage and cycle.list_frozen else None,
            "today": today,
        },
    )


def _managed_cycle(request, pk: int) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user).select_related("territory"), pk=pk)
    services._check_manager(request.user, cycle.territory)
    return cycle


@login_required
def cycle_planner(request, pk: int):
    cycle = _managed_cycle(request, pk)
    capacity = request.GET.get("capacity") or request.POST.get("capacity")
    capacity = int(capacity) if capacity and str(capacity).isdigit() else None
    errors: list[str] = []
    if request.method == "POST":
        if request.POST.get("apply") == "proposal":
            chosen = plan_cycle(cycle, capacity).proposal.proposed
        else:
            chosen = [int(i) for i in request.POST.getlist("organizations") if i.isdigit()]
        try:
            services.set_list(request.user, cycle, chosen, override_reason=request.POST.get("override_reason", ""))
        except services.ListRuleError as exc:
            errors = [_("Список нарушает правило «не чаще раза в год»; укажите основание, чтобы сохранить его:")]
            errors += exc.messages
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Список сохранён: %(n)s организаций.") % {"n": len(chosen)})
            return redirect("cycles:planner", cycle.pk)
    view = plan_cycle(cycle, capacity)
    return render(
        request,
        "cycles/planner.html",
        {
            "cycle": cycle,
            "view": view,
            "errors": errors,
            "posted": set(int(i) for i in request.POST.getlist("organizations") if i.isdigit()) if errors else None,
            "import_form": HistoryImportForm(),
        },
    )


@login_required
@require_POST
def history_import(request, pk: int):
    cycle = _managed_cycle(request, pk)
    form = HistoryImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = services.import_prior_assessments(request.user, cycle.territory, upload.read(), upload.name)
        except TableError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            for message in exc.messages[:30]:
                messages.error(request, message)
        else:
            messages.success(request, _("Внесено сведений о проведённых оценках: %(n)s.") % {"n": created})
    return redirect("cycles:planner", cycle.pk)


@login_required
@require_POST
def list_change(request, pk: int):
    cycle = _managed_cycle(request, pk)
    form = ListChangeForm(request.POST)
    if form.is_valid():
        org = get_object_or_404(candidate_organizations(cycle), pk=form.cleaned_data["organization"])
        try:
            if form.cleaned_data["action"] == "add":
                services.change_frozen_list(request.user, cycle, add=[org], reason=form.cleaned_data["reason"])
            else:
                services.change_frozen_list(request.user, cycle, exclude=[org], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        else:
            messages.success(request, _("Утверждённый список изменён; изменение записано в журнал."))
    else:
        messages.error(request, _("Укажите основание изменения утверждённого списка."))
    return redirect("cycles:detail", cycle.pk)


@login_required
def cycle_phases(request, pk: int):
    cycle = _managed_cycle(request, pk)
    phases = services.ensure_phases(cycle)
    forms_ = [PhaseForm(request.POST or None, instance=p, prefix=f"p{p.pk}") for p in phases]
    if request.method == "POST" and all(f.is_valid() for f in forms_):
        try:
            for form in forms_:
                if form.has_changed():
                    fresh = CyclePhase.objects.get(pk=form.instance.pk)  # the form has changed its instance
                    services.update_phase_dates(request.user, fresh, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "; ".join(_errors(exc)))
        else:
            messages.success(request, _("Сроки этапов сохранены."))
            return redirect("cycles:detail", cycle.pk)
    return render(request, "cycles/phases.html", {"cycle": cycle, "forms": forms_})


@login_required
@require_POST
def cycle_advance(request, pk: int):
    cycle = _managed_cycle(request, pk)
    try:
        services.ensure_phases(cycle)
        services.advance_phase(request.user, cycle)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Цикл переведён на этап «%(phase)s».") % {"phase": cycle.get_phase_display()})
    return redirect("cycles:detail", cycle.pk)


@login_required
def operator_edit(request, pk: int):
    cycle = _managed_cycle(request, pk)
    engagement = OperatorEngagement.objects.filter(cycle=cycle).first()
    form = OperatorForm(request.POST or None, instance=engagement)
    if request.method == "POST" and form.is_valid():
        services.save_operator(request.user, cycle, form.cleaned_data)
        messages.success(request, _("Сведения об операторе сохранены."))
        return redirect("cycles:operator", cycle.pk)
    return render(
        request,
        "cycles/operator.html",
        {
            "cycle": cycle,
            "form": form,
            "engagement": engagement,
            "milestone_form": MilestoneForm(),
            "accept_form": AcceptForm(initial={"accepted_on": datetime.date.today()}),
            "today": datetime.date.today(),
        },
    )


@login_required
@require_POST
def milestone_add(request, pk: int):
    cycle = _managed_cycle(request, pk)
    engagement = get_object_or_404(OperatorEngagement, cycle=cycle)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        services.add_milestone(request.user, engagement, form.cleaned_data["title"], form.cleaned_data["due_date"])
    else:
        messages.error(request, _("Укажите наименование этапа работ."))
    return redirect("cycles:operator", cycle.pk)


@login_required
@require_POST
def milestone_done(request, pk: int, milestone_pk: int):
    cycle = _managed_cycle(request, pk)
    milestone = get_object_or_404(OperatorMilestone, pk=milestone_pk, engagement__cycle=cycle)
    services.complete_milestone(request.user, milestone, datetime.date.today())
    return redirect("cycles:operator", cycle.pk)


@login_required
@require_POST
def operator_accept(request, pk: int):
    cycle = _managed_cycle(request, pk)
    engagement = get_object_or_404(OperatorEngagement, cycle=cycle)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            services.accept_operator_report(
                request.user, engagement, form.cleaned_data["accepted_on"], form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Отчёт оператора принят."))
    return redirect("cycles:operator", cycle.pk)


# --- target indicators -----------------------------------------------------------------------------


def _indicator_params(request):
    territories = visible_territories(request.user)
    default = territories.first()
    this_year = datetime.date.today().year
    form = IndicatorFilterForm(request.GET or None, user=request.user)
    if request.GET and form.is_valid():
        territory = form.cleaned_data["territory"]
        year_from, year_to = form.cleaned_data["year_from"], form.cleaned_data["year_to"]
    else:
        territory, year_from, year_to = default, this_year - 2, this_year
        if not request.GET:
            form = IndicatorFilterForm(
                initial={"territory": default, "year_from": year_from, "year_to": year_to}, user=request.user
            )
    if year_to < year_from:
        year_from, year_to = year_to, year_from
    years = list(range(year_from, min(year_to, year_from + 9) + 1))
    return form, territory, years


@login_required
def indicator_table(request):
    form, territory, years = _indicator_params(request)
    if territory is None:
        return render(request, "cycles/indicators.html", {"form": form, "territory": None})
    can_manage = services.may_manage(request.user, territory)
    if request.method == "POST" and can_manage:
        try:
            for year in years:
                for code in TargetCode.values:
                    count = request.POST.get(f"count-{year}-{code}", "").strip()
                    share = request.POST.get(f"share-{year}-{code}", "").strip().replace(",", ".")
                    services.set_target_plan(
                        request.user,
                        territory,
                        year,
                        code,
                        planned_count=int(count) if count else None,
                        planned_share=share or None,
                    )
        except (ValueError, ValidationError) as exc:
            messages.error(request, _("Плановые значения не сохранены: %(e)s") % {"e": exc})
        else:
            messages.success(request, _("Плановые значения сохранены."))
        return redirect(f"{request.path}?{request.GET.urlencode()}")
    data = indicators.indicators_by_year(territory, years)
    table = []
    for index, code in enumerate(TargetCode.values):
        table.append(
            {
                "number": index + 1,
                "label": TargetCode(code).label,
                "code": code,
                "years": [data[y][index] for y in years],
            }
        )
    return render(
        request,
        "cycles/indicators.html",
        {
            "form": form,
            "territory": territory,
            "years": years,
            "table": table,
            "can_manage": can_manage,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def indicator_export(request):
    _form, territory, years = _indicator_params(request)
    if territory is None:
        return redirect("cycles:indicators")
    content = indicators.export_xlsx(territory, years)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="target-indicators-{years[0]}-{years[-1]}.xlsx"'
    return response


# --- activity plan ---------------------------------------------------------------------------------


@login_required
def activity_list(request):
    plans = ActivityPlan.objects.visible_to(request.user).select_related("territory")
    can_create = managed_territories(request.user).exists()
    this_year = datetime.date.today().year
    form = ActivityPlanForm(
        request.POST or None, user=request.user, initial={"year_from": this_year, "year_to": this_year + 2}
    )
    if request.method == "POST" and can_create and form.is_valid():
        try:
            plan = services.create_activity_plan(
                request.user,
                form.cleaned_data["territory"],
                form.cleaned_data["year_from"],
                form.cleaned_data["year_to"],
                form.cleaned_data["title"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
        else:
            messages.success(request, _("План создан по типовому шаблону; мероприятия можно изменять."))
            return redirect(plan)
    return render(request, "cycles/activity_list.html", {"plans": plans, "form": form, "can_create": can_create})


@login_required
def activity_detail(request, pk: int):
    plan = get_object_or_404(ActivityPlan.objects.visible_to(request.user).select_related("territory"), pk=pk)
    today = datetime.date.today()
    items = list(plan.items.all())
    show = request.GET.get("show", "")
    for item in items:
        item.overdue = item.is_overdue(today)
    overdue = [i for i in items if i.overdue]
    if show == "overdue":
        items = overdue
    return render(
        request,
        "cycles/activity_detail.html",
        {
            "plan": plan,
            "items": items,
            "overdue_count": len(overdue),
            "show": show,
            "can_manage": services.may_manage(request.user, plan.territory),
            "today": today,
        },
    )


@login_required
def activity_item_edit(request, pk: int, item_pk: int | None = None):
    plan = get_object_or_404(ActivityPlan.objects.visible_to(request.user).select_related("territory"), pk=pk)
    services._check_manager(request.user, plan.territory)
    item = get_object_or_404(ActivityPlanItem, pk=item_pk, plan=plan) if item_pk else None
    form = ActivityItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            fresh = ActivityPlanItem.objects.get(pk=item.pk) if item else None  # the form has changed `item`
            services.save_activity_item(request.user, plan, form.cleaned_data, item=fresh)
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                for e in errs:
                    form.add_error(field if field in form.fields else None, e)
        else:
            messages.success(request, _("Мероприятие сохранено."))
            return redirect(plan)
    title = _("Мероприятие плана") if item else _("Новое мероприятие")
    return render(request, "cycles/form.html", {"form": form, "title": title, "back": plan.get_absolute_url()})
