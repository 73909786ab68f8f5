"""Helpers for the plans tests: cycles and plans of the session demo region."""

from __future__ import annotations

import pytest

from cycles.models import Cycle, Phase
from plans.choices import PlanStatus
from plans.models import Plan


@pytest.fixture
def closed_cycle(municipality):
    """The 2025 cycle of mun1's municipality (closed, final results, plans seeded by the demo)."""
    return Cycle.objects.get(territory=municipality, year=2025)


@pytest.fixture
def fresh_cycle(closed_cycle):
    """The same cycle with its plans removed and the phase set to «plans», ready for seeding anew."""
    Plan.objects.filter(cycle=closed_cycle).delete()
    closed_cycle.phase = Phase.PLANS
    closed_cycle.save(update_fields=["phase"])
    return closed_cycle


@pytest.fixture
def draft_plan(fresh_cycle):
    from plans.services import seed_plans

    seed_plans(fresh_cycle)
    return (
        Plan.objects.filter(cycle=fresh_cycle, exception_reason="", status=PlanStatus.DRAFT)
        .select_related("cycle_organization__organization")
        .order_by("pk")
        .first()
    )


def fill(plan, user) -> None:
    """Fill every item of PLAN as its organization would."""
    from plans.services import save_item

    for item in plan.items.all():
        save_item(
            user,
            item,
            {
                "measure": f"Устранить: {item.shortcoming_text[:40]}",
                "responsible_name": "Иванова Мария Петровна",
                "responsible_position": "заместитель директора",
            },
        )


@pytest.fixture
def staff_for(db):
    """``staff_for(organization)`` → a new user with the org_staff role in ORGANIZATION."""
    from django.contrib.auth.models import User

    from accounts.models import Membership, Role

    def make(organization, username: str = "plan-staff"):
        user = User.objects.create_user(username=username, password="x-irrelevant-123")
        Membership.objects.create(user=user, role=Role.ORG_STAFF, organization=organization)
        return user

    return make


@pytest.fixture
def school_plan(school):
    """A fresh draft plan of the ``school`` persona's organization (seeded from its shortcomings)."""
    from cycles.models import CycleOrganization
    from plans.services import seed_plans

    entry = (
        CycleOrganization.objects.filter(organization=school).select_related("cycle").order_by("-cycle__year").first()
    )
    cycle = entry.cycle
    if not cycle.phase_reached(Phase.FINAL):
        cycle.phase = Phase.PLANS
        cycle.save(update_fields=["phase"])
    Plan.objects.filter(cycle_organization=entry).delete()
    seed_plans(cycle)
    return Plan.objects.get(cycle_organization=entry)
