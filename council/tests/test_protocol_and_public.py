"""The protocol DOCX and the public information about the council."""

import datetime
import io

import docx

from council import services
from council.models import Council, Meeting


def _text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs)


def test_protocol_holds_attendance_quorum_agenda_and_decisions(municipality, municipal_official, client_for):
    council = Council.objects.get(territory=municipality)
    meeting = Meeting.objects.filter(council=council, status="held", decisions__kind="approve_list").first()
    response = client_for(municipal_official).get(f"/council/meetings/{meeting.pk}/protocol.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    text = _text(response.content)
    assert f"ПРОТОКОЛ № {meeting.number}" in text
    assert council.name in text
    assert meeting.date.strftime("%d.%m.%Y") in text
    present = [a.member for a in meeting.attendance.filter(present=True)]
    absent = [a.member for a in meeting.attendance.filter(present=False)]
    assert f"Присутствовали члены совета ({len(present)} из {len(present) + len(absent)})" in text
    for member in present:
        assert f"{member.full_name} — {member.get_role_display()}" in text
    for member in absent:
        assert member.full_name in text.split("Отсутствовали:")[1]
    assert "Кворум имеется" in text
    for item in meeting.agenda.all():
        assert f"{item.order}. {item.title}" in text
    for decision in meeting.decisions.all():
        assert f"РЕШИЛИ: {decision.text}" in text
        assert f"«за» — {decision.votes_for}, «против» — {decision.votes_against}" in text
    chair = next((m for m in present if m.role == "chair"), None)
    if chair:
        assert f"Председатель ____________________ {chair.full_name}" in text


def test_protocol_of_a_meeting_without_quorum_says_so(municipality, municipal_official):
    council = Council.objects.get(territory=municipality)
    meeting = services.save_meeting(municipal_official, council, {"date": datetime.date(2026, 1, 20), "online": True})
    services.add_agenda_item(municipal_official, meeting, "other", "О разном")
    one = council.members.active_on(meeting.date).first()
    services.record_attendance(municipal_official, meeting, [one.pk], today=datetime.date(2026, 1, 21))
    services.record_decision(municipal_official, meeting, text="Принять к сведению", votes_for=1)
    text = _text(services.protocol_docx(meeting))
    assert "Кворум отсутствует" in text
    assert "в дистанционном формате" in text
    assert "Решение не принято." in text


def test_public_information_shows_members_meetings_and_decisions(municipality):
    council = Council.objects.get(territory=municipality)
    today = datetime.date(2026, 6, 1)
    info = services.public_council_info(municipality, today=today)
    assert info["council"]["name"] == council.name
    active = set(council.members.active_on(today).values_list("full_name", flat=True))
    assert {m["full_name"] for m in info["members"]} == active
    assert all(
        set(m) == {"full_name", "role", "role_label", "position", "term_start", "term_end"} for m in info["members"]
    )
    held = Meeting.objects.filter(council=council, status="held")
    assert [m["id"] for m in info["meetings"]] == list(held.order_by("-date", "-pk").values_list("pk", flat=True))
    approvals = [d for m in info["meetings"] for d in m["decisions"] if d["kind"] == "approve_list"]
    assert approvals and all(d["approves"] for d in approvals)
    upcoming = Meeting.objects.filter(council=council, status="planned", date__gte=today)
    assert [m["id"] for m in info["upcoming"]] == list(upcoming.order_by("date", "pk").values_list("pk", flat=True))


def test_hidden_council_is_not_published(municipality):
    Council.objects.filter(territory=municipality).update(is_public=False)
    assert services.public_council_info(municipality) is None
