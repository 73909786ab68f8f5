"""compute_cycle on the database: the worked example, idempotence, approval, shortcomings, ratings, jobs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from audit.models import AuditEntry
from cycles.models import Cycle, Phase
from lib import score_inputs as K
from scoring import services
from scoring.choices import RatingGroup, ResultStatus
from scoring.models import Rating, Result, ScoreInput, ScoringRun, Shortcoming
from scoring.tests.helpers import (
    WORKED_EXAMPLE_DETAILS,
    make_cycle,
    organizations_of,
    put_inputs,
    worked_example_values,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def example_cycle(municipality):
    orgs = organizations_of(municipality, 3)
    cycle = make_cycle(municipality, orgs)
    entries = list(cycle.entries.order_by("pk"))
    put_inputs(cycle, entries[0], worked_example_values(), WORKED_EXAMPLE_DETAILS)
    return cycle, entries


def values_of(entry) -> dict[str, Decimal]:
    return dict(Result.objects.filter(cycle_organization=entry).values_list("code", "value"))


def test_worked_example_is_reproduced_and_stored_with_n_and_interval(example_cycle):
    cycle, entries = example_cycle
    run = services.compute_cycle(cycle, None, gather=False)
    values = values_of(entries[0])
    assert values["1.1"] == Decimal("91.0000")
    assert values["1.3"] == Decimal("94.5000")
    assert values["K1"] == Decimal("92.1000")
    assert values["K3"] == Decimal("66.5000")
    assert abs(values["K4"] - Decimal("96.1333")) < Decimal("0.0001")
    assert abs(values["S"] - Decimal("86.55")) <= Decimal("0.01")
    r33 = Result.objects.get(cycle_organization=entries[0], code="3.3")
    assert r33.n == 8 and r33.low_n
    assert r33.ci_low < r33.value < r33.ci_high
    assert r33.methodology_version == cycle.methodology_version == "344n-114-v1"
    assert r33.status == ResultStatus.PRELIMINARY
    assert not Result.objects.get(cycle_organization=entries[0], code="4.1").low_n
    # the other two organizations have no inputs: nothing computable, and the run says so
    assert values_of(entries[1])["S"] is None
    assert any("comfort.conditions" in w and "у 2 организаций" in w for w in run.warnings)


def test_recomputation_is_idempotent(example_cycle):
    cycle, _entries = example_cycle
    first = services.compute_cycle(cycle, None, gather=False)
    pks = set(Result.objects.filter(cycle=cycle).values_list("pk", flat=True))
    shortcomings = set(Shortcoming.objects.filter(cycle=cycle).values_list("pk", "updated_at"))
    second = services.compute_cycle(cycle, None, gather=False)
    assert first.results_changed > 0
    assert second.results_changed == 0
    assert set(Result.objects.filter(cycle=cycle).values_list("pk", flat=True)) == pks
    assert set(Shortcoming.objects.filter(cycle=cycle).values_list("pk", "updated_at")) == shortcomings


def test_changes_after_approval_need_a_reason_and_are_audited(example_cycle, municipal_official):
    cycle, entries = example_cycle
    services.compute_cycle(cycle, municipal_official, gather=False)
    services.finalize_cycle(municipal_official, cycle)
    assert set(Result.objects.filter(cycle=cycle).values_list("status", flat=True)) == {ResultStatus.FINAL}
    with pytest.raises(services.ReasonRequired):
        services.set_input(municipal_official, entries[0], K.COMFORT_CONDITIONS, 5)
    services.set_input(municipal_official, entries[0], K.COMFORT_CONDITIONS, 5, reason="Акт повторного осмотра")
    with pytest.raises(services.ReasonRequired):
        services.compute_cycle(cycle, municipal_official, gather=False)
    assert values_of(entries[0])["2.1"] == Decimal("80.0000")  # nothing written by the refused run
    services.compute_cycle(cycle, municipal_official, gather=False, reason="Акт повторного осмотра")
    assert values_of(entries[0])["2.1"] == Decimal("100.0000")
    assert Result.objects.get(cycle_organization=entries[0], code="2.1").status == ResultStatus.FINAL
    change = AuditEntry.objects.filter(action="scoring.result.changed").latest("pk")
    assert change.data["reason"] == "Акт повторного осмотра"
    assert Decimal(change.before["K2"]) == Decimal("86.0000") and Decimal(change.after["K2"]) == Decimal("96.0000")
    assert AuditEntry.objects.filter(action="scoring.input.changed", organization=entries[0].organization).exists()


def test_shortcomings_list_every_failed_item_and_survive_recomputation(example_cycle):
    cycle, entries = example_cycle
    services.compute_cycle(cycle, None, gather=False)
    active = Shortcoming.objects.filter(cycle_organization=entries[0]).active()
    items = set(active.values_list("indicator_code", "item_code"))
    # every missing condition, including the last item of each block
    assert ("3.1", "access.premises_conditions:adapted_sanitary_rooms") in items
    assert ("3.1", "access.premises_conditions:disabled_parking") in items
    assert ("1.2", "site.remote_channels:faq") in items
    assert ("2.1", "comfort.conditions:waiting_zone") in items
    # counts without a list still give one shortcoming each (1 stand item, 4 site items)
    texts = dict(active.filter(kind="items_count").values_list("item_code", "text"))
    assert "1 из 10" in texts[K.STAND_ITEMS_PRESENT]
    assert "4 из 50" in texts[K.SITE_ITEMS_PRESENT]
    # low shares: 3.3 is 75 %, below the 80 % threshold
    low = active.get(kind="low_share", indicator_code="3.3")
    assert low.criterion_code == "K3" and "75" in low.text
    assert all(s.legal_basis for s in active)
    # the waiting zone gets furnished: the shortcoming is retired, not deleted
    waiting = active.get(item_code="comfort.conditions:waiting_zone")
    put_inputs(cycle, entries[0], {K.COMFORT_CONDITIONS: 5}, {K.COMFORT_CONDITIONS: {"missing": []}})
    services.compute_cycle(cycle, None, gather=False)
    waiting.refresh_from_db()
    assert waiting.active is False
    assert not Shortcoming.objects.filter(cycle_organization=entries[0], indicator_code="2.1").active().exists()


def test_ratings_share_places_on_equal_scores(municipality, admin_user):
    orgs = organizations_of(municipality, 4)
    cycle = make_cycle(municipality, orgs)
    entries = list(cycle.entries.order_by("pk"))
    values = worked_example_values()
    for index, entry in enumerate(entries):
        changed = dict(values)
        if index == 3:
            changed[K.COMFORT_CONDITIONS] = 1  # clearly the weakest
        if index == 0:
            changed[K.COMFORT_CONDITIONS] = 5  # clearly the best
        put_inputs(cycle, entry, changed)
    services.compute_cycle(cycle, None, gather=False)
    places = dict(
        Rating.objects.filter(cycle=cycle, code="S", group=RatingGroup.CYCLE).values_list(
            "cycle_organization_id", "position"
        )
    )
    assert places == {entries[0].pk: 1, entries[1].pk: 2, entries[2].pk: 2, entries[3].pk: 4}
    assert Rating.objects.filter(cycle=cycle, code="S", group=RatingGroup.ORG_TYPE).exists()
    ratings = list(services.rating_rows(admin_user, cycle))
    leaders, worst = services.leaders_and_worst(ratings, top=1)
    assert [r.cycle_organization_id for r in leaders] == [entries[0].pk]
    assert [r.cycle_organization_id for r in worst] == [entries[3].pk]
    leaders, worst = services.leaders_and_worst(ratings, top=2)
    assert {r.cycle_organization_id for r in leaders} == {entries[0].pk, entries[1].pk, entries[2].pk}


def test_gathering_tolerates_missing_and_broken_providers_and_keeps_operator_figures(example_cycle, monkeypatch):
    from lib.score_inputs import InputValue

    cycle, entries = example_cycle

    class Good:
        @staticmethod
        def provide(c):
            yield InputValue(entries[1].pk, K.COMFORT_CONDITIONS, Decimal(3), "expertise", {"missing": []})
            yield InputValue(entries[0].pk, K.COMFORT_CONDITIONS, Decimal(1), "expertise")  # imported: kept
            yield InputValue(entries[1].pk, "no.such.key", Decimal(1), "expertise")

    class Broken:
        @staticmethod
        def provide(c):
            raise RuntimeError("база недоступна")

    monkeypatch.setattr(services, "provider_modules", lambda: [("expertise", Good), ("surveys", Broken)])
    report = services.gather_inputs(None, cycle)
    assert report.apps == {"expertise": 3}
    assert any("surveys" in w and "база недоступна" in w for w in report.warnings)
    assert any("no.such.key" in w for w in report.warnings)
    assert ScoreInput.objects.get(cycle_organization=entries[1], key=K.COMFORT_CONDITIONS).value == 3
    kept = ScoreInput.objects.get(cycle_organization=entries[0], key=K.COMFORT_CONDITIONS)
    assert kept.value == 4 and kept.source == "import"
    assert report.write.kept_operator == 1


def test_provider_modules_skips_apps_without_score_inputs():
    found = dict(services.provider_modules())
    for app, module in found.items():
        assert app in services.PROVIDER_APPS
        assert callable(module.provide)


def test_recompute_runs_as_a_job(example_cycle, operator_user):
    from jobs.models import Job

    cycle, _entries = example_cycle
    job = services.start_recompute(operator_user, cycle, gather=False)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert job.result["organizations"] == 3
    assert ScoringRun.objects.filter(cycle=cycle, started_by=operator_user).exists()
    assert AuditEntry.objects.filter(action="scoring.cycle.computed", actor=operator_user).exists()


def test_demo_results_exist_final_for_closed_and_preliminary_for_current_cycles():
    closed = Cycle.objects.filter(phase=Phase.CLOSED, entries__isnull=False).distinct()
    current = Cycle.objects.filter(phase=Phase.COLLECTION, entries__isnull=False).distinct()
    assert closed.exists() and current.exists()
    for cycle in closed:
        totals = Result.objects.filter(cycle=cycle, code="S")
        assert totals.count() == cycle.entries.included().count()
        assert set(totals.values_list("status", flat=True)) == {ResultStatus.FINAL}
    for cycle in current:
        assert set(Result.objects.filter(cycle=cycle, code="S").values_list("status", flat=True)) == {
            ResultStatus.PRELIMINARY
        }
    values = [v for v in Result.objects.filter(code="S").values_list("value", flat=True)]
    assert all(v is not None and 0 <= v <= 100 for v in values)
    assert Shortcoming.objects.active().exists()
    assert Result.objects.published().exists()


def test_aggregates_are_plain_means_with_n(municipality, other_municipality):
    """§4: unweighted mean of the organizations' totals, checked against the Усть-Коксинский example."""
    cycle = make_cycle(municipality, organizations_of(municipality, 5))
    methodology = services.methodology_for(cycle)
    totals = ["93.1", "90.2", "88.08", "88.04", "85.38"]
    for entry, total in zip(cycle.entries.order_by("pk"), totals, strict=True):
        Result.objects.create(
            cycle=cycle,
            cycle_organization=entry,
            methodology=methodology,
            methodology_version=methodology.code,
            level="total",
            code="S",
            value=Decimal(total),
        )
    results = Result.objects.filter(cycle=cycle)
    [group] = services.aggregates(None, results, by="territory")
    assert group["n"] == 5
    assert abs(group["values"]["S"]["mean"] - Decimal("88.96")) < Decimal("0.01")
    assert group["label"] == municipality.name


def test_worst_list_keeps_a_tie_at_the_bottom_together():
    ratings = [
        Rating(position=p, group_size=5, value=Decimal(v)) for p, v in [(1, 99), (2, 90), (3, 80), (4, 70), (4, 70)]
    ]
    leaders, worst = services.leaders_and_worst(ratings, top=1)
    assert [r.position for r in leaders] == [1]
    assert [r.position for r in worst] == [4, 4]
    leaders, worst = services.leaders_and_worst(ratings, share=Decimal("0.4"))
    assert [r.position for r in leaders] == [1, 2]
    assert [r.position for r in worst] == [4, 4]


def test_a_recomputation_restores_results_removed_behind_its_back(example_cycle):
    cycle, entries = example_cycle
    services.compute_cycle(cycle, None, gather=False)
    Result.objects.filter(cycle_organization=entries[0], code="K3").delete()
    run = services.compute_cycle(cycle, None, gather=False)
    assert run.results_changed == 1
    assert values_of(entries[0])["K3"] == Decimal("66.5000")


def _skipped(cycle) -> bool:
    """Whether the last computation of CYCLE found its inputs as the run before left them."""
    entry = AuditEntry.objects.filter(action="scoring.cycle.computed", target_id=str(cycle.pk)).latest("pk")
    return bool(entry.data.get("unchanged_inputs"))


def test_a_computation_is_skipped_only_while_no_input_changed(example_cycle):
    cycle, entries = example_cycle
    services.compute_cycle(cycle, None, gather=False)
    services.compute_cycle(cycle, None, gather=False)
    assert _skipped(cycle)
    # the same number with another list of missing items replaces the row: its shortcomings follow
    details = {"missing": [{"code": "waiting_zone", "label": "зона ожидания", "legal_basis": ""}]}
    put_inputs(cycle, entries[0], {K.ACCESS_PREMISES_CONDITIONS: 2}, {K.ACCESS_PREMISES_CONDITIONS: details})
    services.compute_cycle(cycle, None, gather=False)
    assert not _skipped(cycle)
    active = set(
        Shortcoming.objects.filter(cycle_organization=entries[0], indicator_code="3.1", active=True).values_list(
            "item_code", flat=True
        )
    )
    assert active == {f"{K.ACCESS_PREMISES_CONDITIONS}:waiting_zone"}
    services.compute_cycle(cycle, None, gather=False)
    assert _skipped(cycle)
    # an input of an organization that had none is seen as well
    put_inputs(cycle, entries[1], {K.COMFORT_CONDITIONS: 5})
    services.compute_cycle(cycle, None, gather=False)
    assert not _skipped(cycle)
    assert Result.objects.get(cycle_organization=entries[1], code="2.1").value == Decimal("100.0000")


def test_inputs_gathered_by_a_computation_let_the_next_one_skip(example_cycle, monkeypatch):
    from lib.score_inputs import InputValue

    cycle, entries = example_cycle
    count = {"value": 3}

    class Expertise:
        @staticmethod
        def provide(c):
            yield InputValue(entries[1].pk, K.COMFORT_CONDITIONS, Decimal(count["value"]), "expertise")

    monkeypatch.setattr(services, "provider_modules", lambda: [("expertise", Expertise)])
    services.compute_cycle(cycle, None, gather=True)
    assert not _skipped(cycle)
    services.compute_cycle(cycle, None, gather=True)
    assert _skipped(cycle)
    count["value"] = 4
    services.compute_cycle(cycle, None, gather=True)
    assert not _skipped(cycle)
    assert Result.objects.get(cycle_organization=entries[1], code="2.1").value == Decimal("80.0000")
    services.compute_cycle(cycle, None, gather=True)
    assert _skipped(cycle)
