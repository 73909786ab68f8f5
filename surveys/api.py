"""REST API of the survey (mounted at /api/surveys/): versions, progress, counts, answers, entry, review."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from cycles.models import Cycle, CycleOrganization
from lib.score_inputs import SURVEY_RESPONDENTS
from surveys import permissions, progress, score_inputs, services
from surveys.models import Campaign, Mode, Response
from surveys.questionnaire import DefinitionError

router = Router(tags=["Анкетирование"])


class SurveyItemOut(Schema):
    code: str
    number: str
    section: str
    text: str
    kind: str
    required: bool
    gate: str
    feeds: str
    choices: list[list[str]]


class QuestionnaireOut(Schema):
    code: str
    title: str
    preamble: str
    items: list[SurveyItemOut]


class ProgressOut(Schema):
    cycle_organization_id: int
    organization_id: int
    organization: str
    link_code: str | None
    public_url: str | None
    target: int
    accepted: int
    review: int
    excluded: int
    remaining: int
    percent: float | None
    by_group: dict[str, int]


class CountsOut(Schema):
    cycle_organization_id: int
    organization_id: int
    values: dict[str, int]


class SurveyResponseOut(Schema):
    id: int
    client_id: uuid.UUID
    cycle_organization_id: int
    organization_id: int = Field(..., alias="cycle_organization.organization_id")
    mode: str
    status: str
    flags: list[str] = Field(..., alias="flag_list")
    suspicion: int
    submitted_at: datetime.datetime
    duration_seconds: int | None
    paper_number: str
    review_reason: str
    answers: dict[str, Any]


class EntryIn(Schema):
    organization_id: int
    mode: Mode
    answers: dict[str, Any]
    paper_number: str = Field("", max_length=40)
    client_id: uuid.UUID | None = None


class ReviewIn(Schema):
    decision: str = Field(..., pattern="^(accept|exclude|restore)$")
    reason: str = Field("", max_length=1000)


def _cycle(request, cycle_id: int) -> Cycle:
    return get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_id)


def _campaign(request, cycle_id: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("cycle"), cycle=_cycle(request, cycle_id))


def _entries(request, cycle: Cycle):
    return CycleOrganization.objects.visible_to(request.user).filter(cycle=cycle).included()


@router.get("/questionnaires/{code}", response=QuestionnaireOut)
def get_questionnaire(request, code: str):
    try:
        questionnaire = services.get_questionnaire(code)
    except DefinitionError as exc:
        raise HttpError(404, "Версия анкеты не найдена") from exc
    form = services.form_for(questionnaire)
    return {
        "code": questionnaire.code,
        "title": questionnaire.title,
        "preamble": questionnaire.preamble,
        "items": [{**item.as_dict(), "choices": [list(c) for c in item.options]} for item in form.items],
    }


@router.get("/cycles/{cycle_id}/progress", response=list[ProgressOut])
def cycle_progress(request, cycle_id: int):
    campaign = _campaign(request, cycle_id)
    rows = progress.cycle_progress(campaign, _entries(request, campaign.cycle).order_by("pk"))
    return [
        {
            "cycle_organization_id": r.entry.pk,
            "organization_id": r.entry.organization_id,
            "organization": str(r.entry.organization),
            "link_code": r.link.code if r.link else None,
            "public_url": r.link.public_url if r.link else None,
            "target": r.target,
            "accepted": r.accepted,
            "review": r.review,
            "excluded": r.excluded,
            "remaining": r.remaining,
            "percent": r.percent,
            "by_group": r.by_group,
        }
        for r in rows
    ]


@router.get("/cycles/{cycle_id}/counts", response=list[CountsOut])
def cycle_counts(request, cycle_id: int):
    """The numbers scoring receives (lib.score_inputs keys), per organization the user sees."""
    cycle = _cycle(request, cycle_id)
    visible = dict(_entries(request, cycle).values_list("pk", "organization_id"))
    result: dict[int, dict[str, int]] = {}
    for value in score_inputs.provide(cycle):
        if value.cycle_organization_id in visible:
            result.setdefault(value.cycle_organization_id, {})[value.key] = int(value.value)
    return [
        {"cycle_organization_id": pk, "organization_id": visible[pk], "values": values}
        for pk, values in sorted(result.items(), key=lambda kv: kv[0])
        if SURVEY_RESPONDENTS in values
    ]


@router.get("/cycles/{cycle_id}/responses", response=list[SurveyResponseOut])
@paginate(LimitOffsetPagination)
def list_responses(request, cycle_id: int, status: str = "", organization_id: int | None = None):
    cycle = _cycle(request, cycle_id)
    responses = (
        Response.objects.visible_to(request.user)
        .filter(cycle_organization__cycle=cycle)
        .select_related("cycle_organization")
        .order_by("pk")
    )
    if status:
        responses = responses.filter(status=status)
    if organization_id:
        responses = responses.filter(cycle_organization__organization_id=organization_id)
    return responses


@router.post("/cycles/{cycle_id}/responses", response={201: SurveyResponseOut, 200: SurveyResponseOut})
def enter_response(request, cycle_id: int, payload: EntryIn):
    """A paper, telephone or interview questionnaire (idempotent by client_id or by paper number)."""
    cycle = _cycle(request, cycle_id)
    entry = _entries(request, cycle).filter(organization_id=payload.organization_id).first()
    if entry is None:
        raise HttpError(404, "Организация не найдена в списке цикла")
    try:
        response, created = services.enter_response(
            request.user,
            entry,
            payload.answers,
            mode=payload.mode,
            paper_number=payload.paper_number,
            client_id=payload.client_id,
        )
    except PermissionDenied as exc:
        raise HttpError(403, "Вносить анкеты может организация-оператор") from exc
    except ValidationError as exc:
        detail = (
            "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items())
            if hasattr(exc, "error_dict")
            else "; ".join(exc.messages)
        )
        raise HttpError(422, detail) from exc
    return Status(201 if created else 200, response)


@router.post("/responses/{response_id}/review", response=SurveyResponseOut)
def review_response(request, response_id: int, payload: ReviewIn):
    response = get_object_or_404(
        Response.objects.visible_to(request.user).select_related("cycle_organization__cycle"), pk=response_id
    )
    if not permissions.can_review(request.user, response.cycle_organization.cycle):
        raise HttpError(403, "Решения по анкетам принимает организация-оператор")
    try:
        services.review(request.user, [response], payload.decision, payload.reason)
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from exc
    response.refresh_from_db()
    return response
