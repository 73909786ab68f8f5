"""compute_cycles: a region at once gives what each cycle alone gives; one reason check, one write, bulk audit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from audit.models import AuditEntry
from cycles.models import Cycle, Phase
from lib import score_inputs as K
from lib.score_inputs import InputValue
from scoring import fastdb, services
from scoring.models import Rating, Result, ScoreInput, ScoringRun, Shortcoming
from scoring.tests.helpers import (
    WORKED_EXAMPLE_DETAILS,
    make_cycle,
    organizations_of,
    put_inputs,
    worked_example_values,
)

pytestmark = pytest.mark.django_db

RESULT_COLUMNS = ("cycle_organization_id", "code", "value", "n", "ci_low", "ci_high", "low_n", "detail", "fingerprint")


def _example(territory, year: int, count: int = 3):
    cycle = make_cycle(territory, organizations_of(territory, count), year=year)
    values = worked_example_values()
    for shift, entry in enumerate(cycle.entries.order_by("pk")):
        changed = {**values, K.COMFORT_CONDITIONS: shift + 2, K.survey_yes("recommend"): 170 + shift}
        put_inputs(cycle, entry, changed, WORKED_EXAMPLE_DETAILS)
    return cycle


def _results(cycle):
    return sorted(Result.objects.filter(cycle=cycle).values_list(*RESULT_COLUMNS))


def _ratings(cycle):
    return sorted(
        Rating.objects.filter(cycle=cycle).values_list(
            "cycle_organization_id", "code", "group", "group_key", "position", "group_size", "value"
        )
    )


def _shortcomings(cycle):
    return sorted(
        Shortcoming.objects.filter(cycle=cycle).values_list(
            "cycle_organization_id", "indicator_code", "item_code", "text", "severity", "value", "active"
        )
    )


def test_a_batch_of_cycles_gives_the_rows_of_each_cycle_computed_alone(municipality, other_municipality):
    first, second = _example(municipality, 2031), _example(other_municipality, 2032, count=4)
    for cycle in (first, second):
        services.compute_cycle(cycle, None, gather=False)
    alone = {c.pk: (_results(c), _ratings(c), _shortcomings(c)) for c in (first, second)}
    for model in (Result, Rating, Shortcoming, ScoringRun):
        model.objects.filter(cycle__in=[first, second]).delete()
    runs = services.compute_cycles([second, first], None, gather=False)
    assert [run.cycle_id for run in runs] == [second.pk, first.pk]
    assert [run.organizations for run in runs] == [4, 3]
    assert all(run.results_changed == run.organizations * 20 for run in runs)
    for cycle in (first, second):
        assert (_results(cycle), _ratings(cycle), _shortcomings(cycle)) == alone[cycle.pk]
    logged = AuditEntry.objects.filter(action="scoring.cycle.computed", data__run__in=[run.pk for run in runs])
    assert sorted(logged.values_list("target_id", flat=True)) == sorted([str(first.pk), str(second.pk)])
    territories = {str(c.pk): c.territory_id for c in (first, second)}
    assert all(entry.territory_id == territories[entry.target_id] for entry in logged)
    # again: nothing changed, each cycle says so
    again = services.compute_cycles([first, second], None, gather=False)
    assert [run.results_changed for run in again] == [0, 0]


def test_a_final_cycle_that_would_change_stops_the_whole_batch(municipality, other_municipality, admin_user):
    final, open_cycle = _example(municipality, 2031), _example(other_municipality, 2032)
    services.compute_cycles([final, open_cycle], admin_user, gather=False)
    services.finalize_cycle(admin_user, final)
    entries = list(final.entries.order_by("pk"))
    for entry in (*entries, *open_cycle.entries.all()):
        put_inputs(entry.cycle, entry, {K.COMFORT_CONDITIONS: 5})
    before = _results(open_cycle)
    with pytest.raises(services.ReasonRequired):
        services.compute_cycles([open_cycle, final], admin_user, gather=False)
    assert _results(open_cycle) == before, "nothing is written when one cycle refuses"
    services.compute_cycles([open_cycle, final], admin_user, gather=False, reason="Повторный осмотр")
    changes = AuditEntry.objects.filter(action="scoring.result.changed")
    # every organization of the final cycle changed: one entry each, the first by log_action, the others in bulk
    assert sorted(changes.values_list("organization_id", flat=True)) == sorted(e.organization_id for e in entries)
    assert {c.actor_id for c in changes} == {admin_user.pk}
    assert {c.target_type for c in changes} == {"registry.organization"}
    assert all(c.data["reason"] == "Повторный осмотр" and c.data["cycle"] == final.pk for c in changes)
    assert all(Decimal(c.after["total"]) > Decimal(c.before["total"]) for c in changes)
    assert {c.target_repr for c in changes} == {str(e.organization) for e in entries}


def test_gathering_many_cycles_asks_each_app_once_and_keeps_failures_per_cycle(
    municipality, other_municipality, monkeypatch
):
    first, second = _example(municipality, 2031), _example(other_municipality, 2032)
    asked = []

    class Many:
        @staticmethod
        def provide_many(cycles):
            asked.append([c.pk for c in cycles])
            for cycle in cycles:
                for entry in cycle.entries.all():
                    yield InputValue(entry.pk, K.COMFORT_CONDITIONS, Decimal(5), "expertise", {"missing": []})

        @staticmethod
        def provide(cycle):
            raise AssertionError("provide_many is used for several cycles")

    class FailsForOne:
        @staticmethod
        def provide_many(cycles):
            raise RuntimeError("сбой пакетного чтения")

        @staticmethod
        def provide(cycle):
            if cycle.pk == second.pk:
                raise RuntimeError("сайт недоступен")
            return [InputValue(e.pk, K.SITE_HAS_QUESTIONNAIRE, Decimal(0), "sitecheck") for e in cycle.entries.all()]

    monkeypatch.setattr(services, "provider_modules", lambda: [("expertise", Many), ("sitecheck", FailsForOne)])
    reports = services.gather_many(None, [first, second])
    assert asked == [[first.pk, second.pk]]
    assert reports[first.pk].apps == {"expertise": 3, "sitecheck": 3}
    assert reports[second.pk].apps == {"expertise": 3}
    assert not reports[first.pk].warnings
    assert any("сайт недоступен" in w for w in reports[second.pk].warnings)
    # the operator's imported comfort figure is kept; nothing else was imported for it
    assert set(ScoreInput.objects.filter(cycle=first, key=K.COMFORT_CONDITIONS).values_list("source", flat=True)) == {
        "import"
    }
    assert ScoreInput.objects.filter(cycle=first, key=K.SITE_HAS_QUESTIONNAIRE, source="sitecheck").count() == 3
    assert not ScoreInput.objects.filter(cycle=second, key=K.SITE_HAS_QUESTIONNAIRE).exists()
    assert AuditEntry.objects.filter(action="scoring.input.gathered", target_id=str(first.pk)).count() == 1


def test_changed_inputs_are_replaced_and_the_stored_state_follows(municipality):
    cycle = make_cycle(municipality, organizations_of(municipality, 3))
    entries = list(cycle.entries.order_by("pk"))
    keys = [K.survey_yes(code) for code in K.SURVEY_ITEM_CODES] + [K.survey_answered(c) for c in K.SURVEY_ITEM_CODES]
    rows = [(e.pk, key, Decimal(1), "import", {}) for e in entries for key in keys]
    services._write_inputs(None, cycle, rows)
    report = services._write_inputs(None, cycle, [(e, k, Decimal(2), s, {"n": 2}) for e, k, _v, s, _d in rows])
    assert (report.changed, report.created, report.unchanged) == (84, 0, 0)
    assert {d["n"] for d in ScoreInput.objects.filter(cycle=cycle).values_list("detail", flat=True)} == {2}
    # the same key twice in one write: the second value wins, one row
    stored = services.stored_inputs([cycle.pk])[cycle.pk]
    twice = [(entries[0].pk, keys[0], Decimal(5), "manual", {}), (entries[0].pk, keys[0], Decimal(6), "manual", {})]
    report = services._write_inputs(None, cycle, twice, stored=stored)
    assert report.changed == 2
    assert list(
        ScoreInput.objects.filter(cycle_organization=entries[0], key=keys[0]).values_list("value", "source")
    ) == [(Decimal(6), "manual")]
    assert stored[(entries[0].pk, keys[0])][1:] == [Decimal("6.0000"), "manual", {}]
    assert ScoreInput.objects.filter(cycle=cycle).count() == 84


def test_updates_in_place_through_a_temporary_table_and_row_by_row(example_shortcomings):
    rows = example_shortcomings
    threshold = fastdb.COPY_UPDATE_FROM
    for limit in (10_000, 1):  # row by row, then (on PostgreSQL) COPY into a temporary table and UPDATE … FROM
        fastdb.COPY_UPDATE_FROM = limit
        try:
            fastdb.update_rows(
                Shortcoming, ["text", "value", "active"], [(pk, f"№ {limit}", Decimal(limit), False) for pk in rows]
            )
        finally:
            fastdb.COPY_UPDATE_FROM = threshold
        assert set(Shortcoming.objects.filter(pk__in=rows).values_list("text", "value", "active")) == {
            (f"№ {limit}", Decimal(limit), False)
        }


@pytest.fixture
def example_shortcomings(municipality):
    cycle = _example(municipality, 2031)
    services.compute_cycle(cycle, None, gather=False)
    return list(Shortcoming.objects.filter(cycle=cycle).values_list("pk", flat=True))


def test_the_demo_region_recomputed_at_once_changes_nothing(admin_user):
    cycles = list(Cycle.objects.filter(entries__isnull=False, phase=Phase.COLLECTION).distinct())
    ScoringRun.objects.filter(cycle__in=cycles).delete()  # no digest to skip by: every organization is computed
    runs = services.compute_cycles(cycles, admin_user, gather=True)
    assert [run.results_changed for run in runs] == [0] * len(cycles)
