import gzip
from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scopes import scope_for
from cycles.models import Cycle
from registry.models import Organization
from sitecheck import services
from sitecheck.models import SiteCheck, SiteCheckRun, SiteFinding, SitePage
from sitecheck.rules import rulebook_for


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Действие недоступно")


@login_required
def index(request):
    scope = scope_for(request.user)
    if not scope.sees_everything and not scope.territory_ids and scope.organization_ids:
        return redirect("sitecheck:mine")
    cycles = [c for c in Cycle.objects.visible_to(request.user).select_related("territory") if c.phase != "closed"]
    runnable = [c for c in cycles if services.can_run_cycle(request.user, c)]
    runs = SiteCheckRun.objects.visible_to(request.user).select_related("cycle", "cycle__territory")[:30]
    checks = (
        SiteCheck.objects.visible_to(request.user)
        .select_related("organization", "cycle_organization__cycle")
        .order_by("-created_at")[:30]
    )
    return render(request, "sitecheck/index.html", {"cycles": runnable, "runs": runs, "checks": checks})


@login_required
def mine(request):
    scope = scope_for(request.user)
    org = Organization.objects.visible_to(request.user).filter(pk__in=scope.organization_ids).first()
    if org is None:
        raise Http404
    return redirect("sitecheck:organization", pk=org.pk)


@login_required
def organization(request, pk: int):
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    checks = (
        SiteCheck.objects.visible_to(request.user)
        .filter(organization=org)
        .select_related("cycle_organization__cycle")
        .order_by("-created_at")[:50]
    )
    entry = services.current_entry(org)
    context = {
        "org": org,
        "checks": checks,
        "entry": entry,
        "can_check": services.can_check(request.user, org, entry),
    }
    return render(request, "sitecheck/organization.html", context)


@login_required
@require_POST
def start_check(request, pk: int):
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    entry = services.current_entry(org) if request.POST.get("adhoc") != "1" else None
    try:
        check = services.start_check(
            request.user, org, cycle_organization=entry, tolerant=request.POST.get("tolerant") == "1"
        )
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
        return redirect("sitecheck:organization", pk=org.pk)
    return redirect(check)


@login_required
def check_detail(request, pk: int):
    check = get_object_or_404(
        SiteCheck.objects.visible_to(request.user).select_related("organization", "cycle_organization__cycle", "run"),
        pk=pk,
    )
    if request.htmx and request.GET.get("partial") == "status":
        return render(request, "sitecheck/_check_status.html", {"check": check})
    findings = list(check.findings.all())
    book = rulebook_for(check.rules_version)
    groups: OrderedDict[str, dict] = OrderedDict()
    for code, section in book.sections.items():
        groups[code] = {
            "code": code,
            "title": section.title,
            "path": section.path,
            "basis": section.basis,
            "rules": [],
            "notes": [],
            "status": check.summary.get("sections", {}).get(code, ""),
        }
    site = [f for f in findings if f.kind == SiteFinding.Kind.SITE]
    channels = [f for f in findings if f.kind == SiteFinding.Kind.CHANNEL]
    for f in findings:
        if not f.section or f.section not in groups:
            continue
        (groups[f.section]["rules"] if f.kind == SiteFinding.Kind.RULE else groups[f.section]["notes"]).append(f)
    for group in groups.values():
        required = [f for f in group["rules"] if f.required]
        group["required"] = len(required)
        group["placed"] = sum(1 for f in required if f.placed)
    show_all = request.GET.get("all") == "1"
    context = {
        "check": check,
        "groups": [g for g in groups.values() if g["rules"] or g["notes"]],
        "site_findings": site,
        "channels": channels,
        "pages": check.pages.all(),
        "show_all": show_all,
        "can_rerun": services.can_check(request.user, check.organization, check.cycle_organization),
        "type_label": book.type_labels.get(check.org_type, check.org_type),
    }
    return render(request, "sitecheck/check_detail.html", context)


@login_required
@require_POST
def rerun_check(request, pk: int):
    check = get_object_or_404(SiteCheck.objects.visible_to(request.user).select_related("organization"), pk=pk)
    try:
        new = services.start_check(
            request.user,
            check.organization,
            cycle_organization=check.cycle_organization,
            tolerant=check.mode == SiteCheck.Mode.TOLERANT,
        )
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
        return redirect(check)
    return redirect(new)


@login_required
def page_snapshot(request, pk: int):
    page = get_object_or_404(SitePage.objects.filter(site_check__in=SiteCheck.objects.visible_to(request.user)), pk=pk)
    if not page.snapshot or not default_storage.exists(page.snapshot.name):
        raise Http404(_("Снимок страницы не сохранён"))
    with default_storage.open(page.snapshot.name, "rb") as fh:
        body = gzip.decompress(fh.read())
    charset = page.encoding or "utf-8"
    response = HttpResponse(body, content_type=f"text/plain; charset={charset}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{page.sha256[:16]}.html.txt"'
    response["X-Snapshot-SHA256"] = page.sha256
    return response


@login_required
@require_POST
def start_run(request, cycle_pk: int):
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_pk)
    try:
        run = services.start_run(request.user, cycle, tolerant=request.POST.get("tolerant") == "1")
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
        return redirect("sitecheck:index")
    return redirect(run)


@login_required
def run_detail(request, pk: int):
    run = get_object_or_404(SiteCheckRun.objects.visible_to(request.user).select_related("cycle", "job"), pk=pk)
    if request.htmx and request.GET.get("partial") == "progress":
        return render(request, "sitecheck/_run_progress.html", {"run": run})
    checks = (
        SiteCheck.objects.visible_to(request.user)
        .filter(run=run)
        .select_related("organization")
        .order_by("organization__short_name")
    )
    return render(
        request,
        "sitecheck/run_detail.html",
        {"run": run, "checks": checks, "can_manage": services.can_run_cycle(request.user, run.cycle)},
    )


@login_required
@require_POST
def pause_run(request, pk: int):
    run = get_object_or_404(SiteCheckRun.objects.visible_to(request.user), pk=pk)
    try:
        services.pause_run(request.user, run)
        messages.success(request, _("Проверка будет приостановлена после текущего сайта."))
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    return redirect(run)


@login_required
@require_POST
def resume_run(request, pk: int):
    run = get_object_or_404(SiteCheckRun.objects.visible_to(request.user), pk=pk)
    try:
        services.resume_run(request.user, run)
        messages.success(request, _("Проверка возобновлена."))
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    return redirect(run)
