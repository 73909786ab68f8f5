"""Every page of cycles renders for the authority, and the forms write through the services."""

from cycles.models import ActivityPlan, Cycle, Phase


def test_authority_pages_render_and_forms_save(municipal_official, municipality, client_for):
    client = client_for(municipal_official)
    assert client.get("/cycles/").context["can_create"]
    response = client.post("/cycles/new/", {"territory": municipality.pk, "year": 2027, "title": ""})
    cycle = Cycle.objects.get(territory=municipality, year=2027)
    assert response.status_code == 302 and response["Location"] == f"/cycles/{cycle.pk}/planner/"
    assert cycle.phases.count() == len(Phase.values) - 1
    duplicate = client.post("/cycles/new/", {"territory": municipality.pk, "year": 2027})
    assert duplicate.status_code == 200 and duplicate.context["form"].errors
    for path in ("", "phases/", "operator/", "planner/"):
        assert client.get(f"/cycles/{cycle.pk}/{path}").status_code == 200, path
    phase = cycle.phases.get(phase=Phase.COLLECTION)
    data = {}
    for row in cycle.phases.all():
        data[f"p{row.pk}-planned_start"] = row.planned_start.isoformat()
        data[f"p{row.pk}-planned_end"] = row.planned_end.isoformat()
        data[f"p{row.pk}-responsible"] = row.responsible
    data[f"p{phase.pk}-planned_end"] = "2027-07-31"
    assert client.post(f"/cycles/{cycle.pk}/phases/", data).status_code == 302
    phase.refresh_from_db()
    assert phase.planned_end.isoformat() == "2027-07-31"
    response = client.post(f"/cycles/{cycle.pk}/operator/", {"name": "АНО «Оператор»", "basis": "contract"})
    assert response.status_code == 302 and cycle.operator.name == "АНО «Оператор»"
    client.post(f"/cycles/{cycle.pk}/operator/milestones/", {"title": "Анкетирование", "due_date": "2027-06-01"})
    assert cycle.operator.milestones.get().title == "Анкетирование"

    plan_page = client.post("/cycles/activity/", {"territory": municipality.pk, "year_from": 2027, "year_to": 2029})
    plan = ActivityPlan.objects.get(territory=municipality, year_from=2027)
    assert plan_page["Location"] == plan.get_absolute_url()
    item = plan.items.first()
    assert client.get(f"/cycles/activity/{plan.pk}/items/{item.pk}/").status_code == 200
    form = {
        "number": item.number,
        "title": item.title,
        "deadline_kind": "quarter",
        "deadline_quarter": 2,
        "deadline_year": 2027,
        "status": "in_progress",
    }
    assert client.post(f"/cycles/activity/{plan.pk}/items/{item.pk}/", form).status_code == 302
    item.refresh_from_db()
    assert (item.deadline_kind, item.deadline_quarter, item.status) == ("quarter", 2, "in_progress")
    bad = client.post(f"/cycles/activity/{plan.pk}/items/new/", {**form, "deadline_kind": "date"})
    assert bad.status_code == 200 and bad.context["form"].errors


def test_readers_get_pages_without_edit_controls(council_member, municipality, client_for):
    cycle = Cycle.objects.get(territory=municipality, year=2026)
    page = client_for(council_member).get(cycle.get_absolute_url())
    assert page.status_code == 200 and not page.context["can_manage"]
    assert client_for(council_member).post(f"/cycles/{cycle.pk}/advance/").status_code == 403
    assert (
        client_for(council_member).post("/cycles/new/", {"territory": municipality.pk, "year": 2030}).status_code == 200
    )
    assert not Cycle.objects.filter(year=2030).exists()
