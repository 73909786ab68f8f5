"""REST API of plans (mounted at /api/plans/). Thin: every write goes through plans.services."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from plans import services
from plans.choices import ExceptionReason, ItemStatus, PlanStatus
from plans.models import Plan, PlanItem

router = Router(tags=["Планы по устранению недостатков"])


class PlanItemOut(Schema):
    id: int
    criterion_code: str
    section: str = Field(..., alias="section_numeral")
    indicator_code: str
    shortcoming_id: int | None
    shortcoming_text: str
    measure: str
    deadline: datetime.date | None
    responsible_name: str
    responsible_position: str
    planned_result: str
    status: ItemStatus
    actual_measures: str
    actual_date: datetime.date | None
    repeated: bool


class PlanOut(Schema):
    id: int
    cycle_id: int
    year: int
    organization_id: int = Field(..., alias="cycle_organization.organization_id")
    organization: str = Field(..., alias="cycle_organization.organization.full_name")
    status: PlanStatus
    exception_reason: str
    exception_note: str
    approver_name: str
    approver_position: str
    approved_on: datetime.date | None
    return_comment: str
    published: bool
    published_url: str


class PlanDetailOut(PlanOut):
    items: list[PlanItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.order_by("criterion_code", "order", "pk"))


class PlanItemIn(Schema):
    measure: str | None = None
    deadline: datetime.date | None = None
    responsible_name: str | None = None
    responsible_position: str | None = None
    planned_result: str | None = None
    shortcoming_text: str | None = None
    criterion_code: str | None = None


class PlanProgressIn(Schema):
    status: ItemStatus | None = None
    actual_measures: str | None = None
    actual_date: datetime.date | None = None


class PlanCommentIn(Schema):
    comment: str


class PlanApproveIn(Schema):
    approver_name: str = ""
    approver_position: str = ""
    approved_on: datetime.date | None = None
    comment: str = ""


class PlanExceptionIn(Schema):
    reason: ExceptionReason
    note: str = ""


class PlanPublishIn(Schema):
    published: bool = True
    url: str = ""


class PlanSeedOut(Schema):
    plans_created: int
    exceptions_created: int
    items_created: int
    plans_updated: int
    repeated: int
    skipped: int


class PlanControlRow(Schema):
    territory_id: int
    territory: str
    assessed: int
    approved: int
    exceptions: int
    missing: int
    published: int
    items: int
    done: int
    overdue: int
    share_done: float | None
    repeated: int


def _visible(request):
    return Plan.objects.visible_to(request.user).select_related(
        "cycle", "cycle__territory", "cycle_organization__organization__territory"
    )


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Недостаточно прав") from exc
    except ValidationError as exc:
        if hasattr(exc, "message_dict"):
            message = "; ".join(f"{k}: {m}" if k != "__all__" else m for k, ms in exc.message_dict.items() for m in ms)
        else:
            message = "; ".join(exc.messages)
        raise HttpError(400, message) from exc


@router.get("/plans", response=list[PlanOut])
@paginate(LimitOffsetPagination)
def list_plans(request, cycle_id: int | None = None, year: int | None = None, status: PlanStatus | None = None):
    plans = _visible(request)
    if cycle_id:
        plans = plans.filter(cycle_id=cycle_id)
    if year:
        plans = plans.filter(cycle__year=year)
    if status:
        plans = plans.filter(status=status)
    return plans.order_by("pk")


@router.get("/plans/{plan_id}", response=PlanDetailOut)
def get_plan(request, plan_id: int):
    return get_object_or_404(_visible(request), pk=plan_id)


@router.patch("/plans/{plan_id}/items/{item_id}", response=PlanItemOut)
def update_item(request, plan_id: int, item_id: int, payload: PlanItemIn):
    plan = get_object_or_404(_visible(request), pk=plan_id)
    item = get_object_or_404(PlanItem.objects.filter(plan=plan), pk=item_id)
    data = payload.dict(exclude_unset=True)
    return _call(services.save_item, request.user, item, data)


@router.post("/plans/{plan_id}/items/{item_id}/progress", response=PlanItemOut)
def item_progress(request, plan_id: int, item_id: int, payload: PlanProgressIn):
    plan = get_object_or_404(_visible(request), pk=plan_id)
    item = get_object_or_404(PlanItem.objects.filter(plan=plan), pk=item_id)
    return _call(services.save_progress, request.user, item, payload.dict(exclude_unset=True))


@router.post("/plans/{plan_id}/submit", response=PlanOut)
def submit(request, plan_id: int):
    plan = get_object_or_404(_visible(request), pk=plan_id)
    return _call(services.submit_plan, request.user, plan)


@router.post("/plans/{plan_id}/return", response=PlanOut)
def return_plan(request, plan_id: int, payload: PlanCommentIn):
    plan = get_object_or_404(_visible(request), pk=plan_id)
    return _call(services.return_plan, request.user, plan, payload.comment)


@router.post("/plans/{plan_id}/approve", response=PlanOut)
def approve(request, plan_id: int, payload: PlanApproveIn):
    plan = get_object_or_404(_visible(request), pk=plan_id)
    return _call(services.approve_plan, request.user, plan, **payload.dict())


@router.post("/plans/{plan_id}/exception", response=PlanOut)
def exception(request, plan_id: int, payload: PlanExceptionIn):
    plan = get_object_or_404(_visible(request), pk=plan_id)
    return _call(services.record_exception, request.user, plan, payload.reason, payload.note)


@router.post("/plans/{plan_id}/publish", response=PlanOut)
def publish(request, plan_id: int, payload: PlanPublishIn):
    plan = get_object_or_404(_visible(request), pk=plan_id)
    return _call(services.set_published, request.user, plan, payload.published, payload.url)


@router.post("/plans/{plan_id}/report", response=PlanOut)
def report(request, plan_id: int):
    plan = get_object_or_404(_visible(request), pk=plan_id)
    return _call(services.submit_report, request.user, plan)


@router.post("/cycles/{cycle_id}/seed", response=PlanSeedOut)
def seed(request, cycle_id: int):
    from cycles.models import Cycle

    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_id)
    return _call(services.seed_plans, cycle, request.user).as_dict()


@router.get("/control", response=list[PlanControlRow])
def control(request, year: int):
    summary = services.control_summary(request.user, year)
    return [
        {
            **{k: v for k, v in row.items() if k != "territory"},
            "territory_id": row["territory"].pk,
            "territory": row["territory"].name,
        }
        for row in summary["rows"]
    ]


@router.get("/published", response=list[dict])
def published(request, territory_id: int | None = None, cycle_id: int | None = None):
    """Published plans in the shape of ``plans.services.public_data`` (public information)."""
    from cycles.models import Cycle
    from registry.models import Territory

    territory = get_object_or_404(Territory, pk=territory_id) if territory_id else None
    cycle = get_object_or_404(Cycle, pk=cycle_id) if cycle_id else None
    return [services.public_data(plan) for plan in services.published_plans(territory=territory, cycle=cycle)[:500]]
