"""What a report covers: a territory (region or municipality) and a year, or exactly one cycle.

A region's year spans several cycles (each municipality runs its own, the region runs one for its colleges),
so a scope is "the organizations located in the territory, assessed in cycles of that year". A municipality's
scope therefore also holds its colleges assessed in the region's cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from accounts.models import Role
from accounts.scopes import scope_for
from cycles.models import Cycle
from registry.models import Territory


@dataclass
class ReportScope:
    territory: Territory
    year: int
    cycle: Cycle | None = None
    _territory_ids: list[int] | None = field(default=None, repr=False)

    @property
    def territory_ids(self) -> list[int]:
        if self._territory_ids is None:
            self._territory_ids = self.territory.subtree_ids()
        return self._territory_ids

    @property
    def title(self) -> str:
        if self.cycle is not None:
            return str(self.cycle)
        return f"{self.territory.name}, {self.year} год"

    @property
    def slug(self) -> str:
        suffix = f"-c{self.cycle.pk}" if self.cycle is not None else ""
        return f"{self.territory.pk}-{self.year}{suffix}"

    def cycles(self, base: QuerySet | None = None) -> QuerySet:
        """Cycles of the scope (from BASE, e.g. ``Cycle.objects.published()``)."""
        qs = base if base is not None else Cycle.objects.all()
        if self.cycle is not None:
            return qs.filter(pk=self.cycle.pk)
        return (
            qs.filter(year=self.year, entries__organization__territory_id__in=self.territory_ids)
            .distinct()
            .select_related("territory")
            .order_by("territory__parent_id", "territory__name")
        )

    def filter(
        self, queryset: QuerySet, path: str = "cycle_organization", cycle_ids: list[int] | None = None
    ) -> QuerySet:
        """Rows of QUERYSET (bound to a CycleOrganization by PATH) that belong to the scope."""
        if cycle_ids is None:
            cycle_ids = list(self.cycles().values_list("pk", flat=True))
        prefix = f"{path}__" if path else ""
        return queryset.filter(
            **{
                f"{prefix}cycle_id__in": cycle_ids,
                f"{prefix}organization__territory_id__in": self.territory_ids,
            }
        )


def report_territories(user) -> QuerySet:
    """Territories whose reports USER may open: the territories of their scope."""
    scope = scope_for(user)
    if scope.sees_everything:
        return Territory.objects.all()
    return Territory.objects.filter(pk__in=scope.territory_ids)


def can_view(user, territory: Territory) -> bool:
    scope = scope_for(user)
    return scope.sees_everything or territory.pk in scope.territory_ids


def can_act(user, territory: Territory) -> bool:
    """Authorities decide about heads, keep the follow-up records and sign the letter to the ministry."""
    scope = scope_for(user)
    if scope.sees_everything:
        return True
    return territory.pk in scope.territories_for(Role.REGIONAL, Role.MUNICIPAL)


def can_manage_templates(user, territory: Territory) -> bool:
    """A territory's authority replaces the wording of its documents."""
    return can_act(user, territory)


def years_for(territory: Territory) -> list[int]:
    ids = territory.subtree_ids()
    return sorted(
        set(Cycle.objects.filter(entries__organization__territory_id__in=ids).values_list("year", flat=True)),
        reverse=True,
    )
