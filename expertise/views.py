"""Pages of the expertise: cycle overview, the phone-friendly checklist, evidence, the right of reply."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cycles.models import Cycle, CycleOrganization, Phase
from expertise import definitions, importer, permissions, services
from expertise.aggregate import count_cycle
from expertise.choices import (
    DisputeStatus,
    EvidenceSource,
    Mark,
    ResultStatus,
    Section,
    VisitMode,
)
from expertise.evidence import ACCEPT
from expertise.forms import (
    BranchRuleForm,
    ChecklistUploadForm,
    DecisionForm,
    DisputeForm,
    ReplyWindowForm,
    StartResultForm,
    UploadForm,
)
from expertise.models import (
    Checklist,
    ChecklistMark,
    ChecklistResult,
    Dispute,
    Evidence,
    organization_only,
)
from registry.models import Organization

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _cycle(request, pk: int) -> Cycle:
    return get_object_or_404(Cycle.objects.visible_to(request.user).select_related("territory"), pk=pk)


def _entry(request, pk: int) -> CycleOrganization:
    return get_object_or_404(
        CycleOrganization.objects.visible_to(request.user).select_related(
            "organization", "organization__territory", "cycle", "cycle__territory"
        ),
        pk=pk,
    )


def _result(request, pk: int) -> ChecklistResult:
    return get_object_or_404(
        ChecklistResult.objects.visible_to(request.user).select_related(
            "cycle_organization__organization__territory",
            "cycle_organization__cycle__territory",
            "building",
            "checklist",
            "expert",
        ),
        pk=pk,
    )


# --- overview ---------------------------------------------------------------------------------------


@login_required
def index(request):
    if organization_only(request.user):
        entries = (
            CycleOrganization.objects.visible_to(request.user)
            .select_related("organization", "cycle")
            .order_by("-cycle__year")
        )
        return render(request, "expertise/org_index.html", {"entries": entries})
    cycles = (
        Cycle.objects.visible_to(request.user)
        .select_related("territory")
        .annotate(
            n_orgs=Count("entries", filter=Q(entries__status=CycleOrganization.Status.INCLUDED), distinct=True),
        )
        .order_by("-year", "territory__name")
    )
    visible_results = ChecklistResult.objects.visible_to(request.user).filter(building__isnull=True)
    submitted = dict(
        visible_results.filter(status=ResultStatus.SUBMITTED)
        .values("cycle_organization__cycle")
        .annotate(n=Count("pk"))
        .values_list("cycle_organization__cycle", "n")
    )
    disputes = dict(
        Dispute.objects.visible_to(request.user)
        .unresolved()
        .values("mark__result__cycle_organization__cycle")
        .annotate(n=Count("pk"))
        .values_list("mark__result__cycle_organization__cycle", "n")
    )
    rows = [(c, submitted.get(c.pk, 0), disputes.get(c.pk, 0)) for c in cycles]
    current = [r for r in rows if r[0].phase != Phase.CLOSED]
    past = [r for r in rows if r[0].phase == Phase.CLOSED]
    return render(
        request,
        "expertise/index.html",
        {"current": current, "past": past, "can_define": permissions.can_define_checklists(request.user)},
    )


STATUS_FILTERS = {
    "none": gettext_lazy("не начат"),
    ResultStatus.DRAFT: ResultStatus.DRAFT.label,
    ResultStatus.SUBMITTED: ResultStatus.SUBMITTED.label,
    "disputed": gettext_lazy("есть возражения"),
    "changed": gettext_lazy("изменён по возражениям"),
}


@login_required
def cycle_detail(request, pk: int):
    cycle = _cycle(request, pk)
    settings = services.settings_for(cycle)
    entries = (
        CycleOrganization.objects.visible_to(request.user)
        .included()
        .filter(cycle=cycle)
        .select_related("organization", "organization__territory")
        .prefetch_related(
            Prefetch(
                "checklist_results",
                queryset=ChecklistResult.objects.visible_to(request.user).select_related("building"),
                to_attr="visible_results",
            )
        )
        .order_by("organization__territory__name", "organization__short_name")
    )
    query = request.GET.get("q", "").strip()
    if query:
        entries = entries.filter(organization__in=Organization.objects.search(query))
    status = request.GET.get("status", "")
    main = ChecklistResult.objects.filter(building__isnull=True, cycle_organization__cycle=cycle)
    if status == "none":
        entries = entries.exclude(pk__in=main.values("cycle_organization"))
    elif status in (ResultStatus.DRAFT, ResultStatus.SUBMITTED):
        entries = entries.filter(pk__in=main.filter(status=status).values("cycle_organization"))
    elif status == "disputed":
        entries = entries.filter(checklist_results__marks__disputes__isnull=False).distinct()
    elif status == "changed":
        entries = entries.filter(checklist_results__marks__disputes__status=DisputeStatus.ACCEPTED).distinct()
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    page_ids = [entry.pk for entry in page]
    counts = count_cycle(cycle, entries=page_ids)
    open_disputes = dict(
        Dispute.objects.unresolved()
        .filter(mark__result__cycle_organization_id__in=page_ids)
        .values("mark__result__cycle_organization")
        .annotate(n=Count("pk"))
        .values_list("mark__result__cycle_organization", "n")
    )
    rows = []
    for entry in page:
        row_counts = counts.get(entry.pk)
        sections = []
        if row_counts:
            for section in Section.values:
                final, pre = row_counts.final[section], row_counts.preliminary[section]
                sections.append(
                    {
                        "present": final.present,
                        "applicable": final.applicable,
                        "pre_present": pre.present,
                        "changed": final.present != pre.present or final.applicable != pre.applicable,
                    }
                )
        main_result = next((r for r in entry.visible_results if r.building_id is None), None)
        rows.append(
            {
                "entry": entry,
                "main": main_result,
                "results": entry.visible_results,
                "sections": sections,
                "open_disputes": open_disputes.get(entry.pk, 0),
            }
        )
    in_cycle = ChecklistResult.objects.visible_to(request.user).filter(cycle_organization__cycle=cycle)
    submitted = in_cycle.filter(status=ResultStatus.SUBMITTED).values("cycle_organization").distinct().count()
    changed = (
        ChecklistMark.objects.filter(result__in=in_cycle, preliminary_value__isnull=False)
        .exclude(value=F("preliminary_value"))
        .values("result__cycle_organization")
        .distinct()
        .count()
    )
    context = {
        "cycle": cycle,
        "settings": settings,
        "reply_state": settings.reply_state(),
        "tz": services.cycle_timezone(cycle),
        "page": page,
        "rows": rows,
        "status": status,
        "query": query,
        "status_filters": STATUS_FILTERS,
        "querystring": _query_without_page(request),
        "can_manage": permissions.can_manage_cycle(request.user, cycle),
        "can_import": permissions.can_import(request.user, cycle),
        "window_form": ReplyWindowForm(initial={"working_days": settings.reply_working_days or 5}),
        "branch_form": BranchRuleForm(initial={"branch_rule": settings.branch_rule}),
        "changed_count": changed,
        "submitted_count": submitted,
        "sections": Section.choices,
        "checklist_version": cycle.checklist_version,
    }
    return render(request, "expertise/cycle.html", context)


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_POST
def reply_window(request, pk: int):
    cycle = _cycle(request, pk)
    form = ReplyWindowForm(request.POST)
    if form.is_valid():
        try:
            found = services.set_reply_window(request.user, cycle, working_days=form.cleaned_data["working_days"])
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(
                request,
                _("Приём возражений открыт до %(deadline)s.")
                % {"deadline": services.local_text(found.reply_closes_at, services.cycle_timezone(cycle))},
            )
    else:
        messages.error(request, _("Укажите число рабочих дней от 1 до 60."))
    return redirect("expertise:cycle", pk=cycle.pk)


@login_required
@require_POST
def branch_rule(request, pk: int):
    cycle = _cycle(request, pk)
    form = BranchRuleForm(request.POST)
    if form.is_valid():
        try:
            services.set_branch_rule(request.user, cycle, form.cleaned_data["branch_rule"])
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Правило учёта зданий сохранено."))
    return redirect("expertise:cycle", pk=cycle.pk)


@login_required
@require_POST
def refer_unresolved(request, pk: int):
    cycle = _cycle(request, pk)
    count = services.refer_unresolved(request.user, cycle)
    messages.success(request, _("Передано в общественный совет возражений: %(n)s.") % {"n": count})
    return redirect("expertise:disputes", pk=cycle.pk)


# --- one organization -------------------------------------------------------------------------------


@login_required
def organization(request, pk: int):
    entry = _entry(request, pk)
    results = list(
        ChecklistResult.objects.visible_to(request.user)
        .filter(cycle_organization=entry)
        .select_related("building", "expert")
    )
    started = {r.building_id for r in results}
    can_fill = permissions.can_fill(request.user, entry)
    buildings = []
    if can_fill:
        if None not in started:
            buildings.append((None, entry.organization))
        buildings += [(b.pk, b) for b in entry.organization.branches.all() if b.pk not in started]
    remote = []
    if permissions.can_reply(request.user, entry):
        remote = list(
            ChecklistResult.objects.filter(
                cycle_organization=entry, mode=VisitMode.REMOTE, status=ResultStatus.DRAFT
            ).prefetch_related("marks__item")
        )
    disputes = (
        Dispute.objects.visible_to(request.user)
        .filter(mark__result__cycle_organization=entry)
        .select_related("mark__item", "mark__result__building")
    )
    settings = services.settings_for(entry.cycle)
    return render(
        request,
        "expertise/organization.html",
        {
            "entry": entry,
            "results": results,
            "buildings": buildings,
            "can_fill": can_fill,
            "start_form": StartResultForm(),
            "remote": remote,
            "remote_evidence": Evidence.objects.visible_to(request.user).filter(
                cycle_organization=entry, source=EvidenceSource.ORGANIZATION
            ),
            "disputes": disputes,
            "settings": settings,
            "reply_state": settings.reply_state(),
            "tz": services.cycle_timezone(entry.cycle),
            "accept": ACCEPT,
        },
    )


@login_required
@require_POST
def start(request, pk: int):
    entry = _entry(request, pk)
    form = StartResultForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Неверные данные формы."))
        return redirect("expertise:organization", pk=entry.pk)
    building = None
    if form.cleaned_data.get("building"):
        building = get_object_or_404(entry.organization.branches.all(), pk=form.cleaned_data["building"])
    try:
        result = services.start_result(request.user, entry, building=building, mode=form.cleaned_data["mode"])
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("expertise:organization", pk=entry.pk)
    return redirect("expertise:fill", pk=result.pk)


def _sections(result: ChecklistResult, *, with_disputes: bool = False):
    marks = result.marks.select_related("item").order_by("item__order", "item_id")
    if with_disputes:
        marks = marks.prefetch_related("disputes")
    evidence: dict[int, list[Evidence]] = {}
    for ev in result.evidence.all().order_by("pk"):
        evidence.setdefault(ev.item_id, []).append(ev)
    org_evidence: dict[int, list[Evidence]] = {}
    if result.mode == VisitMode.REMOTE:
        for ev in Evidence.objects.filter(
            cycle_organization=result.cycle_organization, source=EvidenceSource.ORGANIZATION
        ).order_by("pk"):
            org_evidence.setdefault(ev.item_id, []).append(ev)
    grouped = []
    for value, label in Section.choices:
        rows = [
            {"mark": m, "evidence": evidence.get(m.item_id, []), "org_evidence": org_evidence.get(m.item_id, [])}
            for m in marks
            if m.item.section == value
        ]
        if rows:
            present = sum(1 for r in rows if r["mark"].value == Mark.YES)
            applicable = sum(1 for r in rows if r["mark"].value != Mark.NA)
            grouped.append({"code": value, "label": label, "rows": rows, "present": present, "applicable": applicable})
    return grouped


@login_required
def result_detail(request, pk: int):
    result = _result(request, pk)
    entry = result.cycle_organization
    settings = services.settings_for(entry.cycle)
    state = settings.reply_state()
    return render(
        request,
        "expertise/result.html",
        {
            "result": result,
            "entry": entry,
            "sections": _sections(result, with_disputes=True),
            "can_fill": permissions.can_fill(request.user, entry),
            "can_reply": permissions.can_reply(request.user, entry)
            and state == "open"
            and result.status == ResultStatus.SUBMITTED,
            "reply_state": state,
            "settings": settings,
            "tz": services.cycle_timezone(entry.cycle),
            "history": _history(request, result),
        },
    )


def _history(request, result):
    from audit.models import AuditEntry

    return AuditEntry.objects.visible_to(request.user).filter(
        target_type="expertise.checklistresult", target_id=str(result.pk)
    )[:30]


def _parse_visited(value: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(_("Дата посещения указана неверно.")) from exc


@login_required
def fill(request, pk: int):
    """The checklist form: works as one plain POST form; checklist.js adds autosave and offline drafts."""
    result = _result(request, pk)
    entry = result.cycle_organization
    if not permissions.can_fill(request.user, entry):
        raise PermissionDenied
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "reopen":
                services.reopen_result(request.user, result)
                messages.success(request, _("Чек-лист возвращён в работу."))
                return redirect("expertise:fill", pk=result.pk)
            changes = {}
            for mark in result.marks.all():
                value = request.POST.get(f"mark-{mark.item_id}")
                comment = request.POST.get(f"comment-{mark.item_id}")
                if value is not None or comment is not None:
                    changes[mark.item_id] = (value, comment)
            if result.status == ResultStatus.DRAFT:
                services.save_marks(
                    request.user,
                    result,
                    changes,
                    note=request.POST.get("note"),
                    visited_on=_parse_visited(request.POST.get("visited_on", "")),
                )
                problems = []
                items = {m.item_id: m.item for m in result.marks.select_related("item")}
                for key, files in request.FILES.lists():
                    if not key.startswith("photo-"):
                        continue
                    item = items.get(int(key.removeprefix("photo-")) if key[6:].isdigit() else -1)
                    if item is None:
                        continue
                    for upload in files:
                        try:
                            services.add_evidence(
                                request.user, entry, upload.read(), upload.name, result=result, item=item
                            )
                        except ValidationError as exc:
                            problems.append(_errors(exc))
                for problem in problems:
                    messages.error(request, problem)
            if action == "submit":
                services.submit_result(request.user, result)
                messages.success(request, _("Чек-лист отправлен."))
                return redirect("expertise:result", pk=result.pk)
            messages.success(request, _("Сохранено."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect("expertise:fill", pk=result.pk)
    return render(
        request,
        "expertise/fill.html",
        {
            "result": result,
            "entry": entry,
            "sections": _sections(result),
            "marks": Mark,
            "accept": ACCEPT,
            "reply_state": services.settings_for(entry.cycle).reply_state(),
        },
    )


@login_required
@require_POST
def save_mark(request, pk: int, item: int):
    """Autosave of one mark (checklist.js); JSON answer."""
    result = _result(request, pk)
    if not permissions.can_fill(request.user, result.cycle_organization):
        return JsonResponse({"error": _("Недостаточно прав")}, status=403)
    value = request.POST.get("value")
    comment = request.POST.get("comment")
    try:
        services.save_marks(request.user, result, {item: (value, comment)})
    except ValidationError as exc:
        return JsonResponse({"error": _errors(exc)}, status=400)
    mark = get_object_or_404(result.marks, item_id=item)
    return JsonResponse({"ok": True, "value": mark.value, "comment": mark.comment, "saved": timezone.now().isoformat()})


@login_required
@require_POST
def upload_evidence(request, pk: int):
    """Upload photos for one item: by the expert to a draft, or by the organization in remote mode."""
    result = get_object_or_404(
        ChecklistResult.objects.filter(
            cycle_organization__in=CycleOrganization.objects.visible_to(request.user)
        ).select_related("cycle_organization__organization__territory"),
        pk=pk,
    )
    entry = result.cycle_organization
    if permissions.can_fill(request.user, entry):
        source = EvidenceSource.EXPERT
    elif permissions.can_reply(request.user, entry):
        source = EvidenceSource.ORGANIZATION
    else:
        raise Http404
    item = get_object_or_404(result.marks, item_id=request.POST.get("item") or 0).item
    created, errors = [], []
    for upload in request.FILES.getlist("file"):
        try:
            created.append(
                services.add_evidence(
                    request.user,
                    entry,
                    upload.read(),
                    upload.name,
                    result=result,
                    item=item,
                    source=source,
                    caption=request.POST.get("caption", ""),
                    captured_at=_client_time(request.POST.get("captured_at")),
                )
            )
        except ValidationError as exc:
            errors.append(_errors(exc))
    if not request.FILES.getlist("file"):
        errors.append(_("Файл не выбран."))
    if request.htmx or request.headers.get("X-Noko-Fetch"):
        evidence = Evidence.objects.filter(result=result, item=item).order_by("pk")
        if source == EvidenceSource.ORGANIZATION:
            evidence = Evidence.objects.filter(
                cycle_organization=entry, item=item, source=EvidenceSource.ORGANIZATION
            ).order_by("pk")
        response = render(
            request,
            "expertise/_thumbs.html",
            {"evidence": evidence, "errors": errors, "can_delete": True},
        )
        response.status_code = 200 if created or not errors else 400
        return response
    if errors and not created:
        messages.error(request, " ".join(errors))
    elif errors:
        messages.warning(request, " ".join(errors))
    else:
        messages.success(request, _("Файлы загружены: %(n)s.") % {"n": len(created)})
    if source == EvidenceSource.ORGANIZATION:
        return redirect("expertise:organization", pk=entry.pk)
    return redirect("expertise:fill", pk=result.pk)


def _client_time(value: str | None):
    """The file's time reported by the phone (lastModified, ms since epoch) — used only without EXIF."""
    if not value:
        return None
    try:
        moment = datetime.datetime.fromtimestamp(int(value) / 1000, tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        return None
    if moment > timezone.now() + datetime.timedelta(minutes=5) or moment.year < 2000:
        return None
    return moment


def _evidence(request, pk: int) -> Evidence:
    return get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)


def _file_response(field, content_type: str, name: str, *, inline: bool):
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def evidence_file(request, pk: int):
    evidence = _evidence(request, pk)
    if evidence.url:
        return redirect(evidence.url)
    stem = (evidence.original_name.rsplit(".", 1)[0] or "file")[:80]
    ext = ".jpg" if evidence.is_image else ".pdf"
    return _file_response(evidence.file, evidence.content_type, f"{stem}{ext}", inline=evidence.is_image)


@login_required
def evidence_thumbnail(request, pk: int):
    evidence = _evidence(request, pk)
    return _file_response(evidence.thumbnail, "image/jpeg", f"thumb-{evidence.pk}.jpg", inline=True)


@login_required
@require_POST
def evidence_delete(request, pk: int):
    evidence = _evidence(request, pk)
    back = request.POST.get("next") or (evidence.result.get_absolute_url() if evidence.result_id else "/expertise/")
    try:
        services.delete_evidence(request.user, evidence)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Материал удалён."))
    if request.htmx:
        return HttpResponse("")
    if not back.startswith("/"):
        back = "/expertise/"
    return redirect(back)


# --- right of reply ----------------------------------------------------------------------------------


@login_required
def dispute_create(request, mark_pk: int):
    mark = get_object_or_404(
        ChecklistMark.objects.filter(result__in=ChecklistResult.objects.visible_to(request.user)).select_related(
            "item", "result__cycle_organization__organization", "result__cycle_organization__cycle__territory"
        ),
        pk=mark_pk,
    )
    entry = mark.result.cycle_organization
    if not permissions.can_reply(request.user, entry):
        raise PermissionDenied
    settings = services.settings_for(entry.cycle)
    form = DisputeForm(request.POST or None, request.FILES or None, allows_na=mark.item.allows_na)
    if request.method == "POST" and form.is_valid():
        try:
            dispute = services.create_dispute(
                request.user, mark, form.cleaned_data["text"], form.cleaned_data["requested_value"]
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            problems = []
            for upload in request.FILES.getlist("files"):
                try:
                    services.add_evidence(
                        request.user,
                        entry,
                        upload.read(),
                        upload.name,
                        dispute=dispute,
                        item=mark.item,
                        source=EvidenceSource.DISPUTE,
                    )
                except ValidationError as exc:
                    problems.append(_errors(exc))
            if form.cleaned_data.get("link"):
                try:
                    services.add_link(request.user, entry, form.cleaned_data["link"], dispute=dispute, item=mark.item)
                except ValidationError as exc:
                    problems.append(_errors(exc))
            messages.success(request, _("Возражение подано."))
            for problem in problems:
                messages.error(request, problem)
            return redirect(dispute)
    return render(
        request,
        "expertise/dispute_form.html",
        {
            "form": form,
            "mark": mark,
            "entry": entry,
            "settings": settings,
            "reply_state": settings.reply_state(),
            "tz": services.cycle_timezone(entry.cycle),
        },
    )


@login_required
def dispute_detail(request, pk: int):
    dispute = get_object_or_404(
        Dispute.objects.visible_to(request.user).select_related(
            "mark__item",
            "mark__result__cycle_organization__organization",
            "mark__result__cycle_organization__cycle__territory",
            "mark__result__building",
            "created_by",
            "decided_by",
        ),
        pk=pk,
    )
    entry = dispute.mark.result.cycle_organization
    can_decide = permissions.can_decide(request.user, entry) and dispute.is_open
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
            try:
                if decision == "council":
                    services.refer_to_council(request.user, dispute, reason)
                else:
                    services.decide_dispute(request.user, dispute, accept=decision == "accept", reason=reason)
            except ValidationError as exc:
                form.add_error("reason", _errors(exc))
            else:
                messages.success(request, _("Решение сохранено."))
                return redirect(dispute)
    return render(
        request,
        "expertise/dispute.html",
        {
            "dispute": dispute,
            "entry": entry,
            "form": form,
            "can_decide": can_decide,
            "evidence": Evidence.objects.visible_to(request.user).filter(dispute=dispute),
            "mark_evidence": Evidence.objects.visible_to(request.user).filter(
                result=dispute.mark.result, item=dispute.mark.item
            ),
            "tz": services.cycle_timezone(entry.cycle),
        },
    )


@login_required
def dispute_list(request, pk: int):
    cycle = _cycle(request, pk)
    disputes = (
        Dispute.objects.visible_to(request.user)
        .filter(mark__result__cycle_organization__cycle=cycle)
        .select_related("mark__item", "mark__result__cycle_organization__organization", "mark__result__building")
    )
    status = request.GET.get("status", "")
    if status in DisputeStatus.values:
        disputes = disputes.filter(status=status)
    settings = services.settings_for(cycle)
    return render(
        request,
        "expertise/disputes.html",
        {
            "cycle": cycle,
            "disputes": disputes,
            "status": status,
            "statuses": DisputeStatus.choices,
            "settings": settings,
            "reply_state": settings.reply_state(),
            "can_refer": permissions.can_decide_any(request.user, cycle),
            "tz": services.cycle_timezone(cycle),
        },
    )


# --- import ----------------------------------------------------------------------------------------------


@login_required
def import_results(request, pk: int):
    cycle = _cycle(request, pk)
    if not permissions.can_import(request.user, cycle):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"cycle": cycle, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        from django.conf import settings as django_settings

        if upload.size > django_settings.MAX_IMPORT_FILE_SIZE:
            context["errors"] = [_("Файл слишком большой.")]
        else:
            report = importer.import_file(
                cycle, request.user, upload.read(), upload.name, submit=form.cleaned_data["submit"]
            )
            if report.ok:
                messages.success(
                    request,
                    _(
                        "Загружено: новых чек-листов %(created)s, обновлено %(updated)s, отправлено %(submitted)s, "
                        "изменено отметок %(marks)s."
                    )
                    % {
                        "created": report.created,
                        "updated": report.updated,
                        "submitted": report.submitted,
                        "marks": report.marks_changed,
                    },
                )
                for warning in report.warnings[:20]:
                    messages.warning(request, warning)
                return redirect("expertise:cycle", pk=cycle.pk)
            context["errors"] = [str(e) for e in report.errors]
            context["warnings"] = report.warnings
    return render(request, "expertise/import.html", context)


@login_required
def import_template(request, pk: int):
    cycle = _cycle(request, pk)
    response = HttpResponse(importer.template_xlsx(cycle, request.user), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="checklist-{cycle.pk}.xlsx"'
    return response


# --- checklist versions -------------------------------------------------------------------------------------


@login_required
def checklists(request):
    for code in services.shipped_versions():
        services.get_checklist(code)
    versions = Checklist.objects.annotate(n_items=Count("items"), n_results=Count("results", distinct=True))
    return render(
        request,
        "expertise/checklists.html",
        {"versions": versions, "can_define": permissions.can_define_checklists(request.user)},
    )


@login_required
def checklist_detail(request, code: str):
    try:
        checklist = services.get_checklist(code)
    except ValidationError as exc:
        raise Http404 from exc
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(definitions.export_xlsx(checklist), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="checklist-{checklist.code}.xlsx"'
        return response
    sections = [(label, [i for i in checklist.items.all() if i.section == value]) for value, label in Section.choices]
    return render(request, "expertise/checklist.html", {"checklist": checklist, "sections": sections})


@login_required
def checklist_upload(request):
    if not permissions.can_define_checklists(request.user):
        raise PermissionDenied
    form = ChecklistUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if Checklist.objects.filter(code=data["code"]).exists():
            form.add_error("code", _("Версия с таким кодом уже есть; укажите новый код."))
        else:
            definition, errors = definitions.read_definition(
                data["file"].read(), data["file"].name, code=data["code"], title=data["title"], note=data["note"]
            )
            if not errors:
                checklist = services.load_checklist(definition, user=request.user)
                messages.success(request, _("Версия чек-листа %(code)s загружена.") % {"code": checklist.code})
                return redirect(checklist)
    return render(request, "expertise/checklist_upload.html", {"form": form, "errors": errors})
