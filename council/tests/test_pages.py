"""Council pages render for the secretary and the forms write through the services."""

import datetime

from council.models import Council, CouncilMember, Meeting


def test_secretary_pages_and_forms(council_member, region, client_for):
    council = Council.objects.get(territory=region)
    client = client_for(council_member)
    assert client.get("/council/").status_code == 200  # several councils: a list
    detail = client.get(council.get_absolute_url())
    assert detail.status_code == 200 and detail.context["can_manage"]
    assert client.get(f"/council/{council.pk}/members/new/").status_code == 200
    response = client.post(
        f"/council/{council.pk}/members/new/",
        {"full_name": "Новикова Ольга Ивановна", "role": "member", "term_start": "2026-09-01"},
    )
    assert response.status_code == 302
    assert CouncilMember.objects.get(full_name="Новикова Ольга Ивановна").council == council
    no_place = client.post(f"/council/{council.pk}/meetings/new/", {"date": "2026-03-03"})
    assert no_place.status_code == 200 and no_place.context["form"].errors
    response = client.post(f"/council/{council.pk}/meetings/new/", {"date": "2026-03-03", "online": "on"})
    meeting = Meeting.objects.get(council=council, date=datetime.date(2026, 3, 3))
    assert response["Location"] == meeting.get_absolute_url()
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200 and page.context["can_manage"]
    assert client.get(f"/council/meetings/{meeting.pk}/edit/").status_code == 200
