from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scopes import scope_for
from audit.models import AuditEntry
from registry import importer, services
from registry.forms import ImportForm, OrganizationFilterForm, OrganizationForm
from registry.models import ImportBatch, Organization

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_editor(request) -> None:
    if not scope_for(request.user).can_edit_registry:
        raise PermissionDenied


@login_required
def organization_list(request):
    form = OrganizationFilterForm(request.GET or None, user=request.user)
    queryset = form.apply(Organization.objects.visible_to(request.user).select_related("territory", "parent"))
    page = Paginator(queryset.order_by("territory__name", "short_name", "full_name"), 50).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "page": page, "total": queryset.count(), "query": request.GET.urlencode()}
    template = "registry/_table.html" if request.htmx else "registry/list.html"
    return render(request, template, context)


@login_required
def organization_detail(request, pk: int):
    org = get_object_or_404(Organization.objects.visible_to(request.user).select_related("territory", "parent"), pk=pk)
    history = AuditEntry.objects.visible_to(request.user).filter(
        target_type="registry.organization", target_id=str(org.pk)
    )[:20]
    return render(
        request,
        "registry/detail.html",
        {
            "org": org,
            "branches": org.branches.all(),
            "history": history,
            "can_edit": Organization.objects.editable_by(request.user).filter(pk=org.pk).exists(),
        },
    )


@login_required
def organization_create(request):
    _require_editor(request)
    form = OrganizationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        org = services.create_organization(request.user, {f: form.cleaned_data[f] for f in form.Meta.fields})
        messages.success(request, _("Организация «%(name)s» добавлена.") % {"name": org})
        return redirect(org)
    return render(request, "registry/form.html", {"form": form, "title": _("Новая организация")})


@login_required
def organization_edit(request, pk: int):
    org = get_object_or_404(Organization.objects.editable_by(request.user), pk=pk)
    form = OrganizationForm(request.POST or None, instance=org, user=request.user)
    if request.method == "POST" and form.is_valid():
        original = Organization.objects.get(pk=org.pk)
        org = services.update_organization(request.user, original, {f: form.cleaned_data[f] for f in form.Meta.fields})
        messages.success(request, _("Изменения сохранены."))
        return redirect(org)
    return render(
        request, "registry/form.html", {"form": form, "title": _("Изменение: %(name)s") % {"name": org}, "org": org}
    )


@login_required
@require_POST
def organization_delete(request, pk: int):
    org = get_object_or_404(Organization.objects.editable_by(request.user), pk=pk)
    try:
        services.delete_organization(request.user, org)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(org)
    messages.success(request, _("Организация удалена."))
    return redirect("registry:list")


@login_required
def export(request):
    form = OrganizationFilterForm(request.GET or None, user=request.user)
    queryset = form.apply(Organization.objects.visible_to(request.user))
    response = HttpResponse(importer.export_xlsx(queryset), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="registry.xlsx"'
    return response


@login_required
def import_template(request):
    response = HttpResponse(importer.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="registry-template.xlsx"'
    return response


@login_required
def import_upload(request):
    _require_editor(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        from django.conf import settings

        if upload.size > settings.MAX_IMPORT_FILE_SIZE:
            context["errors"] = [_("Файл слишком большой.")]
        else:
            batch, parsed, _diff = importer.prepare_import(request.user, upload.read(), upload.name)
            if batch is not None:
                return redirect("registry:import_preview", pk=batch.pk)
            context["errors"] = [str(e) for e in parsed.errors]
            context["warnings"] = parsed.warnings
    return render(request, "registry/import.html", context)


@login_required
def import_preview(request, pk: int):
    _require_editor(request)
    batch = ImportBatch.objects.filter(created_by=request.user, pk=pk).first()
    if batch is None:
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "discard" and batch.status == ImportBatch.Status.PENDING:
            batch.status = ImportBatch.Status.DISCARDED
            batch.save(update_fields=["status"])
            messages.info(request, _("Импорт отменён, реестр не изменён."))
            return redirect("registry:list")
        try:
            counts = importer.apply_import(request.user, batch)
        except importer.StaleImport as exc:
            messages.error(request, str(exc))
            return redirect("registry:import")
        messages.success(
            request,
            _("Импорт применён: добавлено %(added)s, изменено %(changed)s.") % counts,
        )
        return redirect("registry:list")
    from registry.importer import FIELD_TO_HEADER

    changed = [
        {**item, "changes": [(FIELD_TO_HEADER.get(f, f), old, new) for f, (old, new) in item["changes"].items()]}
        for item in batch.diff.get("changed", [])
    ]
    return render(request, "registry/import_preview.html", {"batch": batch, "diff": batch.diff, "changed": changed})
