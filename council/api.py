"""Read API of the council: its public information and the decisions approving an object."""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from council import services
from council.models import Council, Decision

router = Router(tags=["Общественный совет"])


class DecisionOut(Schema):
    id: int
    meeting_id: int
    kind: str
    text: str
    adopted: bool
    votes_for: int
    votes_against: int
    votes_abstained: int
    target_type: str | None
    target_id: int | None
    target_repr: str

    @staticmethod
    def resolve_target_type(obj: Decision) -> str | None:
        return f"{obj.target_type.app_label}.{obj.target_type.model}" if obj.target_type_id else None


class MemberOut(Schema):
    full_name: str
    role: str
    role_label: str
    position: str
    term_start: datetime.date | None
    term_end: datetime.date | None


class CouncilInfoOut(Schema):
    council: dict
    members: list[MemberOut]
    meetings: list[dict]
    upcoming: list[dict]


@router.get("/{council_id}/info", response=CouncilInfoOut)
def council_info(request, council_id: int):
    """The same information the public portal shows (see docs/council.md)."""
    council = get_object_or_404(Council.objects.visible_to(request.user), pk=council_id)
    info = services.public_council_info(council.territory)
    if info is None:  # the council is not published; its records are still readable to the user
        info = {"council": {"name": council.name, "authority": council.authority_name}}
        info.update(members=[], meetings=[], upcoming=[])
    return info


@router.get("/decisions", response=list[DecisionOut])
def decisions(request, target_type: str | None = None, target_id: int | None = None, adopted: bool | None = None):
    """Decisions the user may see; ``target_type`` is ``app_label.model`` (e.g. ``cycles.cycle``)."""
    queryset = Decision.objects.visible_to(request.user).select_related("target_type").order_by("meeting__date", "pk")
    if target_type:
        app_label, _, model = target_type.partition(".")
        queryset = queryset.filter(target_type__app_label=app_label, target_type__model=model)
    if target_id is not None:
        queryset = queryset.filter(target_id=target_id)
    if adopted is not None:
        queryset = queryset.filter(adopted=adopted)
    return queryset[:500]
