"""Writes to cycles. Views, API, commands, the demo and other apps' tests call these."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Role
from accounts.scopes import scope_for
from audit.services import log_action, snapshot
from cycles.models import Cycle, CycleOrganization
from registry.models import Organization, Territory


def _check_manager(user, territory: Territory) -> None:
    scope = scope_for(user)
    if scope.sees_everything:
        return
    if territory.pk not in scope.territories_for(Role.REGIONAL, Role.MUNICIPAL):
        raise PermissionDenied("cycles of this territory are managed by its education authority")


def create_cycle(user, territory: Territory, year: int, title: str = "", **versions: str) -> Cycle:
    _check_manager(user, territory)
    cycle = Cycle(territory=territory, year=year, title=title or f"НОКО {year}: {territory.name}", **versions)
    cycle.full_clean()
    with transaction.atomic():
        cycle.save()
        log_action(user, "cycles.cycle.created", cycle, territory=territory, after=snapshot(cycle))
    return cycle


def add_organizations(
    user, cycle: Cycle, organizations: Iterable[Organization], reason: str = ""
) -> list[CycleOrganization]:
    """Put organizations on the cycle's list (idempotent). Refused once the list is frozen."""
    _check_manager(user, cycle.territory)
    if cycle.list_frozen:
        raise ValidationError("Список организаций цикла утверждён; изменения вносятся через решение совета.")
    territory_ids = set(cycle.territory.subtree_ids())
    created: list[CycleOrganization] = []
    with transaction.atomic():
        existing = set(cycle.entries.values_list("organization_id", flat=True))
        for org in organizations:
            if org.territory_id not in territory_ids:
                raise ValidationError(f"{org}: организация не относится к территории цикла")
            if org.pk in existing:
                continue
            entry = CycleOrganization.objects.create(cycle=cycle, organization=org, reason=reason)
            existing.add(org.pk)
            created.append(entry)
        if created:
            log_action(
                user,
                "cycles.list.added",
                cycle,
                territory=cycle.territory,
                data={"organizations": [e.organization_id for e in created], "reason": reason},
            )
    return created


def set_phase(user, cycle: Cycle, phase: str) -> Cycle:
    _check_manager(user, cycle.territory)
    with transaction.atomic():
        before = cycle.phase
        Cycle.objects.filter(pk=cycle.pk).update(phase=phase)
        cycle.phase = phase
        log_action(
            user, "cycles.cycle.phase", cycle, territory=cycle.territory, before={"phase": before}, after={"phase": phase}
        )
    return cycle
