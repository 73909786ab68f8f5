"""Small fixtures for scoring tests: a fresh cycle in a demo municipality, the worked example's inputs."""

from __future__ import annotations

from decimal import Decimal

from cycles.models import Cycle, CycleOrganization, Phase
from lib import score_inputs as K
from registry.models import Organization
from scoring.services import _write_inputs


def make_cycle(territory, organizations, year: int = 2031, phase: str = Phase.COLLECTION) -> Cycle:
    cycle = Cycle.objects.create(territory=territory, year=year, title=f"Тест {year}", phase=phase)
    CycleOrganization.objects.bulk_create([CycleOrganization(cycle=cycle, organization=o) for o in organizations])
    return cycle


def organizations_of(territory, count: int) -> list[Organization]:
    return list(Organization.objects.filter(territory=territory, parent__isnull=True).order_by("pk")[:count])


SURVEY_EXAMPLE = [
    ("info_stand_used", 120, 200),
    ("info_stand_satisfied", 114, 120),
    ("info_site_used", 150, 200),
    ("info_site_satisfied", 141, 150),
    ("comfort_satisfied", 184, 200),
    ("disability", 8, 200),
    ("accessibility_satisfied", 6, 8),
    ("first_contact_polite", 190, 200),
    ("service_staff_polite", 194, 200),
    ("remote_used", 90, 200),
    ("remote_polite", 87, 90),
    ("recommend", 176, 200),
    ("org_conditions_satisfied", 186, 200),
    ("overall_satisfied", 188, 200),
]


def worked_example_values() -> dict[str, int]:
    """methodology.md §11: МБОУ СОШ № 1."""
    values = {
        K.STAND_ITEMS_REQUIRED: 10,
        K.STAND_ITEMS_PRESENT: 9,
        K.SITE_ITEMS_REQUIRED: 50,
        K.SITE_ITEMS_PRESENT: 46,
        K.SITE_REMOTE_CHANNELS: 3,
        K.COMFORT_CONDITIONS: 4,
        K.ACCESS_PREMISES_CONDITIONS: 2,
        K.ACCESS_SERVICE_CONDITIONS: 3,
        K.SITE_BVI: 1,
        K.SURVEY_RESPONDENTS: 200,
    }
    for code, yes, answered in SURVEY_EXAMPLE:
        values[K.survey_yes(code)] = yes
        values[K.survey_answered(code)] = answered
    return values


WORKED_EXAMPLE_DETAILS = {
    K.COMFORT_CONDITIONS: {
        "missing": [{"code": "waiting_zone", "label": "наличие комфортной зоны отдыха (ожидания)", "legal_basis": ""}]
    },
    K.ACCESS_PREMISES_CONDITIONS: {
        "missing": [
            {"code": "disabled_parking", "label": "наличие выделенных стоянок", "legal_basis": ""},
            {"code": "replacement_wheelchairs", "label": "наличие сменных кресел-колясок", "legal_basis": ""},
            {"code": "adapted_sanitary_rooms", "label": "санитарно-гигиенические помещения", "legal_basis": ""},
        ]
    },
    K.SITE_REMOTE_CHANNELS: {
        "missing": [
            {"code": "e_services", "label": "электронные сервисы", "legal_basis": ""},
            {"code": "faq", "label": "раздел «Часто задаваемые вопросы»", "legal_basis": ""},
        ]
    },
}


def put_inputs(cycle, entry, values: dict, details: dict | None = None, source: str = "import") -> None:
    details = details or {}
    rows = [(entry.pk, key, Decimal(value), source, details.get(key, {})) for key, value in values.items()]
    _write_inputs(None, cycle, rows)
