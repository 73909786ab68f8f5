"""REST API of scoring, mounted at /api/scoring/ (token or session auth)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from cycles.models import Cycle, CycleOrganization
from scoring import services
from scoring.choices import RatingGroup
from scoring.models import InputImport, Methodology, Result, ScoreInput, Shortcoming

router = Router(tags=["Расчёт показателей"])


class ScoringMethodologyOut(Schema):
    code: str
    title: str
    denominator_mode: str
    rounding_mode: str
    zero_policy: str
    min_respondents: int
    low_share_threshold: Decimal
    definition: dict


class ScoringResultOut(Schema):
    cycle_id: int
    cycle_organization_id: int
    organization_id: int
    level: str
    code: str
    value: Decimal | None
    n: int | None
    ci_low: Decimal | None
    ci_high: Decimal | None
    low_n: bool
    status: str
    methodology_version: str

    @staticmethod
    def resolve_organization_id(obj) -> int:
        return obj.cycle_organization.organization_id


class ScoringOrganizationRow(Schema):
    cycle_organization_id: int
    organization_id: int
    name: str
    org_type: str
    territory: str
    place: int | None
    criteria: dict[str, Decimal | None]
    total: Decimal | None
    status: str


class ScoringRatingOut(Schema):
    cycle_organization_id: int
    organization_id: int
    name: str
    code: str
    group: str
    group_key: str
    position: int
    group_size: int
    value: Decimal
    status: str

    @staticmethod
    def resolve_organization_id(obj) -> int:
        return obj.cycle_organization.organization_id

    @staticmethod
    def resolve_name(obj) -> str:
        org = obj.cycle_organization.organization
        return org.short_name or org.full_name


class ScoringShortcomingOut(Schema):
    id: int
    cycle_id: int
    cycle_organization_id: int
    indicator_code: str
    criterion_code: str
    kind: str
    item_code: str
    text: str
    legal_basis: str
    severity: str
    source: str
    value: Decimal | None
    active: bool


class ScoringInputOut(Schema):
    cycle_organization_id: int
    key: str
    value: Decimal
    source: str
    detail: dict
    updated_at: datetime


class ScoringInputIn(Schema):
    key: str
    value: Decimal
    reason: str = ""


class ScoringAggregateOut(Schema):
    key: str
    label: str
    n: int
    values: dict[str, dict]


class ScoringComputeIn(Schema):
    reason: str = ""
    gather: bool = True


class ScoringJobOut(Schema):
    job_id: int
    url: str


class ScoringImportOut(Schema):
    applied: bool
    error_count: int
    errors: list[str]
    warnings: list[str]
    created: int
    changed: int
    files: list[dict]


class ScoringImportQueuedOut(Schema):
    import_id: int
    job_id: int
    url: str


class ScoringImportStatusOut(Schema):
    import_id: int
    job_id: int | None
    status: str
    finished: bool
    report: ScoringImportOut | None


def _cycle(request, cycle_id: int) -> Cycle:
    return get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_id)


def _guard(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Недостаточно прав") from exc
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc


@router.get("/methodologies", response=list[ScoringMethodologyOut])
def list_methodologies(request):
    return Methodology.objects.all()


@router.get("/cycles/{cycle_id}/results", response=list[ScoringOrganizationRow])
def cycle_results(request, cycle_id: int):
    """Criteria, total and place of every visible organization of the cycle."""
    cycle = _cycle(request, cycle_id)
    rows = []
    for row in services.result_table(request.user, cycle):
        org = row["organization"]
        rows.append(
            {
                "cycle_organization_id": row["entry_id"],
                "organization_id": org.pk,
                "name": org.short_name or org.full_name,
                "org_type": org.org_type,
                "territory": org.territory.name,
                "place": row["place"],
                "criteria": {code: row["values"].get(code) for code in services.CRITERION_CODES},
                "total": row["total"],
                "status": row["status"],
            }
        )
    return rows


@router.get("/cycles/{cycle_id}/results/all", response=list[ScoringResultOut])
@paginate(LimitOffsetPagination)
def cycle_all_results(request, cycle_id: int, code: str = ""):
    cycle = _cycle(request, cycle_id)
    qs = Result.objects.visible_to(request.user).filter(cycle=cycle).select_related("cycle_organization")
    if code:
        qs = qs.filter(code=code)
    return qs.order_by("cycle_organization_id", "code")


@router.get("/entries/{entry_id}/results", response=list[ScoringResultOut])
def entry_results(request, entry_id: int):
    entry = get_object_or_404(CycleOrganization.objects.visible_to(request.user), pk=entry_id)
    return Result.objects.visible_to(request.user).filter(cycle_organization=entry).select_related("cycle_organization")


@router.get("/entries/{entry_id}/inputs", response=list[ScoringInputOut])
def entry_inputs(request, entry_id: int):
    entry = get_object_or_404(CycleOrganization.objects.visible_to(request.user), pk=entry_id)
    return ScoreInput.objects.visible_to(request.user).filter(cycle_organization=entry)


@router.put("/entries/{entry_id}/inputs", response=ScoringInputOut)
def put_input(request, entry_id: int, payload: ScoringInputIn):
    entry = get_object_or_404(CycleOrganization.objects.visible_to(request.user).select_related("cycle"), pk=entry_id)
    return _guard(services.set_input, request.user, entry, payload.key, payload.value, reason=payload.reason)


@router.get("/cycles/{cycle_id}/ratings", response=list[ScoringRatingOut])
def cycle_ratings(request, cycle_id: int, code: str = "S", group: str = RatingGroup.CYCLE, key: str = ""):
    cycle = _cycle(request, cycle_id)
    if code not in services.RATING_CODES or group not in RatingGroup.values:
        raise HttpError(422, "code: S, K1…K5; group: cycle, org_type, territory")
    return services.rating_rows(request.user, cycle, code=code, group=group, group_key=key)


@router.get("/cycles/{cycle_id}/shortcomings", response=list[ScoringShortcomingOut])
@paginate(LimitOffsetPagination)
def cycle_shortcomings(request, cycle_id: int, include_inactive: bool = False):
    cycle = _cycle(request, cycle_id)
    qs = Shortcoming.objects.visible_to(request.user).filter(cycle=cycle)
    if not include_inactive:
        qs = qs.active()
    return qs.order_by("cycle_organization_id", "criterion_code", "indicator_code", "item_code")


@router.get("/cycles/{cycle_id}/aggregates", response=list[ScoringAggregateOut])
def cycle_aggregates(request, cycle_id: int, by: str = "territory"):
    cycle = _cycle(request, cycle_id)
    if by not in services.AGGREGATE_GROUPS:
        raise HttpError(422, "by: territory, org_type, cycle")
    results = Result.objects.visible_to(request.user).filter(cycle=cycle)
    return [
        {"key": str(g["key"]), "label": str(g["label"]), "n": g["n"], "values": g["values"]}
        for g in services.aggregates(request.user, results, by=by)
    ]


@router.get("/aggregates", response=list[ScoringAggregateOut])
def year_aggregates(request, year: int, by: str = "territory"):
    if by not in services.AGGREGATE_GROUPS:
        raise HttpError(422, "by: territory, org_type, cycle")
    cycles = Cycle.objects.visible_to(request.user).filter(year=year)
    results = Result.objects.visible_to(request.user).filter(cycle__in=cycles)
    return [
        {"key": str(g["key"]), "label": str(g["label"]), "n": g["n"], "values": g["values"]}
        for g in services.aggregates(request.user, results, by=by)
    ]


@router.post("/cycles/{cycle_id}/compute", response={202: ScoringJobOut})
def compute(request, cycle_id: int, payload: ScoringComputeIn):
    """Queue a recomputation; follow the job at /jobs/<id>/."""
    from django.urls import reverse

    cycle = _cycle(request, cycle_id)
    job = _guard(services.start_recompute, request.user, cycle, reason=payload.reason, gather=payload.gather)
    return 202, {"job_id": job.pk, "url": reverse("jobs:detail", args=[job.pk])}


@router.post("/cycles/{cycle_id}/finalize")
def finalize(request, cycle_id: int):
    cycle = _cycle(request, cycle_id)
    count = _guard(services.finalize_cycle, request.user, cycle)
    return {"results": count}


@router.post("/cycles/{cycle_id}/import", response={200: ScoringImportOut, 202: ScoringImportQueuedOut})
def import_files(
    request,
    cycle_id: int,
    files: list[UploadedFile] = File(...),  # noqa: B008 - ninja's declaration style
    reason: str = Form(""),
    dry_run: bool = Form(False),
):
    """Upload an inputs table, a checklist and/or an answers file (XLSX/CSV); all or nothing.

    Files larger in total than SCORING_IMPORT_SYNC_BYTES are checked and loaded by a background job:
    the answer is 202 with the import to follow at ``GET /imports/{import_id}``.
    """
    from django.urls import reverse

    cycle = _cycle(request, cycle_id)
    if services.import_in_background(sum(f.size for f in files)):
        record = _guard(
            services.start_import, request.user, cycle, [(f.name, f) for f in files], reason=reason, dry_run=dry_run
        )
        return Status(
            202,
            {
                "import_id": record.pk,
                "job_id": record.job_id,
                "url": reverse("scoring:import_detail", args=[record.pk]),
            },
        )
    report = _guard(
        services.import_inputs,
        request.user,
        cycle,
        [(f.name, f.read()) for f in files],
        reason=reason,
        dry_run=dry_run,
    )
    return Status(200, _import_out(asdict(report)))


def _import_out(report: dict) -> dict:
    return {name: report[name] for name in ScoringImportOut.model_fields}


@router.get("/imports/{import_id}", response=ScoringImportStatusOut)
def import_status(request, import_id: int):
    """A background import: the job's state and, once finished, the report (errors name file, row, column)."""
    record = get_object_or_404(
        InputImport.objects.visible_to(request.user).select_related("job", "cycle"), pk=import_id
    )
    if not services.can_compute(request.user, record.cycle):
        raise HttpError(404, "Не найдено")
    job = record.job
    return {
        "import_id": record.pk,
        "job_id": record.job_id,
        "status": job.status if job else "",
        "finished": record.finished_at is not None,
        "report": _import_out(record.report) if record.report else None,
    }
