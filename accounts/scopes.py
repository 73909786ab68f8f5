"""What a user may see and do: the single place that turns memberships into a scope.

Every model's ``visible_to(user)`` goes through ``scope_for(user)``; nothing else
in the code base looks at memberships to decide access.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from accounts.models import Role

_CACHE_ATTR = "_noko_scope"


@dataclass(frozen=True)
class Scope:
    roles: frozenset[str] = frozenset()
    territory_ids: frozenset[int] = frozenset()
    organization_ids: frozenset[int] = frozenset()
    sees_everything: bool = False
    # territories per role, for checks such as "may this user edit the registry here?"
    territories_by_role: dict[str, frozenset[int]] = field(default_factory=dict)

    @property
    def is_anonymous(self) -> bool:
        return not self.roles and not self.sees_everything

    @property
    def can_edit_registry(self) -> bool:
        return self.sees_everything or bool(self.roles & {Role.REGIONAL, Role.MUNICIPAL})

    @property
    def can_read_audit(self) -> bool:
        return self.sees_everything or bool(self.roles & {Role.REGIONAL, Role.MUNICIPAL})

    def has_role(self, *roles: str) -> bool:
        return self.sees_everything or bool(self.roles & set(roles))

    def territories_for(self, *roles: str) -> frozenset[int]:
        ids: set[int] = set()
        for role in roles:
            ids |= self.territories_by_role.get(role, frozenset())
        return frozenset(ids)

    def organization_filter(self, prefix: str = "") -> models.Q:
        """A Q over an organization relation (``prefix`` like ``"organization__"``)."""
        if self.sees_everything:
            return models.Q()
        query = models.Q(pk__in=[])
        if self.territory_ids:
            query |= models.Q(**{f"{prefix}territory_id__in": self.territory_ids})
        if self.organization_ids:
            pk_field = f"{prefix}pk__in" if not prefix else f"{prefix}id__in"
            query |= models.Q(**{pk_field: self.organization_ids})
            query |= models.Q(**{f"{prefix}parent_id__in": self.organization_ids})
        if not self.territory_ids and not self.organization_ids:
            return models.Q(pk__in=[])
        return query

    def filter_organizations(self, queryset: models.QuerySet) -> models.QuerySet:
        if self.sees_everything:
            return queryset
        if self.is_anonymous:
            return queryset.none()
        return queryset.filter(self.organization_filter())

    def filter_by_organization(self, queryset: models.QuerySet, path: str = "organization") -> models.QuerySet:
        """Restrict any queryset whose rows belong to an organization reached by PATH."""
        if self.sees_everything:
            return queryset
        if self.is_anonymous:
            return queryset.none()
        return queryset.filter(**{f"{path}__in": self.filter_organizations(_organizations())})

    def filter_by_territory(self, queryset: models.QuerySet, path: str = "territory") -> models.QuerySet:
        """Restrict any queryset whose rows belong to a territory reached by PATH (the territories in scope)."""
        if self.sees_everything:
            return queryset
        if not self.territory_ids:
            return queryset.none()
        return queryset.filter(**{f"{path}__in": self.territory_ids})

    def organization_ids_subquery(self):
        return self.filter_organizations(_organizations()).values("pk")


def _organizations() -> models.QuerySet:
    from registry.models import Organization

    return Organization.objects.all()


ANONYMOUS = Scope()


def scope_for(user) -> Scope:
    """Compute (once per user object) the scope of USER."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from registry.models import Territory

    memberships = list(user.memberships.select_related("territory"))
    roles = {m.role for m in memberships}
    sees_everything = user.is_superuser or Role.ADMIN in roles
    territory_ids: set[int] = set()
    org_ids: set[int] = set()
    by_role: dict[str, set[int]] = {}
    for membership in memberships:
        if membership.territory_id:
            subtree = set(membership.territory.subtree_ids())
            territory_ids |= subtree
            by_role.setdefault(membership.role, set()).update(subtree)
        if membership.organization_id:
            org_ids.add(membership.organization_id)
    if sees_everything:
        territory_ids = set(Territory.objects.values_list("pk", flat=True))
    scope = Scope(
        roles=frozenset(roles),
        territory_ids=frozenset(territory_ids),
        organization_ids=frozenset(org_ids),
        sees_everything=sees_everything,
        territories_by_role={role: frozenset(ids) for role, ids in by_role.items()},
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
