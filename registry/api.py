from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from registry import services
from registry.choices import OrgStatus, OrgType
from registry.models import Organization, Territory

router = Router(tags=["Реестр"])


class TerritoryOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    code: str
    timezone: str


class OrganizationOut(Schema):
    id: int
    full_name: str
    short_name: str
    inn: str
    ogrn: str
    org_type: OrgType
    founder: str
    territory_id: int
    territory_name: str = Field(..., alias="territory.name")
    address: str
    website: str
    busgov_id: str
    head_name: str
    head_position: str
    head_email: str
    head_phone: str
    contingent: int
    parents_count: int | None
    parent_id: int | None
    status: OrgStatus
    timezone: str


class OrganizationIn(Schema):
    full_name: str
    short_name: str = ""
    inn: str
    ogrn: str = ""
    org_type: OrgType
    founder: str = ""
    territory_id: int
    address: str = ""
    website: str = ""
    busgov_id: str = ""
    head_name: str = ""
    head_position: str = ""
    head_email: str = ""
    head_phone: str = ""
    contingent: int = Field(0, ge=0)
    parents_count: int | None = Field(None, ge=0)
    parent_id: int | None = None
    status: OrgStatus = OrgStatus.ACTIVE
    timezone: str = ""


class OrganizationPatch(Schema):
    full_name: str | None = None
    short_name: str | None = None
    ogrn: str | None = None
    org_type: OrgType | None = None
    founder: str | None = None
    address: str | None = None
    website: str | None = None
    busgov_id: str | None = None
    head_name: str | None = None
    head_position: str | None = None
    head_email: str | None = None
    head_phone: str | None = None
    contingent: int | None = Field(None, ge=0)
    parents_count: int | None = Field(None, ge=0)
    status: OrgStatus | None = None
    timezone: str | None = None


def _visible(request):
    return Organization.objects.visible_to(request.user).select_related("territory")


def _resolve_refs(request, data: dict) -> dict:
    if "territory_id" in data:
        territory = Territory.objects.filter(pk=data.pop("territory_id")).first()
        if territory is None:
            raise HttpError(422, "territory_id: территория не найдена")
        data["territory"] = territory
    if data.get("parent_id") is not None:
        parent = _visible(request).filter(pk=data.pop("parent_id")).first()
        if parent is None:
            raise HttpError(422, "parent_id: головная организация не найдена")
        data["parent"] = parent
    else:
        data.pop("parent_id", None)
    return data


def _save(fn, *args):
    try:
        return fn(*args)
    except PermissionDenied as exc:
        raise HttpError(403, "Недостаточно прав для изменения реестра этой территории") from exc
    except ValidationError as exc:
        raise HttpError(422, "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items())) from exc


@router.get("/territories", response=list[TerritoryOut])
def list_territories(request):
    from accounts.scopes import scope_for

    scope = scope_for(request.user)
    return Territory.objects.filter(pk__in=scope.territory_ids).order_by("kind", "name")


@router.get("/organizations", response=list[OrganizationOut])
@paginate(LimitOffsetPagination)
def list_organizations(
    request,
    q: str = "",
    territory_id: int | None = None,
    org_type: OrgType | None = None,
    status: OrgStatus | None = None,
):
    queryset = _visible(request).search(q)
    if territory_id:
        queryset = queryset.filter(territory_id=territory_id)
    if org_type:
        queryset = queryset.filter(org_type=org_type)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("pk")


@router.get("/organizations/{org_id}", response=OrganizationOut)
def get_organization(request, org_id: int):
    return get_object_or_404(_visible(request), pk=org_id)


@router.post("/organizations", response={201: OrganizationOut})
def create_organization(request, payload: OrganizationIn):
    data = _resolve_refs(request, payload.dict())
    org = _save(services.create_organization, request.user, data)
    return Status(201, org)


@router.patch("/organizations/{org_id}", response=OrganizationOut)
def update_organization(request, org_id: int, payload: OrganizationPatch):
    org = get_object_or_404(_visible(request), pk=org_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return _save(services.update_organization, request.user, org, data)
