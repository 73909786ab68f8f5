"""Who sees and who keeps the council's records."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from council import services
from council.models import Council, Meeting


@pytest.fixture
def regional_council(region):
    return Council.objects.get(territory=region)


@pytest.fixture
def own_council(municipality):
    return Council.objects.get(territory=municipality)


def test_secretary_keeps_the_records_of_their_council_only(council_member, regional_council, own_council):
    assert regional_council.members.get(user=council_member).role == "secretary"
    assert services.can_manage(council_member, regional_council)
    assert not services.can_manage(council_member, own_council)  # sees it, but is not its officer
    with pytest.raises(PermissionDenied):
        services.save_meeting(council_member, own_council, {"date": datetime.date(2026, 3, 1), "place": "x"})


def test_secretary_whose_term_ended_no_longer_keeps_records(council_member, regional_council):
    regional_council.members.filter(user=council_member).update(term_end=datetime.date(2020, 1, 1))
    assert not services.can_manage(council_member, regional_council)


def test_authority_keeps_its_council_but_not_the_neighbours(municipal_official, own_council, other_municipality):
    assert services.can_manage(municipal_official, own_council)
    assert not services.can_manage(municipal_official, Council.objects.get(territory=other_municipality))


def test_lists_and_details_per_role(
    client_for, municipal_official, school_staff, council_member, regional_official, own_council, other_municipality
):
    foreign = Council.objects.get(territory=other_municipality)
    foreign_meeting = Meeting.objects.filter(council=foreign).first()
    client = client_for(municipal_official)
    assert client.get("/council/").status_code == 302  # a single council: straight to it
    assert client.get(own_council.get_absolute_url()).status_code == 200
    assert client.get(foreign.get_absolute_url()).status_code == 404
    assert client.get(foreign_meeting.get_absolute_url()).status_code == 404
    assert client.get(f"/council/meetings/{foreign_meeting.pk}/protocol.docx").status_code == 404
    staff = client_for(school_staff)
    assert staff.get(own_council.get_absolute_url()).status_code == 404
    assert staff.get(f"/council/meetings/{foreign_meeting.pk}/protocol.docx").status_code == 404
    page = client_for(regional_official).get("/council/")
    assert set(page.context["councils"]) == set(Council.objects.all())
    member_page = client_for(council_member).get(own_council.get_absolute_url())
    assert member_page.status_code == 200 and not member_page.context["can_manage"]


def test_reader_cannot_write_through_the_pages(client_for, council_member, own_council):
    meeting = Meeting.objects.filter(council=own_council, status="held").first()
    client = client_for(council_member)
    assert client.post(f"/council/meetings/{meeting.pk}/attendance/", {"present": []}).status_code == 403
    assert client.post(f"/council/meetings/{meeting.pk}/decisions/", {"text": "x"}).status_code == 403
    assert client.get(f"/council/{own_council.pk}/meetings/new/").status_code == 403
