"""The register of responsible officials: who is missing, appointment, import, audit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from busgov import monitoring, services
from busgov.choices import Duty, ImportKind
from busgov.models import ResponsibleOfficial
from busgov.tests.conftest import read_fixture
from registry.choices import OrgStatus
from registry.models import Organization

DAY = datetime.date(2026, 6, 1)


def test_missing_list_is_counted_from_data(regional_official, region):
    register = monitoring.officials_register(regional_official, DAY)
    orgs = Organization.objects.filter(parent__isnull=True).exclude(status=OrgStatus.LIQUIDATED)
    covered = set(
        ResponsibleOfficial.objects.active_on(DAY)
        .filter(organization__isnull=False)
        .values_list("organization_id", flat=True)
    )
    expected = {o.pk for o in orgs if o.pk not in covered}
    assert {m["organization"].pk for m in register["missing_organizations"]} == expected
    assert 0 < len(expected) < orgs.count()
    # one municipality of the demo has not appointed anyone to monitor reviews
    lacking = [a for a in register["authorities"] if a["uncovered"]]
    assert [a["uncovered"] for a in lacking] == [[Duty.MONITORING]]
    assert lacking[0]["due"] == datetime.date(2026, 3, 30) and lacking[0]["late"]


def test_appointing_removes_organization_from_missing(municipal_official, municipality):
    register = monitoring.officials_register(municipal_official, DAY)
    org = register["missing_organizations"][0]["organization"]
    assert org.territory_id == municipality.pk
    official = services.save_official(
        municipal_official,
        {
            "organization": org,
            "full_name": "Иванова Мария Петровна",
            "position": "заместитель директора",
            "duties": [Duty.MONITORING],
            "order_number": "12-о",
            "order_date": datetime.date(2026, 1, 20),
            "period_start": datetime.date(2026, 1, 21),
        },
    )
    after = monitoring.officials_register(municipal_official, DAY)
    assert org.pk not in {m["organization"].pk for m in after["missing_organizations"]}
    by_duty = monitoring.officials_register(municipal_official, DAY, duty=Duty.PLACEMENT)
    assert org.pk in {m["organization"].pk for m in by_duty["missing_organizations"]}
    entry = AuditEntry.objects.get(action="busgov.official.created", target_id=str(official.pk))
    assert entry.organization_id == org.pk and entry.after["full_name"] == "Иванова Мария Петровна"
    # before the period starts, the organization is still missing
    before = monitoring.officials_register(municipal_official, datetime.date(2026, 1, 10))
    assert org.pk in {m["organization"].pk for m in before["missing_organizations"]}


def test_validation_and_scope(municipal_official, other_municipality, school_staff, school):
    foreign = Organization.objects.filter(territory=other_municipality).first()
    with pytest.raises(PermissionDenied):
        services.save_official(
            municipal_official,
            {"organization": foreign, "full_name": "А Б В", "position": "директор", "duties": [Duty.INFORMING]},
        )
    with pytest.raises(ValidationError) as exc:
        services.save_official(
            school_staff,
            {
                "organization": school,
                "full_name": "А Б В",
                "position": "",
                "duties": [],
                "period_start": datetime.date(2026, 5, 1),
                "period_end": datetime.date(2026, 4, 1),
            },
        )
    assert set(exc.value.message_dict) == {"position", "duties", "period_end"}
    own = services.save_official(
        school_staff, {"organization": school, "full_name": "А Б В", "position": "учитель", "duties": ["monitoring"]}
    )
    assert own.pk and ResponsibleOfficial.objects.visible_to(school_staff).filter(pk=own.pk).exists()
    assert not ResponsibleOfficial.objects.visible_to(school_staff).filter(organization__isnull=True).exists()


def test_an_unknown_organization_or_territory_is_named_not_crashed_on(client_for, admin_user):
    unknown = (Organization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    person = {"full_name": "А Б В", "position": "директор", "duties": [Duty.INFORMING]}
    with pytest.raises(ValidationError) as exc:
        services.save_official(admin_user, {**person, "organization": unknown})
    assert exc.value.message_dict == {"organization": [f"Нет организации с номером {unknown}."]}
    with pytest.raises(ValidationError) as exc:
        services.save_official(admin_user, {**person, "territory": unknown})
    assert set(exc.value.message_dict) == {"territory"}
    payload = {"organization_id": unknown, "territory_id": None, **person, "duties": ["informing"]}
    response = client_for(admin_user).post("/api/busgov/officials", payload, content_type="application/json")
    assert response.status_code == 400 and str(unknown) in response.json()["detail"]
    assert not ResponsibleOfficial.objects.filter(full_name="А Б В").exists()


def test_import_officials_file(municipal_official, sample_orgs):
    batch = services.prepare_import(municipal_official, ImportKind.OFFICIALS, read_fixture("officials.csv"), "o.csv")
    assert batch.errors == [] and batch.summary == {"new": 2, "updated": 0}
    assert services.apply_import(municipal_official, batch) == {"created": 2, "updated": 0, "unchanged": 0}
    mironova = ResponsibleOfficial.objects.get(organization=sample_orgs["a"])
    assert sorted(mironova.duties) == sorted(Duty.values) and mironova.period_end == datetime.date(2026, 12, 31)
    lebedeva = ResponsibleOfficial.objects.get(organization=sample_orgs["b"])
    assert lebedeva.duties == [Duty.INFORMING, Duty.MONITORING]
    again = services.prepare_import(municipal_official, ImportKind.OFFICIALS, read_fixture("officials.csv"), "o.csv")
    assert services.apply_import(municipal_official, again) == {"created": 0, "updated": 0, "unchanged": 2}
    bad = "ИНН организации;ФИО;Должность;Обязанности\n2700000017;Петров П.П.;директор;руководство\n"
    batch = services.prepare_import(municipal_official, ImportKind.OFFICIALS, bad.encode(), "bad.csv")
    assert batch.errors == [
        {
            "row": 2,
            "column": "D «Обязанности»",
            "value": "руководство",
            "message": "неизвестная обязанность «руководство»",
        }
    ]


def test_register_page(client_for, municipal_official):
    response = client_for(municipal_official).get("/busgov/officials/")
    assert response.status_code == 200
    count = len(monitoring.officials_register(municipal_official, services.today_for())["missing_organizations"])
    assert f'data-testid="missing-count">{count}<' in response.content.decode()


def test_template_filled_in_excel_is_imported(client_for, municipal_official, sample_orgs):
    import io

    import openpyxl

    template = client_for(municipal_official).get("/busgov/officials/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    row = dict.fromkeys(headers, None)
    row.update(
        {
            "ИНН организации": "2700000031",
            "ФИО": "Орлова Нина Ивановна",
            "Должность": "методист",
            "Обязанности": "все",
            "Дата приказа": datetime.datetime(2026, 2, 2),
        }
    )
    sheet.append([row[h] for h in headers])
    out = io.BytesIO()
    book.save(out)
    batch = services.prepare_import(municipal_official, ImportKind.OFFICIALS, out.getvalue(), "filled.xlsx")
    assert batch.errors == []
    services.apply_import(municipal_official, batch)
    official = ResponsibleOfficial.objects.get(organization=sample_orgs["c"])
    assert official.order_date == datetime.date(2026, 2, 2) and len(official.duties) == 5
