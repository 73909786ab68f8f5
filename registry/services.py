"""Writes to the registry. Views, the API, the importer and the demo call these."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.scopes import scope_for
from audit.services import log_action, snapshot
from registry.models import Organization, Territory

ORG_FIELDS = [
    "full_name",
    "short_name",
    "inn",
    "ogrn",
    "org_type",
    "founder",
    "territory",
    "address",
    "website",
    "busgov_id",
    "head_name",
    "head_position",
    "head_email",
    "head_phone",
    "contingent",
    "parents_count",
    "parent",
    "status",
    "timezone",
]


def _check_territory(user, territory: Territory) -> None:
    scope = scope_for(user)
    if not scope.can_edit_registry:
        raise PermissionDenied("registry is read-only for this user")
    if not scope.sees_everything and territory.pk not in scope.territory_ids:
        raise PermissionDenied("territory outside the user's scope")


def create_organization(user, data: dict[str, Any]) -> Organization:
    org = Organization(**{k: v for k, v in data.items() if k in ORG_FIELDS})
    _check_territory(user, org.territory)
    org.full_clean()
    with transaction.atomic():
        org.save()
        log_action(user, "registry.organization.created", org, after=snapshot(org))
    return org


def update_organization(user, org: Organization, data: dict[str, Any]) -> Organization:
    _check_territory(user, org.territory)
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=org.pk)
        before = snapshot(org)
        for key, value in data.items():
            if key in ORG_FIELDS:
                setattr(org, key, value)
        _check_territory(user, org.territory)
        org.full_clean()
        after = snapshot(org)
        if before == after:
            return org
        org.save()
        changed = {k for k in after if before.get(k) != after.get(k)}
        log_action(
            user,
            "registry.organization.updated",
            org,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return org


def delete_organization(user, org: Organization) -> None:
    _check_territory(user, org.territory)
    if org.branches.exists():
        raise ValidationError("У организации есть филиалы: сначала удалите или перенесите их.")
    with transaction.atomic():
        log_action(user, "registry.organization.deleted", org, before=snapshot(org))
        org.delete()


def create_territory(user, data: dict[str, Any]) -> Territory:
    scope = scope_for(user)
    parent = data.get("parent")
    if not (scope.sees_everything or (parent and parent.pk in scope.territories_for("regional"))):
        raise PermissionDenied("only the regional authority adds municipalities")
    territory = Territory(**data)
    territory.full_clean()
    with transaction.atomic():
        territory.save()
        log_action(user, "registry.territory.created", territory, territory=territory, after=snapshot(territory))
    return territory
