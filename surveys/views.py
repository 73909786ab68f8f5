"""Back-office pages of the survey: campaigns, progress, links and posters, entry, import, review."""

from __future__ import annotations

import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scopes import scope_for
from audit.models import AuditEntry
from cycles.models import Cycle, CycleOrganization
from jobs.services import enqueue
from surveys import conf, exports, importer, permissions, progress, questionnaire, services
from surveys.forms import CampaignForm, EntryMetaForm, ImportForm, ReviewForm, TargetForm
from surveys.models import Campaign, Questionnaire, Response, SurveyLink
from surveys.public_views import _dependents, _item_rows, _values, part_base, qr_image

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cycle(request, cycle_id: int) -> Cycle:
    return get_object_or_404(Cycle.objects.visible_to(request.user).select_related("territory"), pk=cycle_id)


def _campaign(request, cycle_id: int) -> Campaign:
    cycle = _cycle(request, cycle_id)
    campaign = Campaign.objects.filter(cycle=cycle).select_related("questionnaire", "cycle__territory").first()
    if campaign is None:
        raise Http404
    return campaign


def _entries(request, cycle: Cycle):
    return CycleOrganization.objects.visible_to(request.user).filter(cycle=cycle).included()


def _entry(request, entry_id: int) -> CycleOrganization:
    return get_object_or_404(
        CycleOrganization.objects.visible_to(request.user).select_related(
            "organization", "organization__territory", "cycle", "cycle__territory"
        ),
        pk=entry_id,
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def index(request):
    cycles = Cycle.objects.visible_to(request.user).select_related("territory", "survey_campaign")
    rows = []
    for cycle in cycles:
        campaign = getattr(cycle, "survey_campaign", None)
        rows.append(
            {
                "cycle": cycle,
                "campaign": campaign,
                "state": campaign.state_for(cycle.territory.timezone) if campaign else None,
                "can_manage": permissions.can_manage(request.user, cycle),
            }
        )
    return render(request, "surveys/index.html", {"rows": rows})


@login_required
def campaign_detail(request, cycle_id: int):
    cycle = _cycle(request, cycle_id)
    campaign = Campaign.objects.filter(cycle=cycle).select_related("questionnaire").first()
    if campaign is None:
        return render(
            request,
            "surveys/no_campaign.html",
            {"cycle": cycle, "can_manage": permissions.can_manage(request.user, cycle)},
        )
    entries = _entries(request, cycle)
    only = request.GET.get("only", "")
    ordered = entries.order_by("organization__territory__name", "organization__short_name")
    rows = progress.cycle_progress(campaign, ordered)
    totals = progress.totals(rows)
    if only == "behind":
        rows = [r for r in rows if not r.reached]
    context = {
        "cycle": cycle,
        "campaign": campaign,
        "rows": rows,
        "totals": totals,
        "only": only,
        "state": campaign.state_for(cycle.territory.timezone),
        "can_manage": permissions.can_manage(request.user, cycle),
        "can_review": permissions.can_review(request.user, cycle),
        "can_enter": permissions.can_enter(request.user, cycle),
        "can_read": permissions.can_read_responses(request.user, cycle),
        "groups": progress.GROUP_LABELS,
        "now": timezone.now(),
    }
    template = "surveys/_progress_table.html" if request.htmx else "surveys/campaign.html"
    return render(request, template, context)


@login_required
def campaign_settings(request, cycle_id: int):
    cycle = _cycle(request, cycle_id)
    _require(permissions.can_manage(request.user, cycle))
    campaign = Campaign.objects.filter(cycle=cycle).first()
    initial = {}
    if campaign:
        initial = {
            "opens_on": campaign.opens_on,
            "closes_on": campaign.closes_on,
            "target_share": campaign.target_share,
            "target_cap": campaign.target_cap,
        }
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_campaign(request.user, cycle, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Параметры опроса сохранены."))
            return redirect("surveys:campaign", cycle_id=cycle.pk)
    return render(
        request,
        "surveys/settings.html",
        {
            "cycle": cycle,
            "campaign": campaign,
            "form": form,
            "default_share": conf.target_share(),
            "default_cap": conf.target_cap(),
            "questionnaire_code": cycle.questionnaire_version,
        },
    )


@login_required
@require_POST
def publish(request, cycle_id: int):
    campaign = _campaign(request, cycle_id)
    _require(permissions.can_manage(request.user, campaign.cycle))
    created = services.publish_campaign(request.user, campaign)
    messages.success(request, _("Анкета опубликована. Создано ссылок: %(n)s.") % {"n": created})
    return redirect("surveys:campaign", cycle_id=cycle_id)


@login_required
def organization(request, entry_id: int):
    entry = _entry(request, entry_id)
    campaign = Campaign.objects.filter(cycle=entry.cycle).select_related("questionnaire").first()
    if campaign is None:
        raise Http404
    link = SurveyLink.objects.filter(cycle_organization=entry).first()
    row = progress.cycle_progress(campaign, CycleOrganization.objects.filter(pk=entry.pk))[0]
    can_manage = permissions.can_manage(request.user, entry.cycle)
    target_form = TargetForm(initial={"target": link.target_override if link else None})
    days = progress.daily(entry)
    peak = max((n for _d, n in days), default=0)
    context = {
        "entry": entry,
        "org": entry.organization,
        "campaign": campaign,
        "link": link,
        "row": row,
        "groups": [(progress.GROUP_LABELS.get(g, g), n) for g, n in sorted(row.by_group.items())],
        "modes": progress.by_mode(entry),
        "days": [(d, n, round(100 * n / peak) if peak else 0) for d, n in days],
        "state": campaign.state_for(entry.organization.effective_timezone),
        "can_manage": can_manage,
        "can_enter": permissions.can_enter(request.user, entry.cycle),
        "target_form": target_form,
        "qr_svg": qr_image(link.public_url, "svg").decode() if link else "",
        "snippet": _snippet(link, entry) if link else "",
    }
    return render(request, "surveys/organization.html", context)


def _snippet(link: SurveyLink, entry: CycleOrganization) -> str:
    qr_url = f"{settings.PUBLIC_BASE_URL}{reverse('surveys:qr', args=[link.code, 'svg'])}"
    return (
        f'<a href="{link.public_url}" target="_blank" rel="noopener">\n'
        f'  <img src="{qr_url}" width="160" height="160" alt="QR-код анкеты независимой оценки качества">\n'
        f"  Оцените качество условий в нашей организации: анкета независимой оценки качества\n"
        f"</a>"
    )


@login_required
@require_POST
def link_target(request, entry_id: int):
    entry = _entry(request, entry_id)
    _require(permissions.can_manage(request.user, entry.cycle))
    link = get_object_or_404(SurveyLink, cycle_organization=entry)
    form = TargetForm(request.POST)
    if form.is_valid():
        services.set_link_target(request.user, link, form.cleaned_data["target"])
        messages.success(request, _("Целевое число анкет сохранено."))
    else:
        messages.error(request, _("Целевое число анкет: укажите целое неотрицательное число."))
    return redirect("surveys:organization", entry_id=entry.pk)


@login_required
def poster(request, entry_id: int):
    """A4 poster (PDF) with the QR code and the short link, for the organization's entrance and stands."""
    entry = _entry(request, entry_id)
    link = get_object_or_404(SurveyLink, cycle_organization=entry)
    campaign = get_object_or_404(Campaign, cycle=entry.cycle)
    from django.template.loader import render_to_string
    from weasyprint import HTML

    qr_png = base64.b64encode(qr_image(link.public_url, "png")).decode()
    html = render_to_string(
        "surveys/poster.html",
        {"entry": entry, "org": entry.organization, "link": link, "campaign": campaign, "qr_png": qr_png},
    )
    pdf = HTML(string=html, base_url=settings.PUBLIC_BASE_URL).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="plakat-{link.code}.pdf"'
    return response


@login_required
def enter(request, entry_id: int):
    """The operator types in a paper, telephone or interview questionnaire."""
    entry = _entry(request, entry_id)
    _require(permissions.can_enter(request.user, entry.cycle))
    campaign = get_object_or_404(Campaign, cycle=entry.cycle)
    link = SurveyLink.objects.filter(cycle_organization=entry).first()
    form = services.form_for(campaign.questionnaire_id)
    meta = EntryMetaForm(request.POST or None)
    errors: dict[str, str] = {}
    values: dict = {}
    if request.method == "POST":
        values = _values(request.POST, form)
        raw = {item.code: request.POST.getlist(item.code) for item in form.items if item.code in request.POST}
        if meta.is_valid():
            try:
                response, created = services.enter_response(
                    request.user,
                    entry,
                    raw,
                    mode=meta.cleaned_data["mode"],
                    paper_number=meta.cleaned_data["paper_number"],
                )
            except ValidationError as exc:
                errors = (
                    {k: " ".join(v) for k, v in exc.message_dict.items()}
                    if hasattr(exc, "error_dict")
                    else {"__all__": " ".join(exc.messages)}
                )
            else:
                if created:
                    messages.success(request, _("Анкета № %(pk)s внесена.") % {"pk": response.pk})
                else:
                    messages.warning(
                        request, _("Анкета с этим номером бланка уже внесена (№ %(pk)s).") % {"pk": response.pk}
                    )
                return redirect("surveys:enter", entry_id=entry.pk)
    context = {
        "entry": entry,
        "org": entry.organization,
        "campaign": campaign,
        "link": link,
        "meta": meta,
        "form": form,
        "sections": _item_rows(form, values, errors),
        "errors": [(form.by_code[c], m) for c, m in errors.items() if c in form.by_code],
        "general_error": errors.get("__all__", ""),
        "part_base": part_base("surveys:entry_part", entry.pk),
    }
    return render(request, "surveys/enter.html", context, status=400 if errors else 200)


@login_required
def entry_part(request, entry_id: int, gate: str):
    entry = _entry(request, entry_id)
    campaign = get_object_or_404(Campaign, cycle=entry.cycle)
    form = services.form_for(campaign.questionnaire_id)
    item = form.by_code.get(gate)
    if item is None or not form.is_gate(gate):
        raise Http404
    block = _dependents(form, item, _values(request.GET, form), {})
    context = {"block": block, "form": form, "part_base": part_base("surveys:entry_part", entry.pk)}
    return render(request, "surveys/public/_dependents.html", context)


@login_required
def import_answers(request, cycle_id: int):
    campaign = _campaign(request, cycle_id)
    _require(permissions.can_enter(request.user, campaign.cycle))
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"campaign": campaign, "cycle": campaign.cycle, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.MAX_IMPORT_FILE_SIZE:
            context["errors"] = [_("Файл слишком большой.")]
        else:
            result = importer.import_answers(request.user, campaign, upload.read(), upload.name)
            if result.errors:
                context["errors"] = result.errors
            else:
                messages.success(request, _("Загружено анкет: %(n)s.") % {"n": result.created})
                return redirect("surveys:campaign", cycle_id=campaign.cycle_id)
    context["imports"] = campaign.imports.select_related("created_by")[:20]
    return render(request, "surveys/import.html", context, status=400 if context.get("errors") else 200)


@login_required
def import_template(request, cycle_id: int):
    campaign = _campaign(request, cycle_id)
    data = importer.template_xlsx(services.form_for(campaign.questionnaire_id))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="anketa-shablon-{campaign.questionnaire.code}.xlsx"'
    return response


@login_required
def export_xlsx(request, cycle_id: int):
    campaign = _campaign(request, cycle_id)
    _require(permissions.can_read_responses(request.user, campaign.cycle))
    responses = exports.responses_for(campaign, request.user)
    if responses.count() > conf.export_sync_limit():
        job = enqueue(
            "surveys.export",
            _("Выгрузка анкет: %(cycle)s") % {"cycle": campaign.cycle},
            request.user,
            campaign_id=campaign.pk,
            user_id=request.user.pk,
        )
        return redirect("jobs:detail", job.pk)
    response = HttpResponse(exports.raw_xlsx(campaign, responses), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="anketa-{campaign.cycle_id}.xlsx"'
    return response


@login_required
def export_csv(request, cycle_id: int):
    campaign = _campaign(request, cycle_id)
    _require(permissions.can_read_responses(request.user, campaign.cycle))
    responses = exports.responses_for(campaign, request.user)
    response = StreamingHttpResponse(exports.raw_csv(campaign, responses), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="anketa-{campaign.cycle_id}.csv"'
    return response


@login_required
def counts_xlsx(request, cycle_id: int):
    campaign = _campaign(request, cycle_id)
    data = exports.counts_xlsx(campaign, _entries(request, campaign.cycle))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="anketa-pokazateli-{campaign.cycle_id}.xlsx"'
    return response


@login_required
def review_list(request, cycle_id: int):
    campaign = _campaign(request, cycle_id)
    cycle = campaign.cycle
    _require(permissions.can_read_responses(request.user, cycle))
    can_review = permissions.can_review(request.user, cycle)
    if request.method == "POST":
        _require(can_review)
        form = ReviewForm(request.POST)
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        chosen = Response.objects.visible_to(request.user).filter(cycle_organization__cycle=cycle, pk__in=ids)
        if not ids:
            messages.error(request, _("Не выбрано ни одной анкеты."))
        elif form.is_valid():
            changed = services.review(
                request.user,
                chosen.select_related("cycle_organization__cycle", "cycle_organization__organization"),
                form.cleaned_data["decision"],
                form.cleaned_data["reason"],
            )
            messages.success(request, _("Решение применено к анкетам: %(n)s.") % {"n": changed})
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(f"{reverse('surveys:review', args=[cycle.pk])}?{request.GET.urlencode()}")
    status = request.GET.get("status", Response.Status.REVIEW)
    responses = (
        Response.objects.visible_to(request.user)
        .filter(cycle_organization__cycle=cycle)
        .select_related("cycle_organization__organization")
        .order_by("-submitted_at")
    )
    if status == "flagged":
        responses = responses.filter(status=Response.Status.ACCEPTED).exclude(flags="")
    elif status in Response.Status.values:
        responses = responses.filter(status=status)
    entry_id = request.GET.get("entry", "")
    if entry_id.isdigit():
        responses = responses.filter(cycle_organization_id=int(entry_id))
    page = Paginator(responses, 50).get_page(request.GET.get("page"))
    context = {
        "campaign": campaign,
        "cycle": cycle,
        "page": page,
        "status": status,
        "entry_id": entry_id,
        "statuses": [*Response.Status.choices, ("flagged", _("приняты, но с признаками"))],
        "form": ReviewForm(),
        "can_review": can_review,
        "flag_labels": services.FLAG_LABELS,
        "query": request.GET.urlencode(),
    }
    return render(request, "surveys/review.html", context)


@login_required
@require_POST
def rescore(request, cycle_id: int):
    campaign = _campaign(request, cycle_id)
    _require(permissions.can_review(request.user, campaign.cycle))
    job = enqueue(
        "surveys.rescore",
        _("Проверка признаков подозрительности: %(cycle)s") % {"cycle": campaign.cycle},
        request.user,
        cycle_id=campaign.cycle_id,
    )
    return redirect("jobs:detail", job.pk)


@login_required
def response_detail(request, pk: int):
    response = get_object_or_404(
        Response.objects.visible_to(request.user).select_related(
            "cycle_organization__organization", "cycle_organization__cycle", "entered_by", "reviewed_by"
        ),
        pk=pk,
    )
    cycle = response.cycle_organization.cycle
    can_review = permissions.can_review(request.user, cycle)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        _require(can_review)
        if form.is_valid():
            services.review(request.user, [response], form.cleaned_data["decision"], form.cleaned_data["reason"])
            messages.success(request, _("Решение по анкете сохранено."))
            return redirect(response)
    qform = services.form_for(response.questionnaire_id)
    answers = [
        (item, item.display(response.answers.get(item.code)), qform.asked(item, response.answers))
        for item in qform.items
    ]
    history = AuditEntry.objects.filter(target_type="surveys.response", target_id=str(response.pk)).order_by("-pk")
    context = {
        "response": response,
        "answers": answers,
        "flags": [services.FLAG_LABELS.get(f, f) for f in response.flag_list],
        "form": form,
        "can_review": can_review,
        "history": history,
        "tz": response.cycle_organization.organization.effective_timezone,
    }
    return render(request, "surveys/response.html", context)


@login_required
def questionnaire_list(request):
    stored = {q.code: q for q in Questionnaire.objects.all()}
    codes = sorted(set(stored) | set(questionnaire.bundled_codes()))
    used = {}
    for campaign in Campaign.objects.visible_to(request.user).select_related("cycle", "questionnaire"):
        used.setdefault(campaign.questionnaire.code, []).append(campaign.cycle)
    rows = [{"code": c, "stored": stored.get(c), "cycles": used.get(c, [])} for c in codes]
    return render(request, "surveys/questionnaires.html", {"rows": rows, "codes": codes})


def _form_by_code(code: str) -> questionnaire.Form:
    try:
        return services.form_for(services.get_questionnaire(code))
    except questionnaire.DefinitionError as exc:
        raise Http404 from exc


@login_required
def questionnaire_detail(request, code: str):
    form = _form_by_code(code)
    q = Questionnaire.objects.get(code=code)
    return render(request, "surveys/questionnaire.html", {"q": q, "form": form})


@login_required
def questionnaire_diff(request):
    codes = sorted(set(Questionnaire.objects.values_list("code", flat=True)) | set(questionnaire.bundled_codes()))
    old_code, new_code = request.GET.get("old", ""), request.GET.get("new", "")
    result = None
    if old_code and new_code:
        result = questionnaire.diff(_form_by_code(old_code), _form_by_code(new_code))
    return render(
        request,
        "surveys/diff.html",
        {"codes": codes, "old": old_code, "new": new_code, "result": result, "scope": scope_for(request.user)},
    )
