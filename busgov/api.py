"""REST API of the bus.gov.ru bridge (mounted at /api/busgov/). Thin: every write goes through busgov.services."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from busgov import monitoring, services
from busgov.choices import Duty, ImportKind, InfoKind, PlacementStatus
from busgov.models import CitizenReview, ExportPackage, ImportBatch, ResponsibleOfficial
from cycles.models import Cycle, CycleOrganization
from lib.tables import TableError

router = Router(tags=["bus.gov.ru"])


def _fail(exc: Exception):
    if isinstance(exc, PermissionDenied):
        raise HttpError(403, str(exc) or "Недостаточно прав")
    if isinstance(exc, ValidationError):
        detail = exc.message_dict if hasattr(exc, "message_dict") else exc.messages
        raise HttpError(400, str(detail))
    raise exc


class BusgovOfficialOut(Schema):
    id: int
    organization_id: int | None
    territory_id: int | None
    full_name: str
    position: str
    phone: str
    email: str
    duties: list[str]
    order_number: str
    order_date: datetime.date | None
    period_start: datetime.date | None
    period_end: datetime.date | None


class BusgovOfficialIn(Schema):
    organization_id: int | None = None
    territory_id: int | None = None
    full_name: str
    position: str
    phone: str = ""
    email: str = ""
    duties: list[Duty]
    order_number: str = ""
    order_date: datetime.date | None = None
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None


def _official_data(payload: BusgovOfficialIn) -> dict:
    data = payload.dict()
    data["organization"] = data.pop("organization_id")
    data["territory"] = data.pop("territory_id")
    data["duties"] = [str(d.value if hasattr(d, "value") else d) for d in data["duties"]]
    return data


@router.get("/officials", response=list[BusgovOfficialOut])
@paginate(LimitOffsetPagination)
def list_officials(request, on: datetime.date | None = None):
    qs = ResponsibleOfficial.objects.visible_to(request.user)
    return qs.active_on(on) if on else qs


class BusgovMissingOut(Schema):
    organization_id: int
    organization: str
    territory: str
    uncovered: list[str]


@router.get("/officials/missing", response=list[BusgovMissingOut])
def missing_officials(request, on: datetime.date | None = None, duty: Duty | None = None):
    register = monitoring.officials_register(request.user, on or services.today_for(), duty=duty.value if duty else "")
    return [
        {
            "organization_id": m["organization"].pk,
            "organization": m["organization"].short_name or m["organization"].full_name,
            "territory": m["organization"].territory.name,
            "uncovered": m["uncovered"],
        }
        for m in register["missing_organizations"]
    ]


@router.post("/officials", response={201: BusgovOfficialOut})
def create_official(request, payload: BusgovOfficialIn):
    try:
        return Status(201, services.save_official(request.user, _official_data(payload)))
    except (ValidationError, PermissionDenied) as exc:
        _fail(exc)


@router.put("/officials/{official_id}", response=BusgovOfficialOut)
def update_official(request, official_id: int, payload: BusgovOfficialIn):
    official = get_object_or_404(ResponsibleOfficial.objects.visible_to(request.user), pk=official_id)
    try:
        return services.save_official(request.user, _official_data(payload), official)
    except (ValidationError, PermissionDenied) as exc:
        _fail(exc)


@router.delete("/officials/{official_id}", response={204: None})
def delete_official(request, official_id: int):
    official = get_object_or_404(ResponsibleOfficial.objects.visible_to(request.user), pk=official_id)
    try:
        services.delete_official(request.user, official)
    except PermissionDenied as exc:
        _fail(exc)
    return Status(204, None)


class BusgovProblemOut(Schema):
    level: str
    organization: str
    column: str
    message: str


@router.get("/cycles/{cycle_id}/validation", response=list[BusgovProblemOut])
def validate_cycle(request, cycle_id: int, kind: InfoKind = InfoKind.RESULTS):
    from busgov import exports
    from busgov.choices import LayoutKind

    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_id)
    if not services.can_manage_cycle(request.user, cycle):
        raise HttpError(403, "Проверку пакета выполняет орган управления, проводящий оценку")
    conf = services.settings_for(cycle.territory)
    layout_kind = LayoutKind.RESULTS if kind == InfoKind.RESULTS else LayoutKind.PLANS
    layout = services.layout(conf.results_layout if kind == InfoKind.RESULTS else conf.plans_layout, layout_kind)
    return exports.validate(cycle, kind, layout)


class BusgovPackageOut(Schema):
    id: int
    cycle_id: int
    kind: str
    layout_code: str
    status: str
    job_id: int | None
    organizations: int
    rows: int
    sha256: str
    problems: list[BusgovProblemOut]


class BusgovPackageIn(Schema):
    kind: InfoKind


@router.post("/cycles/{cycle_id}/packages", response={201: BusgovPackageOut})
def create_package(request, cycle_id: int, payload: BusgovPackageIn):
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_id)
    try:
        return Status(201, services.start_export(request.user, cycle, payload.kind))
    except (ValidationError, PermissionDenied) as exc:
        _fail(exc)


@router.get("/packages/{package_id}", response=BusgovPackageOut)
def get_package(request, package_id: int):
    return get_object_or_404(ExportPackage.objects.visible_to(request.user), pk=package_id)


class BusgovPlacementRowOut(Schema):
    entry_id: int
    organization_id: int
    organization: str
    busgov_id: str
    has_final_results: bool
    results_status: str
    results_placed_on: datetime.date | None
    results_overdue: bool
    plan_status: str | None
    plan_placed: bool
    plan_due: datetime.date | None
    plan_overdue: bool


class BusgovPlacementTableOut(Schema):
    results_due: datetime.date | None
    results_due_basis: str
    rows: list[BusgovPlacementRowOut]


@router.get("/cycles/{cycle_id}/placements", response=BusgovPlacementTableOut)
def cycle_placements(request, cycle_id: int):
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_id)
    table = monitoring.placement_table(request.user, cycle, services.today_for(cycle.territory))
    return {
        "results_due": table["results_due"].due,
        "results_due_basis": table["results_due"].basis,
        "rows": [
            {
                "entry_id": r["entry"].pk,
                "organization_id": r["organization"].pk,
                "organization": r["organization"].short_name or r["organization"].full_name,
                "busgov_id": r["organization"].busgov_id,
                "has_final_results": r["has_final"],
                "results_status": r["results"].status if r["results"] else PlacementStatus.NOT_PLACED,
                "results_placed_on": r["results"].placed_on if r["results"] else None,
                "results_overdue": r["results_overdue"],
                "plan_status": r["plan"].status if r["plan"] else None,
                "plan_placed": r["plan_placed"],
                "plan_due": r["plan_due"],
                "plan_overdue": r["plan_overdue"],
            }
            for r in table["rows"]
        ],
    }


class BusgovPlacementIn(Schema):
    entry_id: int
    kind: InfoKind
    status: PlacementStatus = PlacementStatus.PLACED
    placed_on: datetime.date | None = None
    url: str = ""
    note: str = ""


class BusgovPlacementOut(Schema):
    id: int
    entry_id: int
    kind: str
    status: str
    placed_on: datetime.date | None
    url: str
    source: str

    @staticmethod
    def resolve_entry_id(obj):
        return obj.cycle_organization_id


@router.post("/placements", response=BusgovPlacementOut)
def mark_placement(request, payload: BusgovPlacementIn):
    entry = get_object_or_404(CycleOrganization.objects.visible_to(request.user), pk=payload.entry_id)
    try:
        return services.mark_placement(
            request.user,
            entry,
            payload.kind,
            status=payload.status,
            placed_on=payload.placed_on,
            url=payload.url,
            note=payload.note,
        )
    except (ValidationError, PermissionDenied) as exc:
        _fail(exc)


class BusgovResponseOut(Schema):
    text: str
    responded_on: datetime.date
    url: str
    source: str


class BusgovReviewOut(Schema):
    id: int
    organization_id: int
    external_id: str
    posted_on: datetime.date
    author: str
    rating: int | None
    criterion_ratings: dict
    text: str
    topics: list[str]
    criteria: list[str]
    is_negative: bool
    source: str
    response: BusgovResponseOut | None

    @staticmethod
    def resolve_response(obj):
        return getattr(obj, "response", None)


@router.get("/reviews", response=list[BusgovReviewOut])
@paginate(LimitOffsetPagination)
def list_reviews(
    request,
    year: int | None = Query(None, ge=2000, le=2100),
    organization_id: int | None = Query(None, ge=1, le=2**62),
    negative: bool | None = None,
    unanswered: bool | None = None,
    topic: str = "",
):
    qs = CitizenReview.objects.visible_to(request.user).select_related("response")
    if year:
        qs = qs.in_year(year)
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if negative is not None:
        qs = qs.filter(is_negative=negative)
    if unanswered:
        qs = qs.unanswered()
    if topic:
        qs = qs.filter(topics__icontains=f'"{topic}"')
    return qs


class BusgovResponseIn(Schema):
    text: str
    responded_on: datetime.date | None = None
    url: str = ""


@router.put("/reviews/{review_id}/response", response=BusgovResponseOut)
def respond(request, review_id: int, payload: BusgovResponseIn):
    review = get_object_or_404(CitizenReview.objects.visible_to(request.user), pk=review_id)
    try:
        return services.save_response(request.user, review, payload.text, payload.responded_on, payload.url)
    except (ValidationError, PermissionDenied) as exc:
        _fail(exc)


class BusgovTerritoryRowOut(Schema):
    territory_id: int | None
    territory: str
    organizations: int
    with_reviews: int
    without_reviews: int
    reviews: int
    negative: int
    negative_share: float | None
    unanswered: int
    average_rating: float | None


class BusgovMonitoringOut(Schema):
    year: int
    as_of: datetime.date
    totals: BusgovTerritoryRowOut
    rows: list[BusgovTerritoryRowOut]
    without_reviews: list[int]


def _row(r) -> dict:
    return {
        "territory_id": r.territory.pk,
        "territory": r.territory.name,
        "organizations": r.organizations,
        "with_reviews": r.with_reviews,
        "without_reviews": r.without_reviews,
        "reviews": r.reviews,
        "negative": r.negative,
        "negative_share": float(r.negative_share) if r.negative_share is not None else None,
        "unanswered": r.unanswered,
        "average_rating": float(r.average_rating) if r.average_rating is not None else None,
    }


@router.get("/monitoring", response=BusgovMonitoringOut)
def monitoring_summary(request, year: int = Query(..., ge=2000, le=2100), as_of: datetime.date | None = None):
    summary = monitoring.review_summary(request.user, year, as_of=as_of)
    return {
        "year": summary.year,
        "as_of": summary.as_of,
        "totals": _row(summary.totals),
        "rows": [_row(r) for r in summary.rows],
        "without_reviews": [o.pk for o in summary.without_reviews],
    }


class BusgovImportOut(Schema):
    id: int
    kind: str
    status: str
    total_rows: int
    good_rows: int
    errors: list[dict]
    summary: dict

    @staticmethod
    def resolve_good_rows(obj):
        return len(obj.rows)


@router.post("/imports/{kind}", response={201: BusgovImportOut})
def upload(request, kind: ImportKind, file: File[UploadedFile]):
    try:
        return Status(201, services.prepare_import(request.user, kind, file.read(), file.name))
    except TableError as exc:
        raise HttpError(400, f"Файл «{file.name}»: {exc}") from exc
    except (ValidationError, PermissionDenied) as exc:
        _fail(exc)


@router.post("/imports/{batch_id}/apply", response=BusgovImportOut)
def apply(request, batch_id: int, skip_bad_rows: Form[bool] = False):
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=batch_id)
    try:
        services.apply_import(request.user, batch, skip_bad_rows=skip_bad_rows)
    except (ValidationError, PermissionDenied) as exc:
        _fail(exc)
    batch.refresh_from_db()
    return batch
