"""Remote (desk) expertise: the organization uploads photos per item, the expert judges from them."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cycles import services as cycle_services
from cycles.models import CycleOrganization
from expertise import services
from expertise.choices import EvidenceSource, VisitMode
from expertise.models import Evidence
from expertise.tests.conftest import fill_all, jpeg_bytes


@pytest.fixture
def school_2027(municipal_official, school):
    cycle = cycle_services.create_cycle(municipal_official, school.territory, 2027)
    cycle_services.add_organizations(municipal_official, cycle, [school])
    return CycleOrganization.objects.select_related("organization", "cycle").get(cycle=cycle, organization=school)


def test_school_uploads_photos_for_a_remote_checklist(client_for, operator_user, school_staff, school_2027):
    result = services.start_result(operator_user, school_2027, mode=VisitMode.REMOTE)
    item = result.marks.select_related("item").get(item__code="comfort.drinking_water").item
    school = client_for(school_staff)
    page = school.get(f"/expertise/org/{school_2027.pk}/").content.decode()
    assert "Материалы для дистанционной экспертизы" in page and item.label in page
    response = school.post(
        f"/expertise/result/{result.pk}/evidence/",
        {"item": item.pk, "file": SimpleUploadedFile("cooler.jpg", jpeg_bytes())},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(cycle_organization=school_2027)
    assert (evidence.source, evidence.item, evidence.uploaded_by) == (EvidenceSource.ORGANIZATION, item, school_staff)
    fill_page = client_for(operator_user).get(f"/expertise/result/{result.pk}/fill/").content.decode()
    assert "Материалы организации" in fill_page and evidence.thumbnail_url() in fill_page
    # the school never sees the expert's marks of the draft (client_for re-logs the one test client)
    school = client_for(school_staff)
    assert school.get(f"/expertise/result/{result.pk}/").status_code == 404


def test_school_cannot_upload_to_a_visit_or_a_finished_checklist(operator_user, school_staff, school_2027):
    visit = services.start_result(operator_user, school_2027, mode=VisitMode.VISIT)
    item = visit.marks.first().item
    with pytest.raises(ValidationError, match="дистанционной"):
        services.add_evidence(
            school_staff,
            school_2027,
            jpeg_bytes(),
            "a.jpg",
            result=visit,
            item=item,
            source=EvidenceSource.ORGANIZATION,
        )
    visit.mode = VisitMode.REMOTE
    visit.save()
    fill_all(operator_user, visit)
    services.submit_result(operator_user, visit)
    with pytest.raises(ValidationError, match="до её завершения"):
        services.add_evidence(
            school_staff,
            school_2027,
            jpeg_bytes(),
            "a.jpg",
            result=visit,
            item=item,
            source=EvidenceSource.ORGANIZATION,
        )


def test_another_school_cannot_upload(client_for, operator_user, school_2027, municipality):
    from django.contrib.auth.models import User

    from accounts.models import Membership, Role
    from registry.models import Organization

    result = services.start_result(operator_user, school_2027, mode=VisitMode.REMOTE)
    other = Organization.objects.filter(territory=municipality).exclude(pk=school_2027.organization_id).first()
    stranger = User.objects.create_user("other-staff")
    Membership.objects.create(user=stranger, role=Role.ORG_STAFF, organization=other)
    response = client_for(stranger).post(
        f"/expertise/result/{result.pk}/evidence/",
        {"item": result.marks.first().item_id, "file": SimpleUploadedFile("x.jpg", jpeg_bytes())},
    )
    assert response.status_code == 404
    assert not Evidence.objects.filter(cycle_organization=school_2027).exists()
