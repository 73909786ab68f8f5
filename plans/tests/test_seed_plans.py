"""Seeding plans from shortcomings: one item per active shortcoming in the section of its criterion."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from cycles.models import Cycle, Phase
from plans import services
from plans.choices import SECTION_NUMERAL, ExceptionReason, PlanStatus
from plans.models import Plan, PlanItem
from plans.services import seed_plans
from registry.choices import OrgStatus
from scoring.models import Shortcoming


def test_demo_plans_cover_every_active_shortcoming_once(closed_cycle):
    plans = Plan.objects.filter(cycle=closed_cycle, exception_reason="")
    assert plans.exists()
    for plan in plans:
        active = set(
            Shortcoming.objects.filter(cycle_organization=plan.cycle_organization, active=True).values_list(
                "pk", flat=True
            )
        )
        linked = list(plan.items.exclude(shortcoming=None).values_list("shortcoming_id", flat=True))
        assert sorted(linked) == sorted(active)


def test_seed_creates_one_plan_per_organization_with_items_in_sections(fresh_cycle):
    entries = list(fresh_cycle.entries.included())
    report = seed_plans(fresh_cycle)
    assert Plan.objects.filter(cycle=fresh_cycle).count() == len(entries)
    assert report.plans_created + report.exceptions_created == len(entries)
    active = Shortcoming.objects.filter(cycle=fresh_cycle, active=True)
    items = PlanItem.objects.filter(plan__cycle=fresh_cycle)
    assert report.items_created == items.count() == active.count()
    for item in items.select_related("shortcoming"):
        assert item.criterion_code == item.shortcoming.criterion_code
        assert item.section_numeral == SECTION_NUMERAL[item.shortcoming.criterion_code]
        assert item.shortcoming_text == item.shortcoming.text
        assert item.plan.cycle_organization_id == item.shortcoming.cycle_organization_id
    assert AuditEntry.objects.filter(action="plans.plan.seeded", target_id=str(fresh_cycle.pk)).exists()


def test_inactive_shortcomings_are_left_out_and_none_left_means_an_exception(fresh_cycle):
    entries = list(fresh_cycle.entries.included().order_by("pk"))
    clean, partial = entries[0], entries[1]
    Shortcoming.objects.filter(cycle_organization=clean).update(active=False)
    dropped = Shortcoming.objects.filter(cycle_organization=partial, active=True).first()
    dropped.active = False
    dropped.save()
    seed_plans(fresh_cycle)
    plan = Plan.objects.get(cycle_organization=clean)
    assert plan.exception_reason == ExceptionReason.NO_SHORTCOMINGS
    assert "недостатков" in plan.exception_note and str(clean.organization) in plan.exception_note
    assert not plan.items.exists()
    other = Plan.objects.get(cycle_organization=partial)
    assert not other.items.filter(shortcoming=dropped).exists()
    assert other.items.count() == Shortcoming.objects.filter(cycle_organization=partial, active=True).count()


def test_reorganized_organization_gets_an_exception(fresh_cycle, municipal_official):
    entry = fresh_cycle.entries.included().order_by("pk").first()
    entry.organization.status = OrgStatus.REORGANIZING
    entry.organization.save()
    seed_plans(fresh_cycle)
    plan = Plan.objects.get(cycle_organization=entry)
    assert plan.exception_reason == ExceptionReason.REORGANIZATION
    assert "реорганизационные" in plan.exception_note
    assert not plan.items.exists()
    # the authority decides a plan is needed after all: items come from the active shortcomings
    services.cancel_exception(municipal_official, plan)
    active = Shortcoming.objects.filter(cycle_organization=entry, active=True)
    assert sorted(plan.items.values_list("shortcoming_id", flat=True)) == sorted(active.values_list("pk", flat=True))
    assert plan.status == PlanStatus.DRAFT
    entry_audit = AuditEntry.objects.get(action="plans.plan.exception_cancelled", target_id=str(plan.pk))
    assert entry_audit.data["items_created"] == active.count()


def test_seeding_again_adds_only_new_shortcomings_to_drafts(fresh_cycle):
    seed_plans(fresh_cycle)
    before = PlanItem.objects.filter(plan__cycle=fresh_cycle).count()
    again = seed_plans(fresh_cycle)
    assert again.plans_created == again.items_created == 0
    plan = Plan.objects.filter(cycle=fresh_cycle, exception_reason="").order_by("pk").first()
    new = Shortcoming.objects.create(
        cycle=fresh_cycle,
        cycle_organization=plan.cycle_organization,
        indicator_code="2.1",
        criterion_code="K2",
        kind="item_missing",
        item_code="test:new-finding",
        text="Нет питьевой воды в зоне ожидания",
    )
    third = seed_plans(fresh_cycle)
    assert third.items_created == 1 and third.plans_updated == 1
    assert PlanItem.objects.filter(plan__cycle=fresh_cycle).count() == before + 1
    assert plan.items.get(shortcoming=new).criterion_code == "K2"


def test_approved_plans_are_not_changed_by_seeding(fresh_cycle):
    seed_plans(fresh_cycle)
    plan = Plan.objects.filter(cycle=fresh_cycle, exception_reason="").order_by("pk").first()
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)
    count = plan.items.count()
    Shortcoming.objects.create(
        cycle=fresh_cycle,
        cycle_organization=plan.cycle_organization,
        indicator_code="4.1",
        criterion_code="K4",
        kind="low_share",
        item_code="test:late",
        text="Низкая доля",
    )
    report = seed_plans(fresh_cycle)
    assert plan.items.count() == count
    assert report.skipped >= 1


def test_repeated_shortcoming_is_flagged(fresh_cycle):
    entry = fresh_cycle.entries.included().filter(organization__status=OrgStatus.ACTIVE).order_by("pk").first()
    finding = Shortcoming.objects.filter(cycle_organization=entry, active=True).first()
    earlier = Cycle.objects.get(territory=fresh_cycle.territory, year=2024)
    earlier_entry = earlier.entries.create(organization=entry.organization)
    Shortcoming.objects.create(
        cycle=earlier,
        cycle_organization=earlier_entry,
        indicator_code=finding.indicator_code,
        criterion_code=finding.criterion_code,
        kind=finding.kind,
        item_code=finding.item_code,
        text=finding.text,
    )
    report = seed_plans(fresh_cycle)
    assert report.repeated == 1
    item = PlanItem.objects.get(shortcoming=finding)
    assert item.repeated
    assert PlanItem.objects.filter(plan__cycle=fresh_cycle, repeated=True).count() == 1


def test_seeding_waits_for_final_results(municipality):
    current = Cycle.objects.get(territory=municipality, year=2026)
    assert current.phase == Phase.COLLECTION
    with pytest.raises(ValidationError):
        seed_plans(current)
    assert not Plan.objects.filter(cycle=current).exists()


def test_only_the_cycle_authority_seeds(fresh_cycle, municipal_official, other_municipality, school_staff, region):
    with pytest.raises(PermissionDenied):
        seed_plans(fresh_cycle, school_staff)
    regional_cycle = Cycle.objects.get(territory=region, year=2025)
    with pytest.raises(PermissionDenied):
        seed_plans(regional_cycle, municipal_official)
    report = seed_plans(fresh_cycle, municipal_official)
    assert report.plans_created > 0
