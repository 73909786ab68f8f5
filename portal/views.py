"""The public НОКО portal: no login, Russian, phone-friendly; published data only (see portal.services)."""

from __future__ import annotations

import csv
import io
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal import services
from portal.models import NewsItem
from registry.choices import OrgType
from registry.models import Organization, Territory


def _territory(territory_id: int) -> Territory:
    return get_object_or_404(Territory, pk=territory_id)


@require_GET
def home(request):
    regions = list(services.regions())
    if len(regions) == 1:
        return territory(request, regions[0].pk)
    return render(request, "portal/home.html", {"regions": regions})


@require_GET
def about(request):
    return render(request, "portal/about.html", {"regions": services.regions()})


@require_GET
def territory(request, territory_id: int):
    place = _territory(territory_id)
    ids = place.subtree_ids()
    news = NewsItem.objects.public().filter(territory_id__in=[place.pk, place.parent_id or place.pk])[:5]
    return render(
        request,
        "portal/territory.html",
        {
            "territory": place,
            "years": services.published_years(place),
            "list_years": services.list_years(place),
            "municipalities": services.municipalities(place) if place.parent_id is None else [],
            "news": news,
            "has_council": hasattr(place, "council"),
            "organizations": Organization.objects.public().filter(territory_id__in=ids).count(),
        },
    )


@require_GET
def results(request, territory_id: int, year: int):
    place = _territory(territory_id)
    municipality = request.GET.get("mo") or ""
    org_type = request.GET.get("type") or ""
    if org_type not in OrgType.values:
        org_type = ""
    page = services.results_page(
        place,
        year,
        municipality=int(municipality) if municipality.isdigit() else None,
        org_type=org_type,
        q=request.GET.get("q", "")[:100],
        page=request.GET.get("page") or 1,
    )
    if page is None:
        raise Http404("Результаты за этот год не опубликованы")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/results.html",
        {
            "territory": place,
            "year": year,
            "data": page,
            "types": [(t.value, OrgType.short_label(t.value)) for t in OrgType],
            "query": query.urlencode(),
            "years": services.published_years(place),
        },
    )


@require_GET
def organization_list(request, territory_id: int, year: int):
    place = _territory(territory_id)
    rows = services.organization_list(place, year)
    if rows is None:
        raise Http404
    return render(request, "portal/list.html", {"territory": place, "year": year, "rows": rows})


@require_GET
def council(request, territory_id: int):
    place = _territory(territory_id)
    from council.services import public_council_info

    info = public_council_info(place)
    if info is None:
        raise Http404
    return render(request, "portal/council.html", {"territory": place, "info": info})


@require_GET
def organization(request, org_id: int):
    org = get_object_or_404(Organization.objects.public().select_related("territory"), pk=org_id)
    return render(request, "portal/organization.html", services.organization_page(org))


@require_GET
def organization_pdf(request, org_id: int):
    from reports.pdf import PDF_MIME, card_pdf

    org = get_object_or_404(Organization.objects.public(), pk=org_id)
    card = services.organization_page(org)["card"]
    if card is None:
        raise Http404
    url = request.build_absolute_uri(reverse("portal:organization", args=[org.pk]))
    response = HttpResponse(card_pdf(card, public_url=url), content_type=PDF_MIME)
    response["Content-Disposition"] = f'inline; filename="noko-{org.inn}-{card["cycle"].year}.pdf"'
    return response


@require_GET
def search(request):
    q = request.GET.get("q", "")[:100]
    found = services.search(q)
    if request.htmx:
        return render(request, "portal/_search_results.html", {"q": q, "found": found})
    return render(request, "portal/search.html", {"q": q, "found": found})


@require_GET
def open_data(request):
    return render(request, "portal/open_data.html", {"datasets": services.open_datasets()})


def _published_cycle(cycle_id: int):
    return get_object_or_404(services.open_datasets(), pk=cycle_id)


@require_GET
def open_data_csv(request, cycle_id: int):
    cycle = _published_cycle(cycle_id)
    columns, rows = services.open_data_rows(cycle)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([name for name, _title, _kind in columns])
    for row in rows:
        writer.writerow(["" if row[name] is None else str(row[name]) for name, _title, _kind in columns])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="noko-{cycle.year}-{cycle.pk}.csv"'
    return response


@require_GET
def open_data_json(request, cycle_id: int):
    cycle = _published_cycle(cycle_id)
    columns, rows = services.open_data_rows(cycle)
    payload = {"dataset": f"noko-{cycle.pk}", "columns": [name for name, _t, _k in columns], "rows": rows}
    return HttpResponse(
        json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )


@require_GET
def open_data_passport(request, cycle_id: int):
    cycle = _published_cycle(cycle_id)
    base = request.build_absolute_uri(reverse("portal:open_data_passport", args=[cycle.pk])).rsplit("/", 1)[0] + "/"
    return JsonResponse(services.passport(cycle, base), json_dumps_params={"ensure_ascii": False})
