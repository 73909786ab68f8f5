"""Scoring pages: thin views over scoring.services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cycles.models import Cycle, CycleOrganization
from registry.choices import OrgType
from scoring import conf, exports, services
from scoring.choices import Level, RatingGroup
from scoring.forms import InputForm, InputImportForm, ReasonForm
from scoring.models import CRITERION_CODES, TOTAL_CODE, InputImport, Methodology, Result, display_code

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cycle(request, pk: int) -> Cycle:
    return get_object_or_404(Cycle.objects.visible_to(request.user).select_related("territory"), pk=pk)


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def index(request):
    cycles = list(Cycle.objects.visible_to(request.user).select_related("territory"))
    computed: dict[int, dict] = {}
    totals = (
        Result.objects.visible_to(request.user)
        .filter(code=TOTAL_CODE, cycle__in=cycles)
        .values_list("cycle_id", "status")
    )
    for cycle_id, status in totals:
        entry = computed.setdefault(cycle_id, {"n": 0, "final": False})
        entry["n"] += 1
        entry["final"] = entry["final"] or status == "final"
    rows = [{"cycle": c, "info": computed.get(c.pk)} for c in cycles]
    years = sorted({c.year for c in cycles}, reverse=True)
    return render(request, "scoring/index.html", {"rows": rows, "years": years})


def _overall_list(overall: dict) -> list[tuple[str, dict | None]]:
    return [(code, overall.get(code)) for code in services.RATING_CODES] if overall else []


@login_required
def cycle_results(request, pk: int):
    cycle = _cycle(request, pk)
    table = services.result_table(request.user, cycle)
    org_type = request.GET.get("type", "")
    territory = request.GET.get("territory", "")
    territories = sorted(
        {(r["organization"].territory_id, r["organization"].territory.name) for r in table}, key=lambda t: t[1]
    )
    if org_type:
        table = [r for r in table if r["organization"].org_type == org_type]
    if territory:
        table = [r for r in table if str(r["organization"].territory_id) == territory]
    results = Result.objects.visible_to(request.user).filter(cycle=cycle)
    context = {
        "cycle": cycle,
        "table": table,
        "criteria": [display_code(c) for c in CRITERION_CODES],
        "status": services.cycle_status(cycle),
        "runs": cycle.scoring_runs.all()[:5],
        "overall": [(c, display_code(c), o) for c, o in _overall_list(services.overall(results))],
        "can_compute": services.can_compute(request.user, cycle),
        "can_finalize": services.can_finalize(request.user, cycle),
        "is_final": services.is_final(cycle),
        "org_types": OrgType.choices,
        "territories": territories,
        "selected_type": org_type,
        "selected_territory": territory,
        "reason_form": ReasonForm(initial={"gather": True}),
        "low_n": results.filter(low_n=True).count(),
    }
    return render(request, "scoring/cycle.html", context)


@login_required
@require_POST
def compute(request, pk: int):
    cycle = _cycle(request, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        job = services.start_recompute(
            request.user,
            cycle,
            reason=form.cleaned_data.get("reason", ""),
            gather=form.cleaned_data.get("gather", False),
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("scoring:cycle", pk=cycle.pk)
    return redirect(reverse("jobs:detail", args=[job.pk]))


@login_required
@require_POST
def finalize(request, pk: int):
    cycle = _cycle(request, pk)
    try:
        count = services.finalize_cycle(request.user, cycle)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Результаты утверждены как итоговые (%(n)s значений).") % {"n": count})
    return redirect("scoring:cycle", pk=cycle.pk)


@login_required
def import_inputs(request, pk: int):
    cycle = _cycle(request, pk)
    if not services.can_compute(request.user, cycle):
        raise Http404
    form = InputImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        options = {"reason": form.cleaned_data.get("reason", ""), "dry_run": form.cleaned_data.get("dry_run", False)}
        uploads = form.uploads()
        if services.import_in_background(sum(upload.size for _name, upload in uploads)):
            record = services.start_import(request.user, cycle, uploads, **options)
            return redirect("scoring:import_detail", pk=record.pk)
        report = services.import_inputs(request.user, cycle, form.files_data(), **options)
    return render(
        request,
        "scoring/import.html",
        {
            "cycle": cycle,
            "form": form,
            "report": report,
            "is_final": services.is_final(cycle),
            "imports": InputImport.objects.filter(cycle=cycle).select_related("job", "created_by")[:10],
            "sync_limit": conf.import_sync_bytes(),
        },
    )


@login_required
def import_detail(request, pk: int):
    """A large upload checked and loaded by a background job: its progress, then its report."""
    record = get_object_or_404(
        InputImport.objects.visible_to(request.user).select_related("cycle", "job", "created_by"), pk=pk
    )
    if not services.can_compute(request.user, record.cycle):
        raise Http404
    context = {"record": record, "cycle": record.cycle, "job": record.job, "report": record.report or None}
    template = "scoring/_import_status.html" if request.htmx else "scoring/import_job.html"
    return render(request, template, context)


@login_required
def input_template(request, pk: int, kind: str):
    cycle = _cycle(request, pk)
    if kind not in ("inputs", "checklist", "answers"):
        raise Http404
    methodology = services.methodology_for(cycle)
    data = exports.input_template(cycle, kind, methodology, services._items_by_group(methodology))
    return _xlsx(data, f"noko-{cycle.year}-{cycle.pk}-{kind}.xlsx")


@login_required
def export_results(request, pk: int):
    cycle = _cycle(request, pk)
    table = services.result_table(request.user, cycle)
    methodology = services.methodology_for(cycle)
    codes = [i["code"] for i in methodology.definition.get("indicators", [])]
    indicator_rows: dict[int, dict[str, Decimal]] = {}
    for entry_id, code, value in (
        Result.objects.visible_to(request.user)
        .filter(cycle=cycle, level=Level.INDICATOR)
        .values_list("cycle_organization_id", "code", "value")
    ):
        indicator_rows.setdefault(entry_id, {})[code] = value
    data = exports.results_xlsx(cycle, table, indicator_rows, codes)
    return _xlsx(data, f"noko-{cycle.year}-{cycle.pk}-results.xlsx")


def _rating_params(request):
    code = request.GET.get("code", TOTAL_CODE)
    if code not in services.RATING_CODES:
        code = TOTAL_CODE
    group = request.GET.get("group", RatingGroup.CYCLE)
    if group not in RatingGroup.values:
        group = RatingGroup.CYCLE
    key = request.GET.get("key", "")
    try:
        top = max(1, min(500, int(request.GET.get("top", 10))))
    except ValueError:
        top = 10
    try:
        share = Decimal(request.GET["share"]) / 100 if request.GET.get("share") else None
        if share is not None and not (0 < share <= 1):
            share = None
    except (InvalidOperation, ValueError):
        share = None
    return code, group, key, top, share


@login_required
def ratings(request, pk: int):
    cycle = _cycle(request, pk)
    code, group, key, top, share = _rating_params(request)
    rows = list(services.rating_rows(request.user, cycle, code=code, group=group, group_key=key))
    keys = sorted({r.group_key for r in rows})
    selected_key = key or (keys[0] if group != RatingGroup.CYCLE and keys else "")
    if group != RatingGroup.CYCLE:
        rows = [r for r in rows if r.group_key == selected_key]
    leaders, worst = services.leaders_and_worst(rows, top=top, share=share)
    key_labels = _group_key_labels(group, keys)
    if request.GET.get("format") == "xlsx":
        title = f"{cycle}: рейтинг по {display_code(code)}"
        data = exports.rating_xlsx(title, rows, leaders, worst)
        return _xlsx(data, f"noko-{cycle.year}-{cycle.pk}-rating-{code}.xlsx")
    return render(
        request,
        "scoring/ratings.html",
        {
            "cycle": cycle,
            "rows": rows,
            "leaders": leaders,
            "worst": worst,
            "code": code,
            "group": group,
            "group_key": selected_key,
            "group_keys": [(k, key_labels.get(k, k)) for k in keys],
            "groups": RatingGroup.choices,
            "codes": [(c, display_code(c)) for c in services.RATING_CODES],
            "top": top,
            "share": request.GET.get("share", ""),
        },
    )


def _group_key_labels(group: str, keys) -> dict[str, str]:
    if group == RatingGroup.ORG_TYPE:
        return {k: OrgType.short_label(k) for k in keys}
    if group == RatingGroup.TERRITORY:
        from registry.models import Territory

        territories = Territory.objects.filter(pk__in=[int(k) for k in keys if k.isdigit()])
        return {str(pk): name for pk, name in territories.values_list("pk", "name")}
    return {}


@login_required
def aggregates(request):
    cycles = Cycle.objects.visible_to(request.user)
    years = sorted(set(cycles.values_list("year", flat=True)), reverse=True)
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        year = years[0] if years else 0
    by = request.GET.get("by", "territory")
    if by not in services.AGGREGATE_GROUPS:
        by = "territory"
    results = Result.objects.visible_to(request.user).filter(cycle__in=cycles.filter(year=year))
    return render(
        request,
        "scoring/aggregates.html",
        {
            "year": year,
            "years": years,
            "by": by,
            "groups": services.aggregates(request.user, results, by=by),
            "overall": [o for _c, o in _overall_list(services.overall(results))],
            "codes": [display_code(c) for c in services.RATING_CODES],
        },
    )


@login_required
def entry_card(request, pk: int):
    entry = get_object_or_404(
        CycleOrganization.objects.visible_to(request.user).select_related(
            "organization__territory", "cycle__territory"
        ),
        pk=pk,
    )
    card = services.organization_card(request.user, entry)
    can_edit = services.can_compute(request.user, entry.cycle)
    card.update(
        {
            "can_edit": can_edit,
            "input_form": InputForm() if can_edit else None,
            "is_final": services.is_final(entry.cycle),
            "key_labels": {i.key: exports.key_label(i.key) for i in card["inputs"]},
            "rating_groups": [(g, label) for g, label in RatingGroup.choices],
        }
    )
    return render(request, "scoring/card.html", card)


@login_required
@require_POST
def set_input(request, pk: int):
    entry = get_object_or_404(CycleOrganization.objects.visible_to(request.user).select_related("cycle"), pk=pk)
    form = InputForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Укажите ключ и значение"))
        return redirect("scoring:card", pk=entry.pk)
    try:
        services.set_input(
            request.user,
            entry,
            form.cleaned_data["key"],
            form.cleaned_data["value"],
            reason=form.cleaned_data.get("reason", ""),
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Значение сохранено. Пересчитайте цикл, чтобы обновить результаты."))
    return redirect("scoring:card", pk=entry.pk)


@login_required
def methodology_detail(request, code: str):
    methodology = get_object_or_404(Methodology, code=code)
    context = {"methodology": methodology, "definition": methodology.definition}
    return render(request, "scoring/methodology.html", context)
