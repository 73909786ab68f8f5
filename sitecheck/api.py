"""REST API of the site checker, mounted at /api/sitecheck/."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from cycles.models import Cycle, CycleOrganization
from registry.models import Organization
from sitecheck import services
from sitecheck.models import SiteCheck, SiteCheckRun, SiteRuleSet
from sitecheck.rules import rule_set_dict

router = Router(tags=["Проверка сайтов"])


class CheckOut(Schema):
    id: int
    organization_id: int
    cycle_organization_id: int | None
    run_id: int | None
    job_id: int | None
    status: str
    url: str
    final_url: str
    rules_version: str
    org_type: str
    mode: str
    evaluated_on: dt.date
    site_error: str
    error: str
    items_required: int
    items_placed: int
    channel_count: int
    channels: dict[str, bool]
    has_bvi: bool
    has_questionnaire: bool
    section_found: bool
    pages_count: int
    evidence_sha256: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


class FindingOut(Schema):
    section: str
    code: str
    kind: str
    status: str
    itemprop: str
    required: bool
    placed: bool
    label: str
    legal_basis: str
    message: str
    url: str
    data: dict[str, Any]


class PageOut(Schema):
    role: str
    sections: list[str]
    url: str
    final_url: str
    status_code: int
    encoding: str
    sha256: str
    size: int
    error: str


class CheckDetailOut(CheckOut):
    findings: list[FindingOut]
    pages: list[PageOut]


class CheckIn(Schema):
    organization_id: int
    cycle_organization_id: int | None = None
    adhoc: bool = False
    tolerant: bool = False


class RunOut(Schema):
    id: int
    cycle_id: int
    title: str
    status: str
    rules_version: str
    tolerant: bool
    total: int
    done: int
    failed: int
    job_id: int | None
    created_at: dt.datetime
    finished_at: dt.datetime | None


class RunIn(Schema):
    cycle_id: int
    tolerant: bool = False


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Недостаточно прав") from exc
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from exc


@router.get("/rules/{code}")
def get_rules(request, code: str):
    """The website rule set (sections, itemprop rules, legal basis, organization types)."""
    rule_set = get_object_or_404(SiteRuleSet, code=code)
    return rule_set_dict(rule_set)


@router.get("/checks", response=list[CheckOut])
@paginate(LimitOffsetPagination)
def list_checks(request, organization_id: int | None = None, cycle_id: int | None = None, current: bool = False):
    queryset = SiteCheck.objects.visible_to(request.user)
    if organization_id:
        queryset = queryset.filter(organization_id=organization_id)
    if cycle_id:
        cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=cycle_id)
        queryset = queryset.current_for_cycle(cycle) if current else queryset.filter(cycle_organization__cycle=cycle)
    return queryset.order_by("-created_at", "-pk")


@router.get("/checks/{check_id}", response=CheckDetailOut)
def get_check(request, check_id: int):
    check = get_object_or_404(SiteCheck.objects.visible_to(request.user), pk=check_id)
    data = CheckOut.from_orm(check).dict()
    data["findings"] = [FindingOut.from_orm(f).dict() for f in check.findings.all()]
    data["pages"] = [PageOut.from_orm(p).dict() for p in check.pages.all()]
    return data


@router.post("/checks", response={201: CheckOut})
def create_check(request, payload: CheckIn):
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=payload.organization_id)
    entry = None
    if payload.cycle_organization_id:
        entry = get_object_or_404(
            CycleOrganization.objects.visible_to(request.user), pk=payload.cycle_organization_id, organization=org
        )
    elif not payload.adhoc:
        entry = services.current_entry(org)
    check = _call(services.start_check, request.user, org, cycle_organization=entry, tolerant=payload.tolerant)
    check.refresh_from_db()
    return Status(201, check)


@router.get("/runs", response=list[RunOut])
def list_runs(request, cycle_id: int | None = None):
    queryset = SiteCheckRun.objects.visible_to(request.user)
    if cycle_id:
        queryset = queryset.filter(cycle_id=cycle_id)
    return queryset[:100]


@router.post("/runs", response={201: RunOut})
def create_run(request, payload: RunIn):
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), pk=payload.cycle_id)
    run = _call(services.start_run, request.user, cycle, tolerant=payload.tolerant)
    run.refresh_from_db()
    return Status(201, run)


@router.get("/runs/{run_id}", response=RunOut)
def get_run(request, run_id: int):
    return get_object_or_404(SiteCheckRun.objects.visible_to(request.user), pk=run_id)


@router.post("/runs/{run_id}/pause", response=RunOut)
def pause(request, run_id: int):
    run = get_object_or_404(SiteCheckRun.objects.visible_to(request.user), pk=run_id)
    return _call(services.pause_run, request.user, run)


@router.post("/runs/{run_id}/resume", response=RunOut)
def resume(request, run_id: int):
    run = get_object_or_404(SiteCheckRun.objects.visible_to(request.user), pk=run_id)
    return _call(services.resume_run, request.user, run)
