import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cycles import services
from cycles.models import Cycle, CycleOrganization
from registry.models import Organization


def test_demo_history_assesses_each_organization_once_in_three_years(db):
    counts = {}
    for org_id in CycleOrganization.objects.values_list("organization_id", flat=True):
        counts[org_id] = counts.get(org_id, 0) + 1
    assessable = Organization.objects.filter(parent__isnull=True).exclude(status="liquidated")
    assert set(counts) == set(assessable.values_list("pk", flat=True))
    assert set(counts.values()) == {1}


def test_municipal_official_sees_own_cycles_and_the_regional_one_with_its_orgs(municipal_official, municipality):
    visible = Cycle.objects.visible_to(municipal_official)
    assert visible.filter(territory=municipality).count() == 3
    other = Cycle.objects.exclude(territory=municipality).exclude(territory__parent__isnull=True)
    assert not visible.filter(pk__in=other).exists()
    entries = CycleOrganization.objects.visible_to(municipal_official)
    assert entries.exists()
    assert not entries.exclude(organization__territory=municipality).exists()


def test_school_staff_sees_only_the_cycle_of_its_school(school_staff, client):
    visible = Cycle.objects.visible_to(school_staff)
    assert visible.count() == 1
    client.force_login(school_staff)
    other = Cycle.objects.exclude(pk__in=visible).first()
    assert client.get(f"/cycles/{other.pk}/").status_code == 404
    page = client.get(f"/cycles/{visible.get().pk}/")
    assert page.status_code == 200
    assert page.context["entries"].count() == 1


def test_frozen_list_refuses_changes_and_strangers_are_refused(municipal_official, other_municipality, municipality):
    cycle = Cycle.objects.get(territory=municipality, year=2026)
    org = Organization.objects.filter(territory=municipality).first()
    with pytest.raises(ValidationError):
        services.add_organizations(municipal_official, cycle, [org])
    foreign = Cycle.objects.get(territory=other_municipality, year=2026)
    with pytest.raises(PermissionDenied):
        services.add_organizations(municipal_official, foreign, [org])


def test_new_cycle_list_is_audited(municipal_official, municipality):
    from audit.models import AuditEntry

    cycle = services.create_cycle(municipal_official, municipality, 2027)
    orgs = list(Organization.objects.filter(territory=municipality, parent__isnull=True)[:5])
    added = services.add_organizations(municipal_official, cycle, orgs, reason="план-график")
    assert len(added) == 5
    assert services.add_organizations(municipal_official, cycle, orgs) == []
    entry = AuditEntry.objects.filter(action="cycles.list.added").latest("pk")
    assert sorted(entry.data["organizations"]) == sorted(o.pk for o in orgs)
