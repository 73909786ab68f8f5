"""REST API of the expertise (mounted at /api/expertise/): the same services and scopes as the pages."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from cycles.models import Cycle, CycleOrganization
from expertise import services
from expertise.choices import DisputeStatus, EvidenceSource, Mark, ResultStatus, VisitMode
from expertise.models import ChecklistMark, ChecklistResult, Dispute, Evidence, organization_only
from expertise.score_inputs import provide

router = Router(tags=["Экспертиза"])


class ChecklistItemOut(Schema):
    id: int
    code: str
    section: str
    indicator: str
    label: str
    legal_basis: str
    org_types: list[str]
    allows_na: bool


class ChecklistOut(Schema):
    code: str
    title: str
    note: str
    items: list[ChecklistItemOut]


class MarkOut(Schema):
    id: int
    item_id: int
    item_code: str
    value: str
    preliminary_value: str | None
    comment: str


class ChecklistResultOut(Schema):
    id: int
    cycle_id: int
    cycle_organization_id: int
    organization_id: int
    organization: str
    building_id: int | None
    checklist: str
    mode: VisitMode
    status: ResultStatus
    visited_on: datetime.date | None
    submitted_at: datetime.datetime | None


class ResultDetailOut(ChecklistResultOut):
    note: str
    marks: list[MarkOut]


class StartIn(Schema):
    cycle_organization_id: int
    building_id: int | None = None
    mode: VisitMode = VisitMode.VISIT


class MarkIn(Schema):
    value: Mark | None = None
    comment: str | None = None


class EvidenceOut(Schema):
    id: int
    kind: str
    source: str
    item_code: str | None
    original_name: str
    url: str
    sha256: str
    size: int
    captured_at: datetime.datetime | None
    uploaded_at: datetime.datetime
    file_url: str


class DisputeIn(Schema):
    mark_id: int
    text: str
    requested_value: Mark = Mark.YES


class DecisionIn(Schema):
    decision: str  # "accept", "reject" or "council"
    reason: str = ""


class DisputeOut(Schema):
    id: int
    mark_id: int
    item_code: str
    organization_id: int
    requested_value: str
    value_before: str
    current_value: str
    text: str
    status: DisputeStatus
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_reason: str


class ReplyWindowIn(Schema):
    working_days: int | None = None
    closes_at: datetime.datetime | None = None


class ReplyWindowOut(Schema):
    cycle_id: int
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    state: str
    branch_rule: str


class ChecklistInputOut(Schema):
    cycle_organization_id: int
    key: str
    value: float
    detail: dict


def _result_out(result: ChecklistResult) -> dict:
    entry = result.cycle_organization
    return {
        "id": result.pk,
        "cycle_id": entry.cycle_id,
        "cycle_organization_id": entry.pk,
        "organization_id": entry.organization_id,
        "organization": str(entry.organization),
        "building_id": result.building_id,
        "checklist": result.checklist.code,
        "mode": result.mode,
        "status": result.status,
        "visited_on": result.visited_on,
        "submitted_at": result.submitted_at,
    }


def _detail_out(result: ChecklistResult) -> dict:
    return {
        **_result_out(result),
        "note": result.note,
        "marks": [
            {
                "id": m.pk,
                "item_id": m.item_id,
                "item_code": m.item.code,
                "value": m.value,
                "preliminary_value": m.preliminary_value,
                "comment": m.comment,
            }
            for m in result.marks.select_related("item")
        ],
    }


def _dispute_out(d: Dispute) -> dict:
    return {
        "id": d.pk,
        "mark_id": d.mark_id,
        "item_code": d.mark.item.code,
        "organization_id": d.mark.result.cycle_organization.organization_id,
        "requested_value": d.requested_value,
        "value_before": d.value_before,
        "current_value": d.mark.value,
        "text": d.text,
        "status": d.status,
        "created_at": d.created_at,
        "decided_at": d.decided_at,
        "decision_reason": d.decision_reason,
    }


def _evidence_out(e: Evidence) -> dict:
    return {
        "id": e.pk,
        "kind": e.kind,
        "source": e.source,
        "item_code": e.item.code if e.item_id else None,
        "original_name": e.original_name,
        "url": e.url,
        "sha256": e.sha256,
        "size": e.size,
        "captured_at": e.captured_at,
        "uploaded_at": e.uploaded_at,
        "file_url": e.file_url(),
    }


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Недостаточно прав") from exc
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from exc


def _results(request):
    return ChecklistResult.objects.visible_to(request.user).select_related(
        "cycle_organization__organization", "checklist"
    )


@router.get("/checklists/{code}", response=ChecklistOut)
def checklist(request, code: str):
    found = _call(services.get_checklist, code)
    return {"code": found.code, "title": found.title, "note": found.note, "items": list(found.items.all())}


@router.get("/results", response=list[ChecklistResultOut])
@paginate(LimitOffsetPagination)
def result_list(request, cycle_id: int | None = None, status: ResultStatus | None = None):
    results = _results(request).order_by("pk")
    if cycle_id is not None:
        results = results.filter(cycle_organization__cycle_id=cycle_id)
    if status is not None:
        results = results.filter(status=status)
    return [_result_out(r) for r in results]


@router.get("/results/{result_id}", response=ResultDetailOut)
def result_detail(request, result_id: int):
    return _detail_out(get_object_or_404(_results(request), pk=result_id))


@router.post("/results", response={201: ResultDetailOut})
def result_start(request, payload: StartIn):
    entry = get_object_or_404(CycleOrganization.objects.visible_to(request.user), pk=payload.cycle_organization_id)
    building = None
    if payload.building_id:
        building = get_object_or_404(entry.organization.branches.all(), pk=payload.building_id)
    result = _call(services.start_result, request.user, entry, building=building, mode=payload.mode)
    return 201, _detail_out(result)


@router.put("/results/{result_id}/marks/{item_code}", response=MarkOut)
def mark_set(request, result_id: int, item_code: str, payload: MarkIn):
    result = get_object_or_404(_results(request), pk=result_id)
    mark = get_object_or_404(result.marks.select_related("item"), item__code=item_code)
    _call(services.save_marks, request.user, result, {mark.item_id: (payload.value, payload.comment)})
    mark.refresh_from_db()
    return {
        "id": mark.pk,
        "item_id": mark.item_id,
        "item_code": mark.item.code,
        "value": mark.value,
        "preliminary_value": mark.preliminary_value,
        "comment": mark.comment,
    }


@router.post("/results/{result_id}/submit", response=ChecklistResultOut)
def result_submit(request, result_id: int):
    result = get_object_or_404(_results(request), pk=result_id)
    return _result_out(_call(services.submit_result, request.user, result))


@router.post("/results/{result_id}/evidence", response={201: EvidenceOut})
def evidence_upload(request, result_id: int, item_code: Form[str], file: File[UploadedFile]):
    result = get_object_or_404(_results(request), pk=result_id)
    mark = get_object_or_404(result.marks.select_related("item"), item__code=item_code)
    evidence = _call(
        services.add_evidence,
        request.user,
        result.cycle_organization,
        file.read(),
        file.name,
        result=result,
        item=mark.item,
        source=EvidenceSource.EXPERT,
    )
    return 201, _evidence_out(evidence)


@router.get("/results/{result_id}/evidence", response=list[EvidenceOut])
def evidence_list(request, result_id: int):
    result = get_object_or_404(_results(request), pk=result_id)
    return [
        _evidence_out(e) for e in Evidence.objects.visible_to(request.user).filter(result=result).select_related("item")
    ]


@router.get("/disputes", response=list[DisputeOut])
@paginate(LimitOffsetPagination)
def dispute_list(request, cycle_id: int | None = None, status: DisputeStatus | None = None):
    disputes = Dispute.objects.visible_to(request.user).select_related("mark__item", "mark__result__cycle_organization")
    if cycle_id is not None:
        disputes = disputes.filter(mark__result__cycle_organization__cycle_id=cycle_id)
    if status is not None:
        disputes = disputes.filter(status=status)
    return [_dispute_out(d) for d in disputes]


@router.post("/disputes", response={201: DisputeOut})
def dispute_create(request, payload: DisputeIn):
    mark = get_object_or_404(
        ChecklistMark.objects.filter(result__in=ChecklistResult.objects.visible_to(request.user)).select_related(
            "item", "result__cycle_organization__cycle__territory"
        ),
        pk=payload.mark_id,
    )
    dispute = _call(services.create_dispute, request.user, mark, payload.text, payload.requested_value)
    return 201, _dispute_out(dispute)


@router.post("/disputes/{dispute_id}/decision", response=DisputeOut)
def dispute_decide(request, dispute_id: int, payload: DecisionIn):
    dispute = get_object_or_404(
        Dispute.objects.visible_to(request.user).select_related("mark__item", "mark__result__cycle_organization"),
        pk=dispute_id,
    )
    if payload.decision == "council":
        _call(services.refer_to_council, request.user, dispute, payload.reason)
    elif payload.decision in ("accept", "reject"):
        _call(
            services.decide_dispute, request.user, dispute, accept=payload.decision == "accept", reason=payload.reason
        )
    else:
        raise HttpError(400, "decision: accept, reject или council")
    dispute.mark.refresh_from_db()
    return _dispute_out(dispute)


def _window_out(cycle: Cycle) -> dict:
    found = services.settings_for(cycle)
    return {
        "cycle_id": cycle.pk,
        "opens_at": found.reply_opens_at,
        "closes_at": found.reply_closes_at,
        "state": found.reply_state(),
        "branch_rule": found.effective_branch_rule,
    }


@router.get("/cycles/{cycle_id}/reply-window", response=ReplyWindowOut)
def reply_window(request, cycle_id: int):
    return _window_out(get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_id))


@router.post("/cycles/{cycle_id}/reply-window", response=ReplyWindowOut)
def reply_window_set(request, cycle_id: int, payload: ReplyWindowIn):
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user).select_related("territory"), pk=cycle_id)
    _call(
        services.set_reply_window,
        request.user,
        cycle,
        working_days=payload.working_days,
        closes_at=payload.closes_at,
    )
    return _window_out(cycle)


@router.get("/cycles/{cycle_id}/inputs", response=list[ChecklistInputOut])
def inputs(request, cycle_id: int):
    """The numbers this app gives scoring for the organizations of the cycle the user may see."""
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_id)
    if organization_only(request.user):
        raise HttpError(403, "Недостаточно прав")
    visible = set(CycleOrganization.objects.visible_to(request.user).filter(cycle=cycle).values_list("pk", flat=True))
    return [
        {"cycle_organization_id": v.cycle_organization_id, "key": v.key, "value": float(v.value), "detail": v.detail}
        for v in provide(cycle)
        if v.cycle_organization_id in visible
    ]
