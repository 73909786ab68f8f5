"""The HTML flow: fill by plain POST, autosave, dispute and decision pages, checklist versions."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from cycles.models import Cycle
from expertise import services
from expertise.choices import DisputeStatus, Mark, ResultStatus, Section
from expertise.models import Checklist, ChecklistMark, ChecklistResult, Dispute, Evidence
from expertise.tests.conftest import jpeg_bytes


def test_operator_fills_with_one_plain_post_and_submits(client_for, operator_user, fresh_entry):
    client = client_for(operator_user)
    started = client.post(f"/expertise/org/{fresh_entry.pk}/start/", {"mode": "visit"})
    result = ChecklistResult.objects.get(cycle_organization=fresh_entry)
    assert started["Location"] == f"/expertise/result/{result.pk}/fill/"
    page = client.get(started["Location"])
    assert page.status_code == 200 and 'capture="environment"' in page.content.decode()
    marks = list(result.marks.select_related("item"))
    data = {f"mark-{m.item_id}": "yes" for m in marks}
    ramp = next(m for m in marks if m.item.code == "premises.entrance_ramps_or_lifts")
    data[f"mark-{ramp.item_id}"] = "no"
    data[f"comment-{ramp.item_id}"] = "Пандус отсутствует"
    data[f"photo-{ramp.item_id}"] = SimpleUploadedFile("ramp.jpg", jpeg_bytes())
    data["visited_on"] = "2027-09-21"
    data["action"] = "submit"
    response = client.post(f"/expertise/result/{result.pk}/fill/", data)
    assert response["Location"] == f"/expertise/result/{result.pk}/"
    result.refresh_from_db()
    assert result.status == ResultStatus.SUBMITTED and str(result.visited_on) == "2027-09-21"
    assert Evidence.objects.get(result=result).item == ramp.item
    shown = client.get(f"/expertise/result/{result.pk}/").content.decode()
    assert "Пандус отсутствует" in shown and "thumb.jpg" in shown


def test_autosave_endpoint_saves_one_mark_and_names_errors(client_for, operator_user, fresh_entry):
    result = services.start_result(operator_user, fresh_entry)
    mark = result.marks.select_related("item").get(item__code="comfort.navigation")
    client = client_for(operator_user)
    ok = client.post(f"/expertise/result/{result.pk}/mark/{mark.item_id}/", {"value": "no", "comment": "нет табличек"})
    assert ok.status_code == 200 and ok.json()["value"] == "no"
    bad = client.post(f"/expertise/result/{result.pk}/mark/{mark.item_id}/", {"value": "na"})
    assert bad.status_code == 400 and "не применимо" in bad.json()["error"]
    mark.refresh_from_db()
    assert (mark.value, mark.comment) == ("no", "нет табличек")


def test_school_disputes_on_the_page_and_the_operator_decides(
    client_for, school_staff, operator_user, school_entry, media
):
    services.set_reply_window(operator_user, school_entry.cycle, working_days=5)
    mark = (
        ChecklistMark.objects.filter(
            result__cycle_organization=school_entry, result__building__isnull=True, value=Mark.NO
        )
        .exclude(disputes__status=DisputeStatus.OPEN)
        .first()
    )
    school = client_for(school_staff)
    page = school.get(f"/expertise/result/{mark.result_id}/")
    assert f"/expertise/mark/{mark.pk}/dispute/" in page.content.decode()
    response = school.post(
        f"/expertise/mark/{mark.pk}/dispute/",
        {
            "requested_value": "yes",
            "text": "Условие выполнено, фото прилагаем.",
            "files": [SimpleUploadedFile("proof.jpg", jpeg_bytes()), SimpleUploadedFile("evil.jpg", b"<html>")],
            "link": "https://school.example/news/ramp",
        },
    )
    dispute = Dispute.objects.get(mark=mark, status=DisputeStatus.OPEN)
    assert response["Location"] == f"/expertise/dispute/{dispute.pk}/"
    assert sorted(dispute.evidence.values_list("kind", flat=True)) == ["link", "photo"]
    assert "тип файла не поддерживается" in school.get(response["Location"]).content.decode()
    assert school.post(response["Location"], {"decision": "accept", "reason": "сами"}).status_code == 403
    operator = client_for(operator_user)
    decided = operator.post(response["Location"], {"decision": "accept", "reason": "Фото подтверждает."})
    assert decided.status_code == 302
    mark.refresh_from_db()
    assert mark.value == Mark.YES and mark.preliminary_value == Mark.NO
    cycle_page = operator.get(
        f"/expertise/cycle/{school_entry.cycle_id}/?status=changed&q={school_entry.organization.inn}"
    )
    (row,) = cycle_page.context["rows"]
    assert row["entry"] == school_entry
    section = row["sections"][Section.values.index(mark.item.section)]
    assert section["changed"] and section["present"] == section["pre_present"] + 1


def test_cycle_page_opens_the_reply_window(client_for, operator_user, municipal_official, fresh_cycle):
    assert (
        client_for(municipal_official)
        .post(f"/expertise/cycle/{fresh_cycle.pk}/reply-window/", {"working_days": 3})
        .status_code
        == 302
    )
    settings = services.settings_for(fresh_cycle)
    assert settings.reply_state() == "open" and settings.reply_working_days == 3
    page = client_for(operator_user).get(f"/expertise/cycle/{fresh_cycle.pk}/")
    assert "Приём возражений открыт до" in page.content.decode()


def test_checklist_version_round_trip_through_xlsx(client_for, operator_user, school_staff):
    client = client_for(operator_user)
    exported = client.get("/expertise/checklists/114-v1/?format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    sheet = book["Пункты"]
    sheet.append(["comfort.transport", "comfort", "2.1", "Транспортная доступность", "344н", "", "нет", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    form = {"code": "114-region-v2", "title": "Региональная версия", "note": ""}
    upload = client.post(
        "/expertise/checklists/upload/", {**form, "file": SimpleUploadedFile("v2.xlsx", buffer.getvalue())}
    )
    assert upload.status_code == 302
    version = Checklist.objects.get(code="114-region-v2")
    assert version.items.count() == services.get_checklist("114-v1").items.count() + 1
    assert version.items.get(code="comfort.transport").section == "comfort"
    sheet.append(["bad", "кухня", "", "", "", "ДОУ-шка", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    refused = client.post(
        "/expertise/checklists/upload/",
        {**form, "code": "v3", "file": SimpleUploadedFile("v3.xlsx", buffer.getvalue())},
    )
    text = refused.content.decode()
    assert refused.status_code == 200 and f"строка {sheet.max_row}" in text and "«кухня»" in text
    assert not Checklist.objects.filter(code="v3").exists()
    assert client_for(school_staff).get("/expertise/checklists/upload/").status_code == 403


def test_dashboard_card_counts_the_visible_checklists(client_for, municipal_official, municipality):
    page = client_for(municipal_official).get("/")
    cycle = Cycle.objects.get(territory=municipality, year=2026)
    submitted = ChecklistResult.objects.filter(
        cycle_organization__cycle=cycle, status=ResultStatus.SUBMITTED, building__isnull=True
    ).count()
    assert "Экспертиза (стенды, комфортность, доступность)" in page.content.decode()
    assert submitted > 0
