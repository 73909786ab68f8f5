"""Submit → return with comments → submit → approve; who may do each step; every step audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Membership, Role
from audit.models import AuditEntry
from plans import services
from plans.choices import ExceptionReason, PlanStatus, ReviewAction
from plans.tests.conftest import fill


def test_full_workflow_is_audited(draft_plan, staff_for, municipal_official):
    staff = staff_for(draft_plan.organization)
    with pytest.raises(ValidationError) as incomplete:
        services.submit_plan(staff, draft_plan)
    assert any("Раздел" in m and "мероприятие" in m for m in incomplete.value.messages)
    fill(draft_plan, staff)
    services.submit_plan(staff, draft_plan)
    assert draft_plan.status == PlanStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.save_item(staff, draft_plan.items.first(), {"measure": "поздняя правка"})

    with pytest.raises(ValidationError):
        services.return_plan(municipal_official, draft_plan, "  ")
    services.return_plan(municipal_official, draft_plan, "Уточните сроки раздела III")
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.RETURNED
    assert draft_plan.return_comment == "Уточните сроки раздела III"

    services.save_item(staff, draft_plan.items.first(), {"measure": "Исправленное мероприятие"})
    services.submit_plan(staff, draft_plan)
    services.approve_plan(municipal_official, draft_plan, approver_position="Начальник управления образования")
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.APPROVED
    assert draft_plan.approved_by == municipal_official
    assert draft_plan.approver_name == municipal_official.get_full_name()
    assert draft_plan.approved_on is not None and draft_plan.return_comment == ""

    actions = list(
        AuditEntry.objects.filter(
            target_type="plans.plan", target_id=str(draft_plan.pk), action__startswith="plans.plan."
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["plans.plan.submitted", "plans.plan.returned", "plans.plan.submitted", "plans.plan.approved"]
    item_changes = AuditEntry.objects.filter(action="plans.item.changed", organization=draft_plan.organization)
    assert item_changes.count() == draft_plan.items.count() + 1
    events = list(draft_plan.events.values_list("action", flat=True))
    assert events[-1] == ReviewAction.APPROVED and ReviewAction.RETURNED in events


def test_organization_cannot_approve_its_own_plan(draft_plan, staff_for, municipal_official):
    staff = staff_for(draft_plan.organization)
    # even an employee who also holds a municipal role may not approve the plan of the own organization
    Membership.objects.create(user=staff, role=Role.MUNICIPAL, territory=draft_plan.cycle.territory)
    from accounts.scopes import forget_scope

    forget_scope(staff)
    fill(draft_plan, staff)
    services.submit_plan(staff, draft_plan)
    with pytest.raises(PermissionDenied):
        services.approve_plan(staff, draft_plan)
    with pytest.raises(PermissionDenied):
        services.return_plan(staff, draft_plan, "сам себе")
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.SUBMITTED


def test_other_municipality_cannot_review(draft_plan, staff_for, other_municipality):
    from django.contrib.auth.models import User

    official = User.objects.get(username="mun2")
    staff = staff_for(draft_plan.organization)
    fill(draft_plan, staff)
    services.submit_plan(staff, draft_plan)
    assert not services.can_review(official, draft_plan)
    with pytest.raises(PermissionDenied):
        services.approve_plan(official, draft_plan)


def test_a_draft_cannot_be_approved(draft_plan, municipal_official):
    with pytest.raises(ValidationError):
        services.approve_plan(municipal_official, draft_plan)


def test_exception_recorded_by_the_authority(draft_plan, municipal_official, staff_for):
    staff = staff_for(draft_plan.organization)
    with pytest.raises(PermissionDenied):
        services.record_exception(staff, draft_plan, ExceptionReason.LIQUIDATION)
    services.record_exception(municipal_official, draft_plan, ExceptionReason.LIQUIDATION)
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.APPROVED and draft_plan.is_exception
    assert "ликвидационные" in draft_plan.exception_note
    assert "Иная информация" in services.exception_letter_text(draft_plan)
    assert AuditEntry.objects.filter(action="plans.plan.exception", target_id=str(draft_plan.pk)).exists()
    services.cancel_exception(municipal_official, draft_plan)
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.DRAFT and not draft_plan.is_exception
    assert draft_plan.items.exists()


def test_reopen_takes_the_plan_off_publication(draft_plan, staff_for, municipal_official):
    staff = staff_for(draft_plan.organization)
    fill(draft_plan, staff)
    services.submit_plan(staff, draft_plan)
    services.approve_plan(municipal_official, draft_plan)
    with pytest.raises(ValidationError):
        services.set_published(municipal_official, draft_plan, True, "ftp://example.org/plan")
    services.set_published(municipal_official, draft_plan, True, "https://bus.gov.ru/info-card/1")
    assert draft_plan in services.published_plans(cycle=draft_plan.cycle)
    services.reopen_plan(municipal_official, draft_plan, "Нужно добавить мероприятие")
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.RETURNED and not draft_plan.published
    assert draft_plan not in services.published_plans(cycle=draft_plan.cycle)


def test_manual_items_can_be_added_and_removed_but_shortcoming_rows_stay(draft_plan, staff_for):
    staff = staff_for(draft_plan.organization)
    item = services.add_item(
        staff,
        draft_plan,
        {"criterion_code": "K2", "shortcoming_text": "Шумная зона ожидания", "measure": "Шумоизоляция"},
    )
    assert item.section_numeral == "II" and item.responsible_name == draft_plan.organization.head_name
    with pytest.raises(ValidationError):
        services.delete_item(staff, draft_plan.items.exclude(shortcoming=None).first())
    services.delete_item(staff, item)
    assert not draft_plan.items.filter(pk=item.pk).exists()
    assert AuditEntry.objects.filter(action="plans.item.deleted", organization=draft_plan.organization).exists()


def test_deadline_before_the_assessment_year_is_refused(draft_plan, staff_for):
    import datetime

    staff = staff_for(draft_plan.organization)
    with pytest.raises(ValidationError) as error:
        services.save_item(staff, draft_plan.items.first(), {"deadline": datetime.date(2019, 5, 1)})
    assert "deadline" in error.value.message_dict
