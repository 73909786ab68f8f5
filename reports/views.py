"""Report pages: choose a territory and year (or a cycle), read the summary, download documents, keep the
records of the work on the results. Thin: parse, check access, call ``reports.services`` / ``reports.data``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cycles.models import Cycle, CycleOrganization
from jobs.models import Job
from reports import services
from reports.choices import DocumentKind
from reports.data import ListRule, collect
from reports.doc_templates.build import HERE as TEMPLATE_DIR
from reports.doc_templates.build import TEMPLATES
from reports.documents import DOCX_MIME
from reports.forms import FollowUpForm, HeadActionForm, RuleForm, TemplateUploadForm
from reports.models import FollowUp, HeadAction, ReportTemplate
from reports.pdf import PDF_MIME, card_pdf
from reports.scope import ReportScope, can_act, can_manage_templates, report_territories, years_for


def _download(generated) -> HttpResponse:
    response = HttpResponse(generated.content, content_type=generated.content_type)
    response["Content-Disposition"] = f'attachment; filename="{generated.filename}"'
    return response


def _scope(request, territory_id: int, year: int) -> ReportScope:
    territory = get_object_or_404(report_territories(request.user), pk=territory_id)
    cycle = None
    cycle_id = request.GET.get("cycle") or request.POST.get("cycle")
    if cycle_id:
        if not str(cycle_id).isdigit():
            raise Http404
        cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_id, year=year)
    return ReportScope(territory, year, cycle)


def _rule(request, follow_up: FollowUp | None) -> tuple[ListRule, RuleForm]:
    base = ListRule.from_follow_up(follow_up)
    form = RuleForm(request.GET or None, initial={"group": base.group, "top": base.top})
    if form.is_bound and form.is_valid():
        share = form.cleaned_data.get("share")
        rule = ListRule(
            group=form.cleaned_data.get("group") or base.group,
            top=form.cleaned_data.get("top") or base.top,
            share=(share / 100) if share else None,
        )
        return rule, form
    return base, form


@login_required
def index(request):
    territories = list(report_territories(request.user).order_by("parent_id", "name"))
    choices = [(t, years_for(t)) for t in territories]
    cycles = Cycle.objects.visible_to(request.user).select_related("territory").order_by("-year", "territory__name")
    entries = []
    if not territories:
        entries = (
            CycleOrganization.objects.visible_to(request.user)
            .select_related("organization", "cycle")
            .order_by("-cycle__year", "organization__short_name")[:50]
        )
    jobs = Job.objects.visible_to(request.user).filter(kind=services.JOB_KIND).order_by("-created_at")[:10]
    return render(
        request,
        "reports/index.html",
        {"choices": choices, "cycles": cycles if territories else [], "entries": entries, "jobs": jobs},
    )


@login_required
def scope_page(request, territory_id: int, year: int):
    scope = _scope(request, territory_id, year)
    follow_up = FollowUp.objects.filter(territory=scope.territory, year=year).first()
    rule, rule_form = _rule(request, follow_up)
    data = collect(request.user, scope, rule=rule)
    return render(
        request,
        "reports/scope.html",
        {
            "scope": scope,
            "data": data,
            "rule_form": rule_form,
            "can_act": can_act(request.user, scope.territory),
            "can_templates": can_manage_templates(request.user, scope.territory),
            "inline_limit": services.inline_limit(),
            "top_shortcomings": data.shortcoming_summary[:15],
            "cycle_query": f"?cycle={scope.cycle.pk}" if scope.cycle else "",
        },
    )


@login_required
@require_POST
def generate(request, territory_id: int, year: int, document: str):
    scope = _scope(request, territory_id, year)
    if document not in services.DOCUMENTS:
        raise Http404
    if not services.can_generate(request.user, document, scope.territory):
        raise PermissionDenied
    if services.scope_size(request.user, scope) > services.inline_limit() or request.POST.get("background"):
        job = services.start_generation(request.user, document, scope)
        return redirect(reverse("jobs:detail", args=[job.pk]))
    return _download(services.generate(request.user, document, scope))


@login_required
def leaders(request, territory_id: int, year: int):
    scope = _scope(request, territory_id, year)
    follow_up = FollowUp.objects.filter(territory=scope.territory, year=year).first()
    allowed = can_act(request.user, scope.territory)
    form = HeadActionForm(request.POST or None)
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        if form.is_valid():
            entry = get_object_or_404(CycleOrganization.objects.visible_to(request.user), pk=form.cleaned_data["entry"])
            try:
                services.record_head_action(
                    request.user,
                    entry,
                    category=form.cleaned_data["category"],
                    kind=form.cleaned_data["kind"],
                    decided_on=form.cleaned_data["decided_on"],
                    text=form.cleaned_data["text"],
                    document=form.cleaned_data["document"],
                )
            except ValidationError as exc:
                messages.error(request, "; ".join(exc.messages))
            else:
                messages.success(request, _("Решение записано: %(org)s") % {"org": entry.organization})
                return redirect(request.get_full_path())
        else:
            messages.error(request, _("Решение не записано: проверьте поля формы (дата обязательна)."))
    rule, rule_form = _rule(request, follow_up)
    data = collect(request.user, scope, rule=rule, with_details=False)
    return render(
        request,
        "reports/leaders.html",
        {"scope": scope, "data": data, "rule_form": rule_form, "can_act": allowed, "form": HeadActionForm()},
    )


@login_required
@require_POST
def delete_action(request, pk: int):
    action = get_object_or_404(HeadAction.objects.visible_to(request.user), pk=pk)
    services.delete_head_action(request.user, action)
    messages.success(request, _("Решение удалено."))
    return redirect(request.POST.get("next") or reverse("reports:index"))


@login_required
def follow_up(request, territory_id: int, year: int):
    scope = _scope(request, territory_id, year)
    if not can_act(request.user, scope.territory):
        raise Http404
    instance = FollowUp.objects.filter(territory=scope.territory, year=year).first()
    form = FollowUpForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_follow_up(request.user, scope.territory, year, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Сведения сохранены."))
            return redirect(reverse("reports:scope", args=[scope.territory.pk, year]))
    return render(request, "reports/follow_up.html", {"scope": scope, "form": form})


@login_required
def organization(request, entry_id: int):
    entry = get_object_or_404(
        CycleOrganization.objects.visible_to(request.user).select_related(
            "organization__territory", "cycle__territory"
        ),
        pk=entry_id,
    )
    card = services.organization_card(request.user, entry)
    if card is None:
        raise Http404
    return render(
        request,
        "reports/organization.html",
        {"entry": entry, "card": card, "can_act": can_act(request.user, entry.organization.territory)},
    )


@login_required
def attestation(request, entry_id: int):
    entry = get_object_or_404(CycleOrganization.objects.visible_to(request.user), pk=entry_id)
    generated = services.attestation_extract(request.user, entry)
    if generated is None:
        raise Http404
    return _download(generated)


@login_required
def card_pdf_view(request, entry_id: int):
    entry = get_object_or_404(CycleOrganization.objects.visible_to(request.user), pk=entry_id)
    card = services.organization_card(request.user, entry)
    if card is None:
        raise Http404
    url = request.build_absolute_uri(reverse("portal:organization", args=[entry.organization_id]))
    response = HttpResponse(card_pdf(card, public_url=url), content_type=PDF_MIME)
    response["Content-Disposition"] = f'inline; filename="kartochka-{entry.organization.inn}-{entry.cycle.year}.pdf"'
    return response


@login_required
def job_file(request, job_id: int):
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=job_id, kind=services.JOB_KIND)
    if not job.file:
        raise Http404
    filename = job.result.get("filename") or job.file.name.rsplit("/", 1)[-1]
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=filename)


@login_required
def templates(request, territory_id: int):
    territory = get_object_or_404(report_territories(request.user), pk=territory_id)
    if not can_manage_templates(request.user, territory):
        raise Http404
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if request.POST.get("delete"):
            template = get_object_or_404(ReportTemplate.objects.visible_to(request.user), pk=request.POST["delete"])
            services.delete_template(request.user, template)
            messages.success(request, _("Шаблон удалён: будет использоваться стандартный."))
            return redirect(request.path)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.upload_template(
                    request.user,
                    territory,
                    form.cleaned_data["kind"],
                    upload.name,
                    upload.read(),
                    form.cleaned_data["note"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("file", message)
            else:
                messages.success(request, _("Шаблон загружен."))
                return redirect(request.path)
    own = ReportTemplate.objects.filter(territory=territory)
    kinds = [(k, DocumentKind(k).label) for k in TEMPLATES]
    return render(request, "reports/templates.html", {"territory": territory, "form": form, "own": own, "kinds": kinds})


@login_required
def default_template(request, kind: str):
    if kind not in TEMPLATES or not report_territories(request.user).exists():
        raise Http404
    response = HttpResponse((TEMPLATE_DIR / TEMPLATES[kind]).read_bytes(), content_type=DOCX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATES[kind]}"'
    return response
