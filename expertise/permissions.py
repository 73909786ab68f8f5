"""Who may do what in the expertise. Built on accounts.scopes; views never look at roles themselves.

* fill checklists, upload evidence, import results — the operator (its experts) of the territory; when an
  organization has assigned experts, only they; administrators always;
* set the reply window and the several-buildings rule — the operator or the education authority of the
  cycle's territory;
* decide a dispute — the operator or a public-council member of the territory;
* reply (dispute) and upload remote-mode photos — staff of the organization itself.
"""

from __future__ import annotations

from accounts.models import Role
from accounts.scopes import scope_for


def _covers(user, territory_id: int, *roles: str) -> bool:
    scope = scope_for(user)
    return scope.sees_everything or territory_id in scope.territories_for(*roles)


def can_fill(user, cycle_organization) -> bool:
    scope = scope_for(user)
    if scope.sees_everything:
        return True
    if not _covers(user, cycle_organization.organization.territory_id, Role.OPERATOR):
        return False
    assigned = [a.expert_id for a in cycle_organization.expert_assignments.all()]
    return not assigned or user.pk in assigned


def can_manage_cycle(user, cycle) -> bool:
    return _covers(user, cycle.territory_id, Role.OPERATOR, Role.REGIONAL, Role.MUNICIPAL)


def can_import(user, cycle) -> bool:
    return _covers(user, cycle.territory_id, Role.OPERATOR)


def can_decide(user, cycle_organization) -> bool:
    return _covers(user, cycle_organization.organization.territory_id, Role.OPERATOR, Role.COUNCIL)


def can_reply(user, cycle_organization) -> bool:
    """Staff of the organization (memberships of the organization itself)."""
    scope = scope_for(user)
    return Role.ORG_STAFF in scope.roles and cycle_organization.organization_id in scope.organization_ids


def can_define_checklists(user) -> bool:
    return scope_for(user).has_role(Role.OPERATOR, Role.REGIONAL)


def can_decide_any(user, cycle) -> bool:
    return _covers(user, cycle.territory_id, Role.OPERATOR, Role.COUNCIL)
