"""Read API of cycles: cycles, their lists, the planner's proposal and the target indicators."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from cycles import indicators, services
from cycles.models import Cycle, CycleOrganization
from cycles.planner import plan_cycle

router = Router(tags=["Циклы оценки"])


class CycleOut(Schema):
    id: int
    territory_id: int
    year: int
    title: str
    phase: str
    list_frozen: bool
    methodology_version: str
    questionnaire_version: str
    checklist_version: str
    site_rules_version: str


class EntryOut(Schema):
    id: int
    organization_id: int
    status: str
    reason: str


class ProposalOut(Schema):
    year: int
    capacity: int
    proposed: list[int]
    due: list[int]
    gaps: list[int]
    flagged: dict[int, str]
    on_list: list[int]
    list_gaps: list[int]


class IndicatorOut(Schema):
    code: str
    label: str
    planned_count: int | None
    planned_share: Decimal | None
    fact_count: int | None
    fact_share: Decimal | None
    denominator: int | None
    note: str


@router.get("/", response=list[CycleOut])
def list_cycles(request, year: int | None = None):
    cycles = Cycle.objects.visible_to(request.user)
    return cycles.filter(year=year) if year else cycles


@router.get("/{cycle_id}/organizations", response=list[EntryOut])
def list_entries(request, cycle_id: int):
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_id)
    return CycleOrganization.objects.visible_to(request.user).filter(cycle=cycle)


@router.get("/{cycle_id}/proposal", response=ProposalOut)
def proposal(request, cycle_id: int, capacity: int | None = None):
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_id)
    if not services.may_manage(request.user, cycle.territory):
        raise HttpError(403, "Список формирует орган управления образованием")
    view = plan_cycle(cycle, capacity)
    return {
        "year": cycle.year,
        "capacity": view.capacity,
        "proposed": view.proposal.proposed,
        "due": view.proposal.due,
        "gaps": view.proposal.gaps,
        "flagged": view.proposal.flagged,
        "on_list": services.current_list(cycle),
        "list_gaps": view.check.gaps,
    }


@router.get("/indicators/{territory_id}/{year}", response=list[IndicatorOut])
def target_indicators(request, territory_id: int, year: int):
    from cycles.forms import visible_territories

    territory = get_object_or_404(visible_territories(request.user), pk=territory_id)
    return indicators.target_indicators(territory, year)
