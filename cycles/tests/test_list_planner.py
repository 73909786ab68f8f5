"""The planner on the demo history, the list rules, approval by the council and changes after it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from cycles import services
from cycles.models import CycleOrganization, PriorAssessment
from cycles.planner import candidate_organizations, plan_cycle
from registry.choices import OrgStatus


@pytest.fixture
def new_cycle(municipal_official, municipality):
    return services.create_cycle(municipal_official, municipality, 2027)


def _last_assessed(org):
    years = list(CycleOrganization.objects.included().filter(organization=org).values_list("cycle__year", flat=True))
    years += list(PriorAssessment.objects.filter(organization=org).values_list("year", flat=True))
    return max(years) if years else None


def test_proposal_takes_the_organizations_whose_three_years_run_out(new_cycle):
    view = plan_cycle(new_cycle)
    candidates = list(candidate_organizations(new_cycle))
    covered = [o for o in candidates if o.status in (OrgStatus.ACTIVE, OrgStatus.REORGANIZING)]
    expected_due = {o.pk for o in covered if (_last_assessed(o) or 0) <= 2024}
    assert expected_due, "the demo history must give the planner due organizations"
    assert set(view.proposal.due) == expected_due
    assert set(view.proposal.proposed) >= expected_due or len(view.proposal.proposed) == view.capacity
    assert len(view.proposal.proposed) == len(set(view.proposal.proposed))
    assert view.capacity == -(-len(covered) // 3)
    # nothing liquidated or closed is proposed; such organizations are flagged
    bad = {o.pk for o in candidates if o.status in (OrgStatus.LIQUIDATED, OrgStatus.CLOSED_TEMPORARILY)}
    assert not bad & set(view.proposal.proposed)
    assert {r.organization.pk for r in view.flagged_rows} >= bad


def test_empty_list_shows_every_due_organization_as_a_gap(new_cycle, municipal_official):
    view = plan_cycle(new_cycle)
    assert set(view.check.gaps) == set(view.proposal.due)
    chosen = view.proposal.proposed[1:]  # leave the most urgent one out
    services.set_list(municipal_official, new_cycle, chosen)
    after = plan_cycle(new_cycle)
    assert set(after.check.gaps) == set(view.proposal.due) - set(chosen)
    assert view.proposal.proposed[0] in after.check.gaps


def test_twice_a_year_is_blocked_unless_overridden_with_a_reason(new_cycle, municipal_official):
    org = candidate_organizations(new_cycle).filter(status=OrgStatus.ACTIVE).first()
    PriorAssessment.objects.create(organization=org, year=2027, source="федеральная оценка")
    with pytest.raises(services.ListRuleError) as caught:
        services.set_list(municipal_official, new_cycle, [org.pk])
    assert "не чаще одного раза в год" in " ".join(caught.value.messages)
    assert not new_cycle.entries.exists()
    services.set_list(municipal_official, new_cycle, [org.pk], override_reason="поручение учредителя")
    assert services.current_list(new_cycle) == [org.pk]
    entry = AuditEntry.objects.filter(action="cycles.list.set").latest("pk")
    assert entry.data["override_reason"] == "поручение учредителя"
    assert entry.data["violations"] == [[org.pk, "already_this_year"]]


def test_liquidated_organization_is_a_violation(new_cycle, municipal_official):
    org = candidate_organizations(new_cycle).filter(status=OrgStatus.ACTIVE).first()
    org.status = OrgStatus.LIQUIDATED
    org.save()
    with pytest.raises(services.ListRuleError):
        services.set_list(municipal_official, new_cycle, [org.pk])


def test_foreign_organization_cannot_be_put_on_the_list(new_cycle, municipal_official, other_municipality):
    from registry.models import Organization

    foreign = Organization.objects.filter(territory=other_municipality).first()
    with pytest.raises(ValidationError):
        services.set_list(municipal_official, new_cycle, [foreign.pk], override_reason="любое")


def test_removed_organizations_stay_as_excluded(new_cycle, municipal_official):
    proposed = plan_cycle(new_cycle).proposal.proposed
    services.set_list(municipal_official, new_cycle, proposed)
    services.set_list(municipal_official, new_cycle, proposed[1:])
    first = new_cycle.entries.get(organization_id=proposed[0])
    assert first.status == CycleOrganization.Status.EXCLUDED
    assert services.current_list(new_cycle) == sorted(proposed[1:])


def test_approved_list_is_frozen_and_changes_need_a_reason(new_cycle, municipal_official):
    from council.models import Council, Meeting

    proposed = plan_cycle(new_cycle).proposal.proposed
    services.set_list(municipal_official, new_cycle, proposed)

    class NotAdopted:
        adopted = False

    with pytest.raises(ValidationError):
        services.approve_list(municipal_official, new_cycle, NotAdopted())
    council = Council.objects.get(territory=new_cycle.territory)
    meeting = Meeting.objects.filter(council=council, status="held").first()
    decision = meeting.decisions.create(kind="approve_list", text="Утвердить", adopted=True)
    services.approve_list(municipal_official, new_cycle, decision)
    new_cycle.refresh_from_db()
    assert new_cycle.list_frozen
    with pytest.raises(ValidationError):
        services.set_list(municipal_official, new_cycle, proposed[:1])
    org = new_cycle.entries.first().organization
    with pytest.raises(ValidationError):
        services.change_frozen_list(municipal_official, new_cycle, exclude=[org], reason="  ")
    services.change_frozen_list(municipal_official, new_cycle, exclude=[org], reason="организация закрыта на ремонт")
    assert org.pk not in services.current_list(new_cycle)
    entry = AuditEntry.objects.filter(action="cycles.list.changed").latest("pk")
    assert org.pk in entry.before["organizations"] and org.pk not in entry.after["organizations"]
    assert entry.data["reason"] == "организация закрыта на ремонт"


def test_only_the_authority_plans_the_list(new_cycle, council_member, school_staff, client_for):
    with pytest.raises(PermissionDenied):
        services.set_list(council_member, new_cycle, [])
    assert client_for(council_member).get(f"/cycles/{new_cycle.pk}/planner/").status_code == 403
    assert client_for(school_staff).get(f"/cycles/{new_cycle.pk}/planner/").status_code == 404


def test_planner_page_applies_the_proposal(new_cycle, municipal_official, client_for):
    client = client_for(municipal_official)
    page = client.get(f"/cycles/{new_cycle.pk}/planner/")
    assert page.status_code == 200
    proposed = page.context["view"].proposal.proposed
    response = client.post(f"/cycles/{new_cycle.pk}/planner/", {"apply": "proposal"})
    assert response.status_code == 302
    assert services.current_list(new_cycle) == sorted(proposed)


def test_prior_assessments_import_names_bad_rows_and_writes_nothing(municipal_official, municipality):
    from registry.models import Organization

    org = Organization.objects.filter(territory=municipality).first()
    bad = f"ИНН;Год\n{org.inn};2019\n0000000000;2019\n{org.inn};двадцать\n".encode()
    with pytest.raises(ValidationError) as caught:
        services.import_prior_assessments(municipal_official, municipality, bad, "history.csv")
    text = " ".join(caught.value.messages)
    assert "Строка 3" in text and "Строка 4" in text
    assert not PriorAssessment.objects.filter(organization=org, year=2019).exists()
    good = f"ИНН;Год;Источник\n{org.inn};2019;архив\n".encode()
    assert services.import_prior_assessments(municipal_official, municipality, good, "history.csv") == 1
    assert PriorAssessment.objects.get(organization=org, year=2019).source == "архив"
