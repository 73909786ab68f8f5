"""The one helper every service uses to record a change: ``log_action``."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models, transaction

from audit.context import current_request_id
from audit.models import AuditEntry


class AuditOutsideTransaction(RuntimeError):
    """log_action was called outside transaction.atomic(); the change and its entry could diverge."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Plain-JSON picture of a model instance's concrete fields (FKs as ids)."""
    result: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in ("created_at", "updated_at", "name_search"):
            continue
        result[field.name] = _jsonable(getattr(instance, field.attname))
    return result


def _actor_name(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "система"
    full = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return full or actor.get_username()


def log_action(
    actor,
    action: str,
    target: models.Model | None = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    organization=None,
    territory=None,
    target_type: str | None = None,
    target_id: str | None = None,
    target_repr: str | None = None,
) -> AuditEntry:
    """Write one audit entry. Must run inside the transaction that makes the change."""
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(action)
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_repr = target_repr or str(target)[:500]
        if organization is None:
            organization = _organization_of(target)
        if territory is None and organization is None:
            territory = getattr(target, "territory", None)
    actor_obj = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_name=_actor_name(actor),
        action=action,
        target_type=target_type or "",
        target_id=target_id or "",
        target_repr=(target_repr or "")[:500],
        organization_id=getattr(organization, "pk", organization),
        territory_id=getattr(territory, "pk", territory),
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        data=_jsonable(data or {}),
        request_id=current_request_id.get(),
    )


def _organization_of(target: models.Model):
    from registry.models import Organization

    if isinstance(target, Organization):
        return target
    return getattr(target, "organization", None)
