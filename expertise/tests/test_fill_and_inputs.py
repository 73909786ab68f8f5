"""Filling a checklist and the numbers it gives scoring (lib/score_inputs.py keys)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from expertise import services
from expertise.choices import Mark, ResultStatus
from expertise.models import ChecklistResult
from expertise.score_inputs import provide
from expertise.tests.conftest import fill_all
from lib import score_inputs as keys
from registry.models import Organization


def _inputs(cycle, entry):
    return {v.key: v for v in provide(cycle) if v.cycle_organization_id == entry.pk}


def test_the_shipped_checklist_gives_each_type_its_items(db):
    checklist = services.get_checklist("114-v1")
    codes = {t: {i.code for i in checklist.items_for(t)} for t in ("doo", "oo", "spo", "do")}
    assert "stand.accreditation" in codes["oo"] and "stand.accreditation" not in codes["doo"]
    assert "stand.admission_exams" in codes["spo"] and "stand.admission_exams" not in codes["oo"]
    for org_type in codes:
        comfort = [c for c in codes[org_type] if c.startswith("comfort.")]
        premises = [c for c in codes[org_type] if c.startswith("premises.")]
        service = [c for c in codes[org_type] if c.startswith("service.")]
        assert (len(comfort), len(premises), len(service)) == (5, 5, 5)


def test_operator_fills_and_submits_and_scoring_gets_the_counts(operator_user, fresh_cycle, fresh_entry):
    result = services.start_result(operator_user, fresh_entry)
    assert result.checklist.code == fresh_cycle.checklist_version == "114-v1"
    assert not list(provide(fresh_cycle)), "a draft gives scoring nothing"
    with pytest.raises(ValidationError, match="Не отмечено пунктов"):
        services.submit_result(operator_user, result)
    fill_all(
        operator_user,
        result,
        overrides={
            "stand.paid_services": Mark.NA,
            "stand.head": Mark.NO,
            "comfort.waiting_zone_furnished": Mark.NO,
            "premises.disabled_parking": Mark.NO,
            "premises.replacement_wheelchairs": Mark.NO,
            "premises.adapted_sanitary_rooms": Mark.NO,
            "service.braille_duplication": Mark.NO,
        },
    )
    services.submit_result(operator_user, result)
    stand_total = len(
        [i for i in result.checklist.items_for(fresh_entry.organization.org_type) if i.section == "stand"]
    )
    got = _inputs(fresh_cycle, fresh_entry)
    assert got[keys.STAND_ITEMS_REQUIRED].value == stand_total - 1  # paid services "не применимо"
    assert got[keys.STAND_ITEMS_PRESENT].value == stand_total - 2
    assert got[keys.COMFORT_CONDITIONS].value == 4
    assert got[keys.ACCESS_PREMISES_CONDITIONS].value == 2
    assert got[keys.ACCESS_SERVICE_CONDITIONS].value == 4
    assert all(v.source == "expertise" and isinstance(v.value, Decimal) for v in got.values())
    missing = got[keys.ACCESS_PREMISES_CONDITIONS].detail["missing"]
    assert [m["code"] for m in missing] == [
        "premises.disabled_parking",
        "premises.replacement_wheelchairs",
        "premises.adapted_sanitary_rooms",
    ]
    assert all(set(m) >= {"code", "label", "legal_basis"} and m["legal_basis"] for m in missing)
    assert got[keys.STAND_ITEMS_PRESENT].detail["missing"][0]["code"] == "stand.head"
    assert AuditEntry.objects.filter(action="expertise.result.submitted", target_id=str(result.pk)).exists()
    assert AuditEntry.objects.filter(action="expertise.mark.changed", target_id=str(result.pk)).exists()


def test_submitted_checklist_is_locked_until_reopened(operator_user, fresh_entry):
    result = services.start_result(operator_user, fresh_entry)
    fill_all(operator_user, result)
    services.submit_result(operator_user, result)
    item = result.marks.first().item_id
    with pytest.raises(ValidationError, match="уже отправлен"):
        services.save_marks(operator_user, result, {item: (Mark.NO, None)})
    services.reopen_result(operator_user, result)
    services.save_marks(operator_user, result, {item: (Mark.NO, "исправлено")})
    assert result.marks.get(item_id=item).value == Mark.NO


def test_not_applicable_is_refused_where_the_item_does_not_allow_it(operator_user, fresh_entry):
    result = services.start_result(operator_user, fresh_entry)
    mark = result.marks.select_related("item").get(item__code="comfort.drinking_water")
    with pytest.raises(ValidationError, match="не применимо"):
        services.save_marks(operator_user, result, {mark.item_id: (Mark.NA, None)})
    with pytest.raises(ValidationError, match="недопустимая отметка"):
        services.save_marks(operator_user, result, {mark.item_id: ("maybe", None)})


def _worked_example_version():
    """Methodology §11: 10 stand items; a version of its own, bound to the cycle by its code."""
    items = [
        {"code": f"stand.s{n}", "section": "stand", "label": f"Сведение {n}", "legal_basis": "ст. 29 273-ФЗ"}
        for n in range(1, 11)
    ]
    base = services.get_checklist("114-v1")
    items += [
        {"code": i.code, "section": i.section, "label": i.label, "legal_basis": i.legal_basis}
        for i in base.items.exclude(section="stand")
    ]
    return services.load_checklist({"code": "test-11", "title": "Пример §11", "items": items})


def test_worked_example_of_the_methodology(operator_user, fresh_cycle, fresh_entry):
    _worked_example_version()
    fresh_cycle.checklist_version = "test-11"
    fresh_cycle.save()
    result = services.start_result(operator_user, fresh_entry)
    fill_all(
        operator_user,
        result,
        overrides={
            "stand.s7": Mark.NO,  # 9 of 10
            "comfort.waiting_zone_furnished": Mark.NO,  # 4 of 5
            "premises.disabled_parking": Mark.NO,  # ramp + handrails: 2 of 5
            "premises.replacement_wheelchairs": Mark.NO,
            "premises.adapted_sanitary_rooms": Mark.NO,
            "service.braille_duplication": Mark.NO,  # 3 of the 5 expert items (+ BVI site version = 4 of 6)
            "service.sign_language_interpreter": Mark.NO,
        },
    )
    services.submit_result(operator_user, result)
    got = _inputs(fresh_cycle, fresh_entry)
    assert (got[keys.STAND_ITEMS_REQUIRED].value, got[keys.STAND_ITEMS_PRESENT].value) == (10, 9)
    assert got[keys.COMFORT_CONDITIONS].value == 4
    assert got[keys.ACCESS_PREMISES_CONDITIONS].value == 2
    assert got[keys.ACCESS_SERVICE_CONDITIONS].value == 3
    assert got[keys.COMFORT_CONDITIONS].detail["missing"][0]["label"].startswith("Наличие комфортной зоны")


def test_a_version_in_use_is_never_changed(operator_user, fresh_entry):
    services.start_result(operator_user, fresh_entry)
    definition = services.shipped_definition("114-v1")
    assert services.load_checklist(definition).code == "114-v1"  # identical: nothing to do
    definition["items"] = definition["items"][:-1]
    with pytest.raises(ValidationError, match="уже использована"):
        services.load_checklist(definition)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [("all", 2), ("main", 4), ("any", 5)],
)
def test_branch_aggregation_follows_the_cycle_rule(operator_user, fresh_cycle, fresh_entry, rule, expected):
    org = fresh_entry.organization
    branch = Organization.objects.create(
        full_name=f"Филиал {org.full_name}",
        short_name=f"Филиал {org.short_name}",
        inn="2500000017",
        org_type=org.org_type,
        territory=org.territory,
        parent=org,
    )
    main = services.start_result(operator_user, fresh_entry)
    other = services.start_result(operator_user, fresh_entry, building=branch)
    assert other.building == branch and ChecklistResult.objects.filter(cycle_organization=fresh_entry).count() == 2
    fill_all(operator_user, main, overrides={"comfort.drinking_water": Mark.NO})
    fill_all(
        operator_user,
        other,
        overrides={"comfort.navigation": Mark.NO, "comfort.sanitary_state": Mark.NO},
    )
    services.submit_result(operator_user, main)
    services.submit_result(operator_user, other)
    services.set_branch_rule(operator_user, fresh_cycle, rule)
    got = _inputs(fresh_cycle, fresh_entry)
    assert got[keys.COMFORT_CONDITIONS].value == expected
    assert got[keys.COMFORT_CONDITIONS].detail["buildings"] == 2
    assert got[keys.COMFORT_CONDITIONS].detail["branch_rule"] == rule


def test_a_branch_of_another_organization_is_refused(operator_user, fresh_cycle):
    entries = list(fresh_cycle.entries.select_related("organization").order_by("pk")[:2])
    stranger = Organization.objects.create(
        full_name="Филиал чужой школы",
        inn="2500000024",
        org_type="oo",
        territory=entries[1].organization.territory,
        parent=entries[1].organization,
    )
    with pytest.raises(ValidationError, match="не является филиалом"):
        services.start_result(operator_user, entries[0], building=stranger)


def test_demo_inputs_cover_the_submitted_checklists_of_a_current_cycle(db):
    from cycles.models import Cycle

    cycle = Cycle.objects.filter(year=2026, expertise_settings__reply_opens_at__isnull=False).get()
    submitted = ChecklistResult.objects.filter(
        cycle_organization__cycle=cycle, status=ResultStatus.SUBMITTED
    ).values_list("cycle_organization_id", flat=True)
    values = list(provide(cycle))
    assert {v.cycle_organization_id for v in values} == set(submitted)
    assert len(values) == 5 * len(set(submitted))
    by_org = {}
    for value in values:
        by_org.setdefault(value.cycle_organization_id, {})[value.key] = value
    for got in by_org.values():
        required, present = got[keys.STAND_ITEMS_REQUIRED], got[keys.STAND_ITEMS_PRESENT]
        assert present.value == required.value - len(present.detail["missing"])
        for key in (keys.COMFORT_CONDITIONS, keys.ACCESS_PREMISES_CONDITIONS, keys.ACCESS_SERVICE_CONDITIONS):
            assert got[key].value == got[key].detail["items"] - len(got[key].detail["missing"])
            assert 0 <= got[key].value <= 5


def test_provide_many_gives_for_every_cycle_what_count_cycle_counts(db, django_assert_max_num_queries):
    from cycles.models import Cycle
    from expertise.aggregate import count_cycle
    from expertise.choices import Section
    from expertise.score_inputs import CONDITION_KEYS, provide_many

    cycles = list(Cycle.objects.filter(entries__isnull=False).distinct().order_by("pk"))
    with django_assert_max_num_queries(10):  # a handful of queries for all the cycles, not some per cycle
        values = list(provide_many(cycles))
    got = {(v.cycle_organization_id, v.key): v for v in values}
    expected = 0
    for cycle in cycles:
        rule = services.settings_for(cycle).effective_branch_rule
        for entry, counts in count_cycle(cycle, rule=rule).items():
            stand = counts.final["stand"]
            assert got[(entry, keys.STAND_ITEMS_REQUIRED)].value == stand.applicable
            assert got[(entry, keys.STAND_ITEMS_PRESENT)].value == stand.present
            assert got[(entry, keys.STAND_ITEMS_PRESENT)].detail["missing"] == stand.missing
            assert got[(entry, keys.STAND_ITEMS_PRESENT)].detail["branch_rule"] == rule
            for section, key in CONDITION_KEYS.items():
                final, preliminary = counts.final[Section(section)], counts.preliminary[Section(section)]
                assert got[(entry, key)].value == final.present
                assert got[(entry, key)].detail["missing"] == final.missing
                assert got[(entry, key)].detail["not_applicable"] == final.not_applicable
                assert got[(entry, key)].detail["preliminary"] == preliminary.present
            expected += 5
    assert expected and len(values) == expected
    per_cycle = sorted((v.cycle_organization_id, v.key, v.value) for c in cycles for v in provide(c))
    assert per_cycle == sorted((v.cycle_organization_id, v.key, v.value) for v in values)
