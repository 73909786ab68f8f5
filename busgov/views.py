"""Pages of the bus.gov.ru bridge. Thin: parse, check access through visible_to, call a service, render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from busgov import exports, importers, letters, monitoring, services
from busgov.choices import RATING_WORDS, Duty, ImportKind, ImportStatus, InfoKind, PlacementStatus
from busgov.forms import (
    CampaignForm,
    NoticeForm,
    NoticeSentForm,
    OfficialForm,
    PlacementForm,
    ResponseForm,
    ReviewForm,
    ScheduleForm,
    SettingsForm,
    UploadForm,
)
from busgov.models import (
    CampaignActivity,
    CitizenReview,
    ExportPackage,
    ImportBatch,
    Layout,
    Notice,
    ResponsibleOfficial,
    Topic,
)
from cycles.models import Cycle, CycleOrganization
from lib.tables import TableError
from registry.models import Organization, Territory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_UPLOAD = 20 * 1024 * 1024


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for messages_ in exc.message_dict.values() for m in messages_]
    return list(exc.messages)


def _require_authority(request) -> None:
    if not services.is_authority(request.user):
        raise Http404


def _territory_param(request) -> Territory | None:
    value = request.GET.get("territory")
    if not value or not value.isdigit():
        return None
    territory = Territory.objects.filter(pk=int(value)).first()
    if territory is None:
        return None
    from accounts.scopes import scope_for

    scope = scope_for(request.user)
    if not scope.sees_everything and territory.pk not in scope.territory_ids:
        raise Http404
    return territory


def _year_param(request, default: int) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2015 <= int(value) <= 2100 else default


def _date_param(request, name: str, default: datetime.date | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default


def _visible_territories(request):
    from accounts.scopes import scope_for

    scope = scope_for(request.user)
    qs = Territory.objects.all() if scope.sees_everything else Territory.objects.filter(pk__in=scope.territory_ids)
    return qs.order_by("parent_id", "name")


# --- overview --------------------------------------------------------------------------------------------


@login_required
def index(request):
    today = services.today_for()
    year = today.year
    authority = services.is_authority(request.user)
    context = {"today": today, "year": year, "authority": authority}
    summary = monitoring.review_summary(request.user, year, as_of=today)
    context["summary"] = summary
    if authority:
        register = monitoring.officials_register(request.user, today)
        context["missing_officials"] = len(register["missing_organizations"])
        context["authorities_uncovered"] = [a for a in register["authorities"] if a["uncovered"]]
        context["overdue"] = monitoring.overdue_summary(request.user, today)
        context["imports"] = ImportBatch.objects.visible_to(request.user)[:5]
    else:
        context["negative_unanswered"] = (
            CitizenReview.objects.visible_to(request.user).negative().unanswered().select_related("organization")[:20]
        )
    return render(request, "busgov/index.html", context)


# --- responsible officials -------------------------------------------------------------------------------


@login_required
def officials(request):
    today = _date_param(request, "on", services.today_for())
    duty = request.GET.get("duty", "")
    duty = duty if duty in Duty.values else ""
    territory = _territory_param(request)
    register = monitoring.officials_register(request.user, today, duty=duty, territory=territory)
    return render(
        request,
        "busgov/officials.html",
        {
            "register": register,
            "day": today,
            "duty": duty,
            "duties": Duty.choices,
            "territory": territory,
            "territories": _visible_territories(request),
            "authority": services.is_authority(request.user),
        },
    )


def _official_form(request, instance=None):
    orgs = monitoring.organizations(request.user).order_by("short_name")
    ids = services.managed_territory_ids(request.user)
    territories = Territory.objects.all() if ids is None else Territory.objects.filter(pk__in=ids)
    return OfficialForm(
        request.POST or None,
        request.FILES or None,
        instance=instance,
        organizations=orgs,
        territories=territories,
        initial={"organization": request.GET.get("organization")} if instance is None else None,
    )


@login_required
def official_edit(request, pk: int | None = None):
    official = get_object_or_404(ResponsibleOfficial.objects.visible_to(request.user), pk=pk) if pk else None
    form = _official_form(request, official)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_official(request.user, form.service_data(), official)
        except ValidationError as exc:
            for name, errs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                form.add_error(name if name in form.fields else None, errs)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Сведения о должностном лице сохранены.")
            return redirect("busgov:officials")
    return render(request, "busgov/official_form.html", {"form": form, "official": official})


@login_required
@require_POST
def official_delete(request, pk: int):
    official = get_object_or_404(ResponsibleOfficial.objects.visible_to(request.user), pk=pk)
    try:
        services.delete_official(request.user, official)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Сведения удалены.")
    return redirect("busgov:officials")


@login_required
def officials_template(request):
    response = HttpResponse(importers.officials_template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="otvetstvennye-busgov.xlsx"'
    return response


# --- uploads (reviews, statuses, officials) ---------------------------------------------------------------

UPLOAD_TITLES = {
    ImportKind.REVIEWS: "Загрузка отзывов граждан из выгрузки bus.gov.ru",
    ImportKind.STATUS: "Загрузка статусов размещения из выгрузки bus.gov.ru",
    ImportKind.OFFICIALS: "Загрузка реестра ответственных должностных лиц",
}


@login_required
def upload(request, kind: str):
    if kind not in ImportKind.values:
        raise Http404
    _require_authority(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        upload_ = form.cleaned_data["file"]
        if upload_.size > MAX_UPLOAD:
            error = f"Файл «{upload_.name}» больше 20 МБ."
        else:
            try:
                batch = services.prepare_import(request.user, kind, upload_.read(), upload_.name)
            except TableError as exc:
                error = f"Файл «{upload_.name}»: {exc}"
            except (ValidationError, PermissionDenied) as exc:
                error = "; ".join(_errors(exc)) if isinstance(exc, ValidationError) else str(exc)
            else:
                return redirect(batch.get_absolute_url())
    layout = None
    if kind != ImportKind.OFFICIALS:
        conf = services.settings_for(services._user_territory(request.user))
        code = conf.reviews_layout if kind == ImportKind.REVIEWS else conf.status_layout
        layout = services.find_layout(code)
    return render(
        request,
        "busgov/upload.html",
        {
            "form": form,
            "kind": kind,
            "title": UPLOAD_TITLES[kind],
            "error": error,
            "layout": layout,
            "officials_columns": importers.OFFICIAL_COLUMNS,
        },
    )


@login_required
def import_detail(request, pk: int):
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "apply":
                summary = services.apply_import(request.user, batch, skip_bad_rows=request.POST.get("skip_bad") == "1")
                messages.success(request, _applied_message(batch.kind, summary))
            elif action == "discard":
                services.discard_import(request.user, batch)
                messages.info(request, "Загрузка отменена, ничего не записано.")
        except ValidationError as exc:
            messages.error(request, "; ".join(_errors(exc)))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect(batch.get_absolute_url())
    rows = batch.rows
    orgs = Organization.objects.in_bulk({r["organization_id"] for r in rows if r.get("organization_id")})
    return render(
        request,
        "busgov/import_detail.html",
        {
            "batch": batch,
            "pending": batch.status == ImportStatus.PENDING,
            "errors": batch.errors[:500],
            "sample": [{**r, "label": _row_label(r, orgs)} for r in rows[:50]],
            "preview": batch.summary,
            "applied": batch.summary.get("applied"),
            "title": UPLOAD_TITLES[batch.kind],
        },
    )


def _row_label(row: dict, orgs: dict) -> str:
    org = orgs.get(row.get("organization_id"))
    if org is not None:
        return org.short_name or org.full_name
    if row.get("territory_id"):
        territory = Territory.objects.filter(pk=row["territory_id"]).first()
        return str(territory or "")
    return ""


def _applied_message(kind: str, summary: dict) -> str:
    if kind == ImportKind.REVIEWS:
        return (
            f"Загружено: новых отзывов {summary['created']}, изменённых {summary['updated']}, "
            f"без изменений {summary['unchanged']}; ответов {summary['responses']}."
        )
    if kind == ImportKind.STATUS:
        return f"Статусы размещения: изменено {summary['changed']}, без изменений {summary['unchanged']}."
    return (
        f"Ответственные: добавлено {summary['created']}, изменено {summary['updated']}, "
        f"без изменений {summary['unchanged']}."
    )


# --- cycles: packages and placement ----------------------------------------------------------------------


@login_required
def cycles(request):
    _require_authority(request)
    qs = Cycle.objects.visible_to(request.user).select_related("territory").order_by("-year", "territory__name")
    return render(request, "busgov/cycles.html", {"cycles": qs})


@login_required
def cycle_detail(request, pk: int):
    _require_authority(request)
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user).select_related("territory"), pk=pk)
    today = services.today_for(cycle.territory)
    table = monitoring.placement_table(request.user, cycle, today)
    manage = services.can_manage_cycle(request.user, cycle)
    conf = services.settings_for(cycle.territory)
    checks = {}
    if manage:
        for kind, code in ((InfoKind.RESULTS, conf.results_layout), (InfoKind.PLAN, conf.plans_layout)):
            layout = services.find_layout(code)
            checks[kind] = exports.validate(cycle, kind, layout) if layout else []
    schedule = getattr(cycle, "busgov_schedule", None)
    form = ScheduleForm(
        initial={
            "results_received_on": schedule.results_received_on if schedule else None,
            "results_working_days": schedule.results_working_days if schedule else None,
            "note": schedule.note if schedule else "",
        }
    )
    return render(
        request,
        "busgov/cycle.html",
        {
            "cycle": cycle,
            "table": table,
            "today": today,
            "manage": manage,
            "results_check": checks.get(InfoKind.RESULTS, []),
            "plans_check": checks.get(InfoKind.PLAN, []),
            "packages": ExportPackage.objects.visible_to(request.user).filter(cycle=cycle)[:10],
            "schedule_form": form,
            "conf": conf,
        },
    )


@login_required
@require_POST
def cycle_schedule(request, pk: int):
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.save_cycle_schedule(
                request.user,
                cycle,
                form.cleaned_data["results_received_on"],
                form.cleaned_data["results_working_days"],
                form.cleaned_data["note"],
            )
            messages.success(request, "Срок размещения сохранён.")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(_errors(exc)) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.error(request, "Проверьте дату и число рабочих дней.")
    return redirect("busgov:cycle", pk=cycle.pk)


@login_required
@require_POST
def cycle_export(request, pk: int, kind: str):
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=pk)
    if kind not in InfoKind.values:
        raise Http404
    try:
        package = services.start_export(request.user, cycle, kind)
    except ValidationError as exc:
        messages.error(request, "Пакет не сформирован: " + "; ".join(_errors(exc)))
        return redirect("busgov:cycle", pk=cycle.pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("busgov:cycle", pk=cycle.pk)
    if package.job_id:
        return redirect(reverse("jobs:detail", args=[package.job_id]))
    return redirect(package.get_absolute_url())


@login_required
def package_detail(request, pk: int):
    package = get_object_or_404(ExportPackage.objects.visible_to(request.user).select_related("cycle", "job"), pk=pk)
    layout = Layout.objects.filter(code=package.layout_code).first()
    return render(request, "busgov/package.html", {"package": package, "layout": layout})


@login_required
def package_download(request, pk: int, fmt: str):
    package = get_object_or_404(ExportPackage.objects.visible_to(request.user).select_related("job"), pk=pk)
    if package.job is None or not package.job.file:
        raise Http404
    with package.job.file.open("rb") as handle:
        data = handle.read()
    if fmt == "zip":
        name, content, ctype = package.job.file.name.rsplit("/", 1)[-1], data, "application/zip"
    else:
        member = exports.read_member(data, fmt)
        if member is None:
            raise Http404
        name, content = member
        ctype = {
            "xlsx": XLSX,
            "csv": "text/csv; charset=utf-8",
            "xml": "application/xml",
            "json": "application/json",
        }.get(fmt, "application/octet-stream")
    response = HttpResponse(content, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def placement_edit(request, entry_pk: int, kind: str):
    entry = get_object_or_404(
        CycleOrganization.objects.visible_to(request.user).select_related("organization__territory", "cycle"),
        pk=entry_pk,
    )
    if kind not in InfoKind.values:
        raise Http404
    current = entry.busgov_placements.filter(kind=kind).first()
    form = PlacementForm(
        request.POST or None,
        initial={
            "kind": kind,
            "status": current.status if current else PlacementStatus.PLACED,
            "placed_on": current.placed_on if current else services.today_for(entry.organization.territory),
            "url": current.url if current else "",
            "note": current.note if current else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_placement(
                request.user,
                entry,
                form.cleaned_data["kind"],
                status=form.cleaned_data["status"],
                placed_on=form.cleaned_data["placed_on"],
                url=form.cleaned_data["url"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for name, errs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                form.add_error(name if name in form.fields else None, errs)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, "Отметка о размещении сохранена.")
            return redirect("busgov:cycle", pk=entry.cycle_id)
    return render(request, "busgov/placement_form.html", {"form": form, "entry": entry, "kind": InfoKind(kind)})


# --- reviews ---------------------------------------------------------------------------------------------


@login_required
def reviews(request):
    today = services.today_for()
    year = _year_param(request, today.year)
    territory = _territory_param(request)
    as_of = _date_param(request, "as_of", None)
    summary = monitoring.review_summary(request.user, year, territory=territory, as_of=as_of)
    first = _date_param(request, "first", None)
    second = _date_param(request, "second", None)
    trend = monitoring.trend(request.user, year, first, second, territory=territory) if first and second else None
    return render(
        request,
        "busgov/reviews.html",
        {
            "summary": summary,
            "year": year,
            "years": list(range(today.year, today.year - 4, -1)),
            "territory": territory,
            "territories": _visible_territories(request).filter(parent__isnull=False),
            "as_of": as_of,
            "first": first,
            "second": second,
            "trend": trend,
            "authority": services.is_authority(request.user),
        },
    )


@login_required
def review_list(request):
    qs = CitizenReview.objects.visible_to(request.user).select_related("organization__territory", "response")
    year = _year_param(request, 0)
    if year:
        qs = qs.filter(posted_on__year=year)
    org = request.GET.get("organization", "")
    if org.isdigit():
        qs = qs.filter(organization_id=int(org))
    topic = request.GET.get("topic", "")
    if topic:
        qs = qs.filter(topics__icontains=f'"{topic}"')
    if request.GET.get("negative") == "1":
        qs = qs.negative()
    if request.GET.get("unanswered") == "1":
        qs = qs.unanswered()
    territory = _territory_param(request)
    if territory is not None:
        qs = qs.filter(organization__territory_id__in=territory.subtree_ids())
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    topics = {t.code: t.label for t in Topic.objects.filter(marks_negative=False)}
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "busgov/review_list.html",
        {
            "page": page,
            "topic_label": topics.get(topic, ""),
            "query": query.urlencode(),
            "year": year,
            "organization": Organization.objects.visible_to(request.user).filter(pk=int(org)).first()
            if org.isdigit()
            else None,
        },
    )


@login_required
def review_detail(request, pk: int):
    review = get_object_or_404(
        CitizenReview.objects.visible_to(request.user).select_related("organization__territory"), pk=pk
    )
    response = getattr(review, "response", None)
    may_respond = services.can_respond(request.user, review)
    form = ResponseForm(
        request.POST or None,
        initial={"text": response.text, "responded_on": response.responded_on, "url": response.url}
        if response
        else None,
    )
    if request.method == "POST":
        if not may_respond:
            raise Http404
        if request.POST.get("action") == "delete":
            services.delete_response(request.user, review)
            messages.info(request, "Ответ удалён.")
            return redirect(review.get_absolute_url())
        if form.is_valid():
            try:
                services.save_response(
                    request.user,
                    review,
                    form.cleaned_data["text"],
                    form.cleaned_data["responded_on"],
                    form.cleaned_data["url"],
                )
            except ValidationError as exc:
                for name, errs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                    form.add_error(name if name in form.fields else None, errs)
            else:
                messages.success(request, "Ответ на отзыв сохранён.")
                return redirect(review.get_absolute_url())
    topics = {t.code: t for t in Topic.objects.all()}
    from scoring.models import display_code

    return render(
        request,
        "busgov/review.html",
        {
            "review": review,
            "response": response,
            "form": form,
            "may_respond": may_respond,
            "topic_labels": [topics[c].label for c in review.topics if c in topics],
            "criteria": [display_code(c) for c in review.criteria],
            "criterion_ratings": [
                (display_code(k), v, RATING_WORDS.get(v, "")) for k, v in sorted(review.criterion_ratings.items())
            ],
        },
    )


@login_required
def review_new(request):
    orgs = monitoring.organizations(request.user).order_by("short_name")
    form = ReviewForm(
        request.POST or None, organizations=orgs, initial={"organization": request.GET.get("organization")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = services.add_review(request.user, form.cleaned_data["organization"], form.cleaned_data)
        except ValidationError as exc:
            for name, errs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                form.add_error(name if name in form.fields else None, errs)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Отзыв внесён.")
            return redirect(review.get_absolute_url())
    return render(request, "busgov/review_form.html", {"form": form})


@login_required
@require_POST
def reviews_retag(request):
    _require_authority(request)
    changed = services.retag_reviews(request.user, CitizenReview.objects.visible_to(request.user))
    messages.success(request, f"Темы пересчитаны по правилам; изменено отзывов: {changed}.")
    return redirect("busgov:reviews")


# --- letters ---------------------------------------------------------------------------------------------


@login_required
def notices(request):
    _require_authority(request)
    today = services.today_for()
    form = NoticeForm(request.POST or None, initial={"year": today.year, "as_of": today})
    if request.method == "POST" and form.is_valid():
        try:
            made = services.prepare_notices(
                request.user,
                form.cleaned_data["year"],
                as_of=form.cleaned_data["as_of"],
                recheck_on=form.cleaned_data["recheck_on"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            for name, errs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                form.add_error(name if name in form.fields else None, errs)
        else:
            if made:
                messages.success(request, f"Подготовлено писем: {len(made)}.")
            else:
                messages.info(request, "Организаций, о которых нужно писать, нет — письма не подготовлены.")
            return redirect("busgov:notices")
    qs = Notice.objects.visible_to(request.user).select_related("territory")
    return render(request, "busgov/notices.html", {"form": form, "notices": qs[:200]})


@login_required
def notice_detail(request, pk: int):
    notice = get_object_or_404(Notice.objects.visible_to(request.user).select_related("territory"), pk=pk)
    form = NoticeSentForm(request.POST or None, initial={"number": notice.number, "sent_on": notice.sent_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_notice_sent(request.user, notice, form.cleaned_data["number"], form.cleaned_data["sent_on"])
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(request, "Отметка об отправке сохранена.")
        return redirect("busgov:notice", pk=notice.pk)
    return render(request, "busgov/notice.html", {"notice": notice, "form": form})


@login_required
def notice_docx(request, pk: int):
    notice = get_object_or_404(Notice.objects.visible_to(request.user).select_related("territory"), pk=pk)
    response = HttpResponse(letters.notice_docx(notice), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="pismo-busgov-{notice.pk}.docx"'
    return response


# --- information campaign --------------------------------------------------------------------------------


@login_required
def campaign(request):
    orgs = monitoring.organizations(request.user).order_by("short_name")
    ids = services.managed_territory_ids(request.user)
    territories = Territory.objects.all() if ids is None else Territory.objects.filter(pk__in=ids)
    form = CampaignForm(request.POST or None, organizations=orgs, territories=territories)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_campaign_activity(request.user, form.cleaned_data)
        except ValidationError as exc:
            for name, errs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                form.add_error(name if name in form.fields else None, errs)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Мероприятие внесено.")
            return redirect("busgov:campaign")
    activities = CampaignActivity.objects.visible_to(request.user).select_related("organization", "territory")[:200]
    return render(
        request, "busgov/campaign.html", {"form": form, "activities": activities, "organizations": orgs[:500]}
    )


@login_required
def leaflet(request, org_pk: int):
    """A printable leaflet: rate the organization on bus.gov.ru (QR) and, if a survey link exists, take the survey."""
    import segno

    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    busgov_url = f"https://bus.gov.ru/qrcode/rate/{org.busgov_id}" if org.busgov_id else ""
    survey_url = _survey_url(org)
    qr = {}
    for name, url in (("busgov", busgov_url), ("survey", survey_url)):
        if url:
            qr[name] = segno.make(url, error="m").svg_data_uri(scale=6)
    return render(
        request,
        "busgov/leaflet.html",
        {"organization": org, "busgov_url": busgov_url, "survey_url": survey_url, "qr": qr},
    )


def _survey_url(org) -> str:
    try:
        from surveys.models import SurveyLink
    except ImportError:
        return ""
    link = (
        SurveyLink.objects.filter(cycle_organization__organization=org)
        .order_by("-cycle_organization__cycle__year")
        .first()
    )
    return getattr(link, "public_url", "") if link is not None else ""


# --- settings --------------------------------------------------------------------------------------------


@login_required
def territory_settings(request, territory_pk: int):
    territory = get_object_or_404(_visible_territories(request), pk=territory_pk)
    if not services.can_manage_territory(request.user, territory.pk):
        raise Http404
    current = services.settings_for(territory)
    form = SettingsForm(
        request.POST or None,
        instance=current if current.territory_id == territory.pk else None,
        initial=None
        if current.territory_id == territory.pk
        else {f: getattr(current, f) for f in SettingsForm.Meta.fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_settings(request.user, territory, form.cleaned_data)
        except ValidationError as exc:
            for name, errs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                form.add_error(name if name in form.fields else None, errs)
        else:
            messages.success(request, "Настройки сохранены.")
            return redirect("busgov:settings", territory_pk=territory.pk)
    layouts = Layout.objects.all()
    return render(request, "busgov/settings.html", {"form": form, "territory": territory, "layouts": layouts})
