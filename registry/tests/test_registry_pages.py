"""An authority official adds, edits, searches and filters the registry; every change is audited."""

import pytest

from audit.models import AuditEntry
from audit.services import AuditOutsideTransaction, log_action
from registry.models import Organization


def _form(municipality, **overrides):
    data = {
        "full_name": "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 42»",
        "short_name": "МБОУ СОШ № 42",
        "org_type": "oo",
        "status": "active",
        "inn": "7707083893",
        "ogrn": "1027700132195",
        "territory": municipality.pk,
        "website": "https://school42.edu.ru",
        "head_name": "Петрова Анна Ивановна",
        "head_email": "school42@mail.ru",
        "contingent": "512",
    }
    data.update(overrides)
    return data


def test_official_adds_an_organization_and_the_audit_log_records_it(client_for, municipal_official, municipality):
    client = client_for(municipal_official)
    response = client.post("/registry/new/", _form(municipality))
    org = Organization.objects.get(inn="7707083893")
    assert response["Location"] == f"/registry/{org.pk}/"
    entry = AuditEntry.objects.get(action="registry.organization.created", target_id=str(org.pk))
    assert entry.actor == municipal_official and entry.after["contingent"] == 512
    assert entry.organization_id == org.pk


def test_bad_identifiers_are_refused_with_field_messages(client_for, municipal_official, municipality):
    client = client_for(municipal_official)
    response = client.post("/registry/new/", _form(municipality, inn="7707083894", ogrn="123", website="not a url"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "контрольная цифра" in errors["inn"][0]
    assert set(errors) == {"inn", "ogrn", "website"}
    assert not Organization.objects.filter(inn="7707083894").exists()


def test_official_cannot_place_an_organization_in_another_municipality(
    client_for, municipal_official, other_municipality
):
    response = client_for(municipal_official).post("/registry/new/", _form(other_municipality))
    assert response.status_code == 200
    assert "territory" in response.context["form"].errors


def test_edit_writes_before_and_after(client_for, municipal_official, municipality):
    org = Organization.objects.filter(territory=municipality, parent__isnull=True).first()
    client = client_for(municipal_official)
    page = client.get(f"/registry/{org.pk}/edit/")
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(contingent=777, territory=municipality.pk)
    data.pop("parent", None)
    response = client.post(f"/registry/{org.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    entry = AuditEntry.objects.get(action="registry.organization.updated", target_id=str(org.pk))
    assert entry.before == {"contingent": org.contingent} and entry.after == {"contingent": 777}
    history = client.get(f"/registry/{org.pk}/").content.decode()
    assert "777" in history


def test_search_is_case_and_yo_insensitive_on_cyrillic(client_for, regional_official):
    org = Organization.objects.filter(short_name__contains="«").first()
    word = org.short_name.split("«")[1].split()[0].upper().replace("Е", "Ё")
    response = client_for(regional_official).get("/registry/", {"q": word})
    assert org.pk in {o.pk for o in response.context["page"]}


def test_filters_combine(client_for, regional_official, municipality):
    response = client_for(regional_official).get("/registry/", {"territory": municipality.pk, "org_type": "doo"})
    expected = Organization.objects.filter(territory=municipality, org_type="doo").count()
    assert response.context["total"] == expected > 0


def test_htmx_request_returns_only_the_table(client_for, regional_official):
    response = client_for(regional_official).get("/registry/", {"q": "школа"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<table" in body and "<html" not in body


def test_log_action_refuses_to_run_outside_a_transaction(municipal_official, django_db_blocker):
    org = Organization.objects.first()
    from django.db import connection

    # pytest-django wraps the test in atomic(); step outside it to prove the guard works
    connection.in_atomic_block, saved = False, connection.in_atomic_block
    try:
        with pytest.raises(AuditOutsideTransaction):
            log_action(municipal_official, "registry.organization.updated", org)
    finally:
        connection.in_atomic_block = saved


def test_audit_log_page_is_scoped_and_filterable(
    client_for, municipal_official, regional_official, municipality, other_municipality
):
    mine = Organization.objects.filter(territory=municipality).first()
    theirs = Organization.objects.filter(territory=other_municipality).first()
    from registry.services import update_organization

    update_organization(regional_official, mine, {"contingent": 11})
    update_organization(regional_official, theirs, {"contingent": 12})
    response = client_for(municipal_official).get("/audit/", {"action": "registry.organization.updated"})
    targets = {e.target_id for e in response.context["page"]}
    assert str(mine.pk) in targets and str(theirs.pk) not in targets


def test_school_staff_has_no_audit_page(client_for, school_staff):
    assert client_for(school_staff).get("/audit/").status_code == 403


def test_admin_site_works_for_the_administrator(client_for, admin_user):
    client = client_for(admin_user)
    assert client.get("/admin/registry/organization/").status_code == 200
    assert client.get("/admin/accounts/membership/").status_code == 200
