"""What the public portal shows, read only from published data.

The one rule: results, ratings and shortcomings come only from cycles the public may read
(``Cycle.objects.published()``) and only final values (``Result.objects.published()``); plans only when
approved and marked as placed. Each page runs a fixed number of queries whatever the size of the region.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Max, Sum
from django.utils import timezone

from cycles.models import Cycle, CycleOrganization
from registry.choices import OrgType
from registry.models import Organization, Territory
from reports.cards import organization_card
from reports.scope import ReportScope
from scoring import services as scoring
from scoring.choices import Level, RatingGroup, ResultStatus
from scoring.models import CRITERION_CODES, TOTAL_CODE, Methodology, Rating, Result, display_code

PAGE_SIZE = 50
AGGREGATE_CACHE_SECONDS = 3600
RATING_CODES = (*CRITERION_CODES, TOTAL_CODE)


def regions():
    return Territory.objects.filter(parent__isnull=True).order_by("name")


def municipalities(territory: Territory):
    return Territory.objects.filter(parent=territory).order_by("name")


def published_cycles():
    return Cycle.objects.published()


def published_years(territory: Territory) -> list[int]:
    ids = territory.subtree_ids()
    years = (
        published_cycles()
        .filter(entries__organization__territory_id__in=ids)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return list(dict.fromkeys(years))


def list_years(territory: Territory) -> list[int]:
    """Years whose list of organizations is approved (public even before results)."""
    ids = territory.subtree_ids()
    years = (
        Cycle.objects.filter(list_frozen=True, entries__organization__territory_id__in=ids)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return list(dict.fromkeys(years))


@dataclass
class ResultsPage:
    territory: Territory
    year: int
    cycles: list[Cycle]
    page: Any
    rows: list[dict[str, Any]]
    by_territory: list[dict[str, Any]]
    overall: dict[str, dict[str, Any]]
    municipalities: list[Territory]
    filters: dict[str, Any] = field(default_factory=dict)
    criteria: list[str] = field(default_factory=lambda: [display_code(c) for c in CRITERION_CODES])


def results_page(
    territory: Territory,
    year: int,
    *,
    municipality: int | None = None,
    org_type: str = "",
    q: str = "",
    page: int | str = 1,
) -> ResultsPage | None:
    """Results and places of the published cycles of YEAR for organizations of TERRITORY (None: nothing public)."""
    scope = ReportScope(territory, year)
    cycles = list(scope.cycles(published_cycles()))
    if not cycles:
        return None
    cycle_ids = [c.pk for c in cycles]
    results = scope.filter(Result.objects.published(), cycle_ids=cycle_ids)
    overall, by_territory, published_count = _aggregates(scope, cycle_ids, results)

    totals = results.filter(code=TOTAL_CODE, value__isnull=False)
    if municipality:
        totals = totals.filter(cycle_organization__organization__territory_id=municipality)
    if org_type:
        totals = totals.filter(cycle_organization__organization__org_type=org_type)
    if q:
        matching = Organization.objects.search(q).values("pk")
        totals = totals.filter(cycle_organization__organization__in=matching)
    totals = totals.order_by("-value", "cycle_organization__organization__short_name").values(
        "cycle_organization_id",
        "cycle_id",
        "value",
        "cycle_organization__organization_id",
        "cycle_organization__organization__short_name",
        "cycle_organization__organization__full_name",
        "cycle_organization__organization__org_type",
        "cycle_organization__organization__territory__name",
    )
    paginator = Paginator(totals, PAGE_SIZE)
    if not (municipality or org_type or q):
        paginator.__dict__["count"] = published_count  # known from the fingerprint: one query less
    page_obj = paginator.get_page(page)
    entry_ids = [row["cycle_organization_id"] for row in page_obj.object_list]
    criteria: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for entry_id, code, value in (
        Result.objects.published()
        .filter(cycle_organization_id__in=entry_ids, level=Level.CRITERION)
        .order_by()
        .values_list("cycle_organization_id", "code", "value")
    ):
        criteria[entry_id][code] = value
    places = {
        (entry_id, group): (position, size)
        for entry_id, group, position, size in Rating.objects.filter(
            cycle_id__in=cycle_ids,
            cycle_organization_id__in=entry_ids,
            code=TOTAL_CODE,
            status=ResultStatus.FINAL,
        )
        .order_by()
        .values_list("cycle_organization_id", "group", "position", "group_size")
    }
    cycle_titles = {c.pk: str(c) for c in cycles}
    rows = []
    for number, row in enumerate(page_obj.object_list, start=page_obj.start_index()):
        entry_id = row["cycle_organization_id"]
        rows.append(
            {
                "number": number,
                "organization_id": row["cycle_organization__organization_id"],
                "name": row["cycle_organization__organization__short_name"]
                or row["cycle_organization__organization__full_name"],
                "full_name": row["cycle_organization__organization__full_name"],
                "type": OrgType.short_label(row["cycle_organization__organization__org_type"]),
                "territory": row["cycle_organization__organization__territory__name"],
                "criteria": [criteria[entry_id].get(code) for code in CRITERION_CODES],
                "total": row["value"],
                "place": places.get((entry_id, RatingGroup.CYCLE)),
                "cycle": cycle_titles.get(row["cycle_id"], ""),
            }
        )
    return ResultsPage(
        territory=territory,
        year=year,
        cycles=cycles,
        page=page_obj,
        rows=rows,
        by_territory=by_territory,
        overall=overall,
        municipalities=list(municipalities(territory)) if territory.parent_id is None else [],
        filters={"municipality": municipality, "org_type": org_type, "q": q},
    )


def _aggregates(scope: ReportScope, cycle_ids: list[int], results) -> tuple[dict, list, int]:
    """Means with N for the whole scope and per municipality (scoring's aggregate helpers), cached.

    The cache key carries a fingerprint of the published totals (count, sum, latest computation), so any
    recomputation, finalisation or change of phase gives a new key; the pages of one region share one entry.
    """
    fingerprint = (
        results.filter(code=TOTAL_CODE)
        .order_by()
        .aggregate(n=Count("value"), total=Sum("value"), latest=Max("computed_at"))
    )
    key = (
        "portal:aggregates:"
        + hashlib.sha256(
            f"{scope.territory.pk}|{scope.year}|{sorted(cycle_ids)}|{sorted(fingerprint.items())}".encode()
        ).hexdigest()
    )
    cached = cache.get(key)
    if cached is not None:
        return (*cached, fingerprint["n"])
    overall = scoring.overall(results, codes=RATING_CODES)
    by_territory = scoring.aggregates(None, results, by="territory", codes=RATING_CODES)
    for group in by_territory:
        group["criteria_means"] = [group["values"].get(c, {}).get("mean") for c in CRITERION_CODES]
        group["total_mean"] = group["values"].get(TOTAL_CODE, {}).get("mean")
    cache.set(key, (overall, by_territory), AGGREGATE_CACHE_SECONDS)
    return overall, by_territory, fingerprint["n"]


def organization_list(territory: Territory, year: int) -> list[dict[str, Any]] | None:
    """The approved list of organizations assessed in YEAR (no results)."""
    ids = territory.subtree_ids()
    cycles = Cycle.objects.filter(year=year, list_frozen=True, entries__organization__territory_id__in=ids).distinct()
    if not cycles.exists():
        return None
    entries = (
        CycleOrganization.objects.included()
        .filter(cycle__in=cycles, organization__territory_id__in=ids)
        .select_related("organization__territory")
        .order_by("organization__territory__name", "organization__short_name")
    )
    return [
        {
            "organization": entry.organization,
            "type": OrgType.short_label(entry.organization.org_type),
            "territory": entry.organization.territory.name,
        }
        for entry in entries
    ]


def search(q: str, limit: int = 50):
    q = (q or "").strip()
    if len(q) < 2:
        return []
    return list(
        Organization.objects.public()
        .search(q)
        .select_related("territory")
        .order_by("territory__name", "short_name")[:limit]
    )


@dataclass
class HistoryPoint:
    year: int
    cycle: str
    methodology_version: str
    total: Decimal | None
    criteria: list[Decimal | None]
    version_changed: bool = False


def organization_page(org: Organization) -> dict[str, Any]:
    """The public page of ORG: the latest published results, their history over the years, the plan."""
    entry_ids = list(CycleOrganization.objects.filter(organization=org).values_list("pk", flat=True))
    published = Result.objects.published().filter(cycle_organization_id__in=entry_ids)
    points: dict[int, dict[str, Any]] = {}
    for entry_id, year, cycle_title_id, code, value, version in (
        published.filter(level__in=[Level.CRITERION, Level.TOTAL])
        .order_by()
        .values_list("cycle_organization_id", "cycle__year", "cycle_id", "code", "value", "methodology_version")
    ):
        point = points.setdefault(
            entry_id, {"year": year, "cycle_id": cycle_title_id, "values": {}, "version": version}
        )
        point["values"][code] = value
    cycles = {c.pk: c for c in Cycle.objects.filter(pk__in=[p["cycle_id"] for p in points.values()])}
    history: list[HistoryPoint] = []
    previous_version = None
    for _entry_id, point in sorted(points.items(), key=lambda item: item[1]["year"]):
        history.append(
            HistoryPoint(
                year=point["year"],
                cycle=str(cycles.get(point["cycle_id"], "")),
                methodology_version=point["version"],
                total=point["values"].get(TOTAL_CODE),
                criteria=[point["values"].get(c) for c in CRITERION_CODES],
                version_changed=previous_version is not None and point["version"] != previous_version,
            )
        )
        previous_version = point["version"]
    card = None
    if points:
        latest_entry_id = max(points, key=lambda entry_id: points[entry_id]["year"])
        entry = CycleOrganization.objects.select_related("cycle__territory", "organization__territory").get(
            pk=latest_entry_id
        )
        card = organization_card(entry, results=Result.objects.published(), public=True)
    versions = {p.methodology_version for p in history}
    titles = dict(Methodology.objects.filter(code__in=versions).values_list("code", "title"))
    return {
        "organization": org,
        "history": history,
        "card": card,
        "version_titles": titles,
        "versions_differ": len(versions) > 1,
        "survey": survey_link(org),
        "upcoming": _upcoming(org),
    }


def _upcoming(org: Organization) -> list[Cycle]:
    """Cycles under way that include ORG (their results are not public yet)."""
    return list(
        Cycle.objects.exclude(pk__in=published_cycles().values("pk"))
        .filter(entries__organization=org, list_frozen=True)
        .order_by("-year")
    )


def survey_link(org: Organization) -> dict[str, Any] | None:
    """The open questionnaire of ORG in a current cycle, if the campaign is open now."""
    try:
        from surveys.models import SurveyLink
    except ImportError:
        return None
    link = (
        SurveyLink.objects.filter(cycle_organization__organization=org)
        .exclude(cycle_organization__cycle__in=published_cycles())
        .select_related("cycle_organization__cycle__survey_campaign")
        .order_by("-cycle_organization__cycle__year")
        .first()
    )
    if link is None:
        return None
    campaign = getattr(link.cycle_organization.cycle, "survey_campaign", None)
    if campaign is None or campaign.state_for(org.effective_timezone) != "open":
        return None
    return {"path": link.path, "closes_on": campaign.closes_on}


# --- open data ---------------------------------------------------------------------------------------

OPEN_DATA_COLUMNS: list[tuple[str, str, str]] = [
    ("year", "Год проведения оценки", "integer"),
    ("cycle", "Цикл оценки", "string"),
    ("inn", "ИНН организации", "string"),
    ("ogrn", "ОГРН организации", "string"),
    ("busgov_id", "Идентификатор организации на bus.gov.ru", "string"),
    ("name", "Полное наименование организации", "string"),
    ("short_name", "Сокращённое наименование", "string"),
    ("org_type", "Тип организации", "string"),
    ("municipality", "Муниципальное образование", "string"),
    ("respondents", "Число респондентов", "integer"),
]


def open_data_columns(methodology: Methodology | None) -> list[tuple[str, str, str]]:
    columns = list(OPEN_DATA_COLUMNS)
    definition = methodology.definition if methodology else {"indicators": [], "criteria": []}
    for ind in definition.get("indicators", []):
        columns.append((f"i{ind['code']}", f"Показатель {ind['code']}: {ind.get('label', '')}", "number"))
    for crit in definition.get("criteria", []):
        columns.append((crit["code"], f"Критерий {display_code(crit['code'])}: {crit['label']}", "number"))
    columns += [
        ("S", "Итоговый показатель", "number"),
        ("place", "Место в рейтинге цикла", "integer"),
        ("places_of", "Число организаций в рейтинге", "integer"),
        ("methodology", "Версия методики", "string"),
    ]
    return columns


def open_data_rows(cycle: Cycle) -> tuple[list[tuple[str, str, str]], list[dict[str, Any]]]:
    """Published final results of one published cycle, one row per organization (values rounded to 2 places)."""
    from lib import score_inputs as K
    from lib.scoring_math import quantize
    from scoring.models import ScoreInput

    methodology = Methodology.objects.filter(code=cycle.methodology_version).first()
    columns = open_data_columns(methodology)
    places = methodology.publish_decimals if methodology else 2
    values: dict[int, dict[str, Any]] = {}
    for entry_id, code, value in (
        Result.objects.published().filter(cycle=cycle).order_by().values_list("cycle_organization_id", "code", "value")
    ):
        key = code if code.startswith("K") or code == TOTAL_CODE else f"i{code}"
        values.setdefault(entry_id, {})[key] = quantize(value, places)
    rows: dict[int, dict[str, Any]] = {}
    entries = (
        CycleOrganization.objects.filter(cycle=cycle)
        .select_related("organization__territory")
        .order_by("organization__territory__name", "organization__short_name")
    )
    for entry in entries:
        if entry.pk not in values:
            continue
        org = entry.organization
        rows[entry.pk] = {
            "year": cycle.year,
            "cycle": str(cycle),
            "inn": org.inn,
            "ogrn": org.ogrn,
            "busgov_id": org.busgov_id,
            "name": org.full_name,
            "short_name": org.short_name,
            "org_type": OrgType.short_label(org.org_type),
            "municipality": org.territory.name,
            "respondents": None,
            "place": None,
            "places_of": None,
            "methodology": cycle.methodology_version,
            **values[entry.pk],
        }
    for entry_id, position, size in (
        Rating.objects.filter(cycle=cycle, code=TOTAL_CODE, group=RatingGroup.CYCLE, status=ResultStatus.FINAL)
        .order_by()
        .values_list("cycle_organization_id", "position", "group_size")
    ):
        if entry_id in rows:
            rows[entry_id]["place"] = position
            rows[entry_id]["places_of"] = size
    for entry_id, value in (
        ScoreInput.objects.filter(cycle=cycle, key=K.SURVEY_RESPONDENTS)
        .order_by()
        .values_list("cycle_organization_id", "value")
    ):
        if entry_id in rows:
            rows[entry_id]["respondents"] = int(value)
    keys = [c[0] for c in columns]
    return columns, [{key: row.get(key) for key in keys} for row in rows.values()]


def open_datasets():
    """Published cycles that have final results, newest first, with their size."""
    return (
        published_cycles()
        .filter(pk__in=Result.objects.published().values("cycle_id"))
        .select_related("territory")
        .annotate(organizations=Count("entries", distinct=True))
        .order_by("-year", "territory__parent_id", "territory__name")
    )


def passport(cycle: Cycle, base_url: str) -> dict[str, Any]:
    """The data set passport (after the Russian open-data recommendations: identifier, title, owner, format…)."""
    methodology = Methodology.objects.filter(code=cycle.methodology_version).first()
    final_at = (
        Result.objects.published()
        .filter(cycle=cycle)
        .order_by("-computed_at")
        .values_list("computed_at", flat=True)
        .first()
    )
    modified = timezone.localtime(final_at).date() if final_at else datetime.date(cycle.year, 12, 31)
    authority = cycle.territory.authority_name or cycle.territory.name
    return {
        "standardversion": "http://opendata.gosmonitor.ru/standard/3.0",
        "identifier": f"noko-{cycle.territory.code or cycle.territory.pk}-{cycle.year}",
        "title": f"Результаты независимой оценки качества условий осуществления образовательной деятельности: {cycle}",
        "description": (
            "Итоговые значения показателей, критериев и итогового показателя по каждой оценённой организации, "
            "место в рейтинге цикла и число респондентов. Показатели рассчитаны по единому порядку (приказ Минтруда "
            "России № 344н) и показателям приказа Минпросвещения России № 114; значения округлены до двух знаков."
        ),
        "creator": authority,
        "publisher": authority,
        "subject": "образование; независимая оценка качества; НОКО",
        "format": ["csv", "json"],
        "created": datetime.date(cycle.year, 1, 1).isoformat(),
        "modified": modified.isoformat(),
        "valid": datetime.date(cycle.year + 3, 12, 31).isoformat(),
        "provenance": f"Версия методики {cycle.methodology_version}"
        + (f" ({methodology.title})" if methodology else ""),
        "license": "CC BY 4.0",
        "encoding": "UTF-8",
        "csv_delimiter": ";",
        "data": {
            "csv": f"{base_url}data.csv",
            "json": f"{base_url}data.json",
        },
        "structure": [
            {"name": name, "title": title, "type": kind} for name, title, kind in open_data_columns(methodology)
        ],
    }
