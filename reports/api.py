"""REST API of reports, mounted at /api/reports/ (token or session auth): summaries and decisions about heads."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from cycles.models import Cycle, CycleOrganization
from reports import services
from reports.data import ListRule, collect
from reports.models import HeadAction
from reports.scope import ReportScope, report_territories

router = Router(tags=["Отчёты"])


class GroupOut(Schema):
    key: str
    label: str
    n: int
    means: dict[str, Decimal | None]


class ListEntryOut(Schema):
    cycle_organization_id: int
    organization_id: int
    name: str
    inn: str
    position: int
    group_size: int
    value: Decimal
    head_name: str
    actions: list[str]


class ListOut(Schema):
    title: str
    group: str
    group_key: str
    leaders: list[ListEntryOut]
    worst: list[ListEntryOut]


class SummaryOut(Schema):
    territory_id: int
    year: int
    cycle_id: int | None
    organizations: int
    preliminary: bool
    overall: dict[str, dict[str, Decimal | int | None]]
    by_territory: list[GroupOut]
    by_type: list[GroupOut]
    lists: list[ListOut]
    shortcomings_by_criterion: dict[str, int]
    plans: dict[str, int | bool | None]


class HeadActionIn(Schema):
    cycle_organization_id: int
    category: str
    kind: str
    decided_on: datetime.date
    text: str = ""
    document: str = ""


class HeadActionOut(Schema):
    id: int
    cycle_organization_id: int
    organization_id: int
    category: str
    kind: str
    head_name: str
    text: str
    document: str
    decided_on: datetime.date

    @staticmethod
    def resolve_organization_id(obj) -> int:
        return obj.cycle_organization.organization_id


def _scope(request, territory_id: int, year: int, cycle_id: int | None) -> ReportScope:
    territory = get_object_or_404(report_territories(request.user), pk=territory_id)
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_id, year=year) if cycle_id else None
    return ReportScope(territory, year, cycle)


def _groups(groups) -> list[dict]:
    return [
        {
            "key": str(g["key"]),
            "label": str(g["label"]),
            "n": g["n"],
            "means": {code: v.get("mean") for code, v in g["values"].items()},
        }
        for g in groups
    ]


def _entry(e) -> dict:
    return {
        "cycle_organization_id": e.row.entry_id,
        "organization_id": e.row.organization_id,
        "name": e.row.name,
        "inn": e.row.inn,
        "position": e.position,
        "group_size": e.group_size,
        "value": e.value,
        "head_name": e.row.head_name,
        "actions": [a.kind for a in e.actions],
    }


@router.get("/summary", response=SummaryOut, summary="Сводка по территории и году (или циклу)")
def summary(
    request,
    territory_id: int,
    year: int,
    cycle_id: int | None = None,
    group: str | None = None,
    top: int | None = None,
    share: Decimal | None = None,
):
    scope = _scope(request, territory_id, year, cycle_id)
    rule = None
    if group or top or share:
        rule = ListRule(group=group or "cycle", top=top or 3, share=share)
    data = collect(request.user, scope, rule=rule)
    plans = data.plans
    return {
        "territory_id": territory_id,
        "year": year,
        "cycle_id": cycle_id,
        "organizations": data.organizations,
        "preliminary": data.preliminary,
        "overall": data.overall,
        "by_territory": _groups(data.by_territory),
        "by_type": _groups(data.by_type),
        "lists": [
            {
                "title": b.title,
                "group": b.group,
                "group_key": b.group_key,
                "leaders": [_entry(e) for e in b.leaders],
                "worst": [_entry(e) for e in b.worst],
            }
            for b in data.lists
        ],
        "shortcomings_by_criterion": data.shortcomings_by_criterion,
        "plans": {
            "available": plans.available,
            "assessed": plans.assessed,
            "approved": plans.approved,
            "published": plans.published,
            "exceptions": plans.exceptions,
            "neither": plans.neither,
            "items": plans.items,
            "items_done": plans.items_done,
        },
    }


@router.get("/head-actions", response=list[HeadActionOut], summary="Решения в отношении руководителей")
def head_actions(request, year: int | None = None, territory_id: int | None = None):
    qs = HeadAction.objects.visible_to(request.user).select_related("cycle_organization")
    if year:
        qs = qs.filter(cycle_organization__cycle__year=year)
    if territory_id:
        territory = get_object_or_404(report_territories(request.user), pk=territory_id)
        qs = qs.filter(cycle_organization__organization__territory_id__in=territory.subtree_ids())
    return list(qs.order_by("decided_on", "pk"))


@router.post("/head-actions", response={201: HeadActionOut}, summary="Записать решение в отношении руководителя")
def record_head_action(request, payload: HeadActionIn):
    entry = get_object_or_404(CycleOrganization.objects.visible_to(request.user), pk=payload.cycle_organization_id)
    try:
        action = services.record_head_action(
            request.user,
            entry,
            category=payload.category,
            kind=payload.kind,
            decided_on=payload.decided_on,
            text=payload.text,
            document=payload.document,
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from exc
    return Status(201, action)
