"""The 344н/114 formulas: methodology §11 worked example, §13 published results, properties (hypothesis)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import score_inputs as K
from lib.scoring_math import MethodologySpec, competition_ranks, mean, quantize, score, wilson

DEFINITION = json.loads(
    (Path(__file__).resolve().parents[2] / "scoring" / "data" / "344n-114-v1.json").read_text(encoding="utf-8")
)


def spec(**switches) -> MethodologySpec:
    return MethodologySpec.from_dict(DEFINITION, **switches)


def survey(code: str, yes: int, answered: int) -> dict[str, int]:
    return {K.survey_yes(code): yes, K.survey_answered(code): answered}


def worked_example() -> dict[str, int]:
    """МБОУ СОШ № 1 of methodology.md §11."""
    inputs = {
        K.STAND_ITEMS_REQUIRED: 10,
        K.STAND_ITEMS_PRESENT: 9,
        K.SITE_ITEMS_REQUIRED: 50,
        K.SITE_ITEMS_PRESENT: 46,
        K.SITE_REMOTE_CHANNELS: 3,
        K.COMFORT_CONDITIONS: 4,
        K.ACCESS_PREMISES_CONDITIONS: 2,
        K.ACCESS_SERVICE_CONDITIONS: 3,  # trained staff, distance education, sound/visual duplication
        K.SITE_BVI: 1,  # the fourth of 3.2's conditions
        K.SURVEY_RESPONDENTS: 200,
    }
    for code, yes, answered in [
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
    ]:
        inputs.update(survey(code, yes, answered))
    return inputs


def r2(value) -> Decimal:
    return quantize(value, 2)


def test_worked_example_indicators_criteria_and_total():
    result = score(spec(), worked_example())
    expected_indicators = {
        "1.1": "91.00",
        "1.2": "90.00",
        "1.3": "94.50",
        "2.1": "80.00",
        "2.3": "92.00",
        "3.1": "40.00",
        "3.2": "80.00",
        "3.3": "75.00",
        "4.1": "95.00",
        "4.2": "97.00",
        "4.3": "96.67",
        "5.1": "88.00",
        "5.2": "93.00",
        "5.3": "94.00",
    }
    assert {code: str(r2(iv.value)) for code, iv in result.indicators.items()} == expected_indicators
    expected_criteria = {"K1": "92.10", "K2": "86.00", "K3": "66.50", "K4": "96.13", "K5": "92.00"}
    assert {code: str(r2(cv.value)) for code, cv in result.criteria.items()} == expected_criteria
    assert abs(result.total - Decimal("86.5467")) < Decimal("0.0001")
    assert r2(result.total) == Decimal("86.55")


def test_worked_example_round_each_step_gives_same_published_total():
    result = score(spec(rounding_mode="each_step"), worked_example())
    assert result.total == Decimal("86.55")
    assert result.criteria["K4"].value == Decimal("96.13")


def test_total_denominator_variant_of_1_3_matches_the_caution_in_methodology():
    result = score(spec(denominator_mode="total"), worked_example())
    assert r2(result.indicators["1.3"].value) == Decimal("63.75")
    assert r2(result.criteria["K1"].value) == Decimal("79.80")
    # gated shares keep their gate in either mode
    assert r2(result.indicators["3.3"].value) == Decimal("75.00")


def test_orenburg_kindergarten_total_is_the_mean_of_its_criteria():
    """§13 V1: criteria 89.6 / 93.5 / 65.0 / 90.2 / 89.3 and the published total 85.52."""
    inputs = {
        K.STAND_ITEMS_REQUIRED: 10,
        K.STAND_ITEMS_PRESENT: 9,
        K.SITE_ITEMS_REQUIRED: 50,
        K.SITE_ITEMS_PRESENT: 47,  # 1.1 = 92
        K.SITE_REMOTE_CHANNELS: 3,  # 1.2 = 90
        K.COMFORT_CONDITIONS: 5,  # 2.1 = 100
        K.ACCESS_PREMISES_CONDITIONS: 2,  # 3.1 = 40
        K.ACCESS_SERVICE_CONDITIONS: 4,  # 3.2 = 80
        K.SURVEY_RESPONDENTS: 500,
        **survey("info_stand_satisfied", 17, 20),
        **survey("info_site_satisfied", 9, 10),  # 1.3 = 87.5
        **survey("comfort_satisfied", 435, 500),  # 2.3 = 87
        **survey("accessibility_satisfied", 7, 10),  # 3.3 = 70
        **survey("first_contact_polite", 450, 500),
        **survey("service_staff_polite", 455, 500),
        **survey("remote_polite", 89, 100),
        **survey("recommend", 440, 500),
        **survey("org_conditions_satisfied", 450, 500),
        **survey("overall_satisfied", 449, 500),
    }
    result = score(spec(), inputs)
    criteria = [r2(result.criteria[c].value) for c in ("K1", "K2", "K3", "K4", "K5")]
    assert criteria == [Decimal(v) for v in ("89.60", "93.50", "65.00", "90.20", "89.30")]
    assert abs(result.total - Decimal("85.52")) <= Decimal("0.01")
    assert r2(result.total) == Decimal("85.52")


def test_ust_koksa_district_mean():
    """§13 V5 / §4: five school totals; plain mean 88.96, published 88,9 (one decimal, truncated)."""
    totals = [Decimal(v) for v in ("93.1", "90.2", "88.08", "88.04", "85.38")]
    value, n = mean(totals)
    assert n == 5
    assert abs(value - Decimal("88.96")) < Decimal("0.01")
    assert int(value * 10) / Decimal(10) == Decimal("88.9")


def test_izhevsk_low_k3_of_40_is_reachable():
    """§13 V2: К3 = 40 with, e.g., 3.1 = 20, 3.2 = 40, 3.3 = 60."""
    inputs = {
        K.ACCESS_PREMISES_CONDITIONS: 1,
        K.ACCESS_SERVICE_CONDITIONS: 2,
        K.SITE_BVI: 0,
        **survey("accessibility_satisfied", 3, 5),
    }
    assert score(spec(), inputs).criteria["K3"].value == Decimal(40)


def test_no_disabled_respondent_renormalises_k3_by_default():
    inputs = worked_example() | survey("accessibility_satisfied", 0, 0) | survey("disability", 0, 200)
    result = score(spec(), inputs)
    assert result.indicators["3.3"].value is None
    k3 = result.criteria["K3"]
    assert k3.excluded == ["3.3"]
    # (0.3·40 + 0.4·80) / 0.7
    assert r2(k3.value) == Decimal("62.86")
    assert r2(score(spec(zero_policy="zero"), inputs).criteria["K3"].value) == Decimal("44.00")
    assert r2(score(spec(zero_policy="hundred"), inputs).criteria["K3"].value) == Decimal("74.00")


def test_one_half_of_1_3_missing_uses_the_other_half():
    inputs = worked_example() | survey("info_stand_satisfied", 0, 0)
    value = score(spec(), inputs).indicators["1.3"].value
    assert r2(value) == Decimal("94.00")  # 141/150 only


def test_absent_input_leaves_indicator_and_total_undefined():
    inputs = worked_example()
    del inputs[K.COMFORT_CONDITIONS]
    result = score(spec(), inputs)
    assert result.indicators["2.1"].value is None
    assert result.indicators["2.1"].missing == [K.COMFORT_CONDITIONS]
    assert result.criteria["K2"].value == Decimal(92)  # renormalised over 2.3
    empty = score(spec(), {})
    assert empty.total is None
    assert all(iv.value is None for iv in empty.indicators.values())


def test_numerator_above_denominator_is_clamped_and_noted():
    inputs = worked_example() | survey("info_site_satisfied", 170, 150)
    iv = score(spec(), inputs).indicators["1.3"]
    assert iv.value <= 100
    assert "numerator_exceeds_denominator" in iv.notes


def test_survey_indicators_carry_n_and_a_wilson_interval():
    result = score(spec(), worked_example())
    iv = result.indicators["3.3"]
    assert iv.n == 8
    low, high = iv.ci
    assert low < iv.value < high
    assert (float(low), float(high)) == pytest.approx(tuple(x * 100 for x in wilson(6, 8)), abs=1e-3)
    assert result.indicators["1.3"].n == 120


def test_wilson_known_value():
    # 8 of 10: the textbook 95 % Wilson interval is 0.490 .. 0.943
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-3)
    assert high == pytest.approx(0.9433, abs=1e-3)


def test_equal_scores_share_a_place():
    places = competition_ranks({"a": Decimal("90.001"), "b": Decimal("90.004"), "c": Decimal("95"), "d": Decimal("80")})
    assert places == {"c": 1, "a": 2, "b": 2, "d": 4}


def test_unknown_indicator_in_weights_is_refused():
    broken = json.loads(json.dumps(DEFINITION))
    broken["criteria"][0]["weights"]["9.9"] = "0.1"
    with pytest.raises(ValueError, match=r"9\.9"):
        MethodologySpec.from_dict(broken)


# --- properties -----------------------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=700)
maybe = st.one_of(st.none(), counts)


@st.composite
def any_inputs(draw):
    """Arbitrary (even inconsistent) inputs: absent keys, zeros, numerators above denominators."""
    return {key: draw(maybe) for key in K.ALL_KEYS}


@st.composite
def consistent_inputs(draw):
    inputs: dict[str, int] = {}
    n = draw(st.integers(min_value=0, max_value=600))
    inputs[K.SURVEY_RESPONDENTS] = n
    for code in K.SURVEY_ITEM_CODES:
        answered = draw(st.integers(min_value=0, max_value=n))
        inputs.update(survey(code, draw(st.integers(min_value=0, max_value=answered)), answered))
    for required, present in [
        (K.STAND_ITEMS_REQUIRED, K.STAND_ITEMS_PRESENT),
        (K.SITE_ITEMS_REQUIRED, K.SITE_ITEMS_PRESENT),
    ]:
        total = draw(st.integers(min_value=0, max_value=80))
        inputs[required] = total
        inputs[present] = draw(st.integers(min_value=0, max_value=total))
    for key, top in [
        (K.SITE_REMOTE_CHANNELS, 6),
        (K.COMFORT_CONDITIONS, 5),
        (K.ACCESS_PREMISES_CONDITIONS, 5),
        (K.ACCESS_SERVICE_CONDITIONS, 5),
        (K.SITE_BVI, 1),
    ]:
        inputs[key] = draw(st.integers(min_value=0, max_value=top))
    return inputs


policies = st.sampled_from(["exclude", "zero", "hundred"])
modes = st.sampled_from(["answered", "total"])
roundings = st.sampled_from(["full", "each_step"])


@settings(max_examples=300, deadline=None)
@given(any_inputs(), policies, modes, roundings)
def test_every_value_stays_within_0_and_100(inputs, policy, mode, rounding):
    result = score(spec(zero_policy=policy, denominator_mode=mode, rounding_mode=rounding), inputs)
    values = [iv.value for iv in result.indicators.values()] + [cv.value for cv in result.criteria.values()]
    values.append(result.total)
    for value in values:
        assert value is None or Decimal(0) <= value <= Decimal(100)
    for iv in result.indicators.values():
        if iv.ci is not None:
            assert Decimal(0) <= iv.ci[0] <= iv.ci[1] <= Decimal(100)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=1000))
def test_point_indicators_are_capped(channels, conditions):
    inputs = {K.SITE_REMOTE_CHANNELS: channels, K.COMFORT_CONDITIONS: conditions}
    result = score(spec(), inputs)
    assert result.indicators["1.2"].value == min(Decimal(100), Decimal(30 * channels))
    assert result.indicators["2.1"].value == min(Decimal(100), Decimal(20 * conditions))


@settings(max_examples=200, deadline=None)
@given(consistent_inputs(), policies)
def test_zero_denominators_follow_the_policy(inputs, policy):
    inputs |= survey("accessibility_satisfied", 0, 0) | survey("remote_polite", 0, 0)
    result = score(spec(zero_policy=policy), inputs)
    expected = {"exclude": None, "zero": Decimal(0), "hundred": Decimal(100)}[policy]
    assert result.indicators["3.3"].value == expected
    assert result.indicators["4.3"].value == expected
    if policy == "exclude":
        assert "3.3" in result.criteria["K3"].excluded
        assert "4.3" in result.criteria["K4"].excluded


@settings(max_examples=300, deadline=None)
@given(consistent_inputs(), st.sampled_from(K.SURVEY_ITEM_CODES), policies, modes)
def test_one_more_yes_never_lowers_a_share(inputs, code, policy, mode):
    """A new respondent answering «Да» (and passing the gate if the item has one)."""
    from scoring.importers import GATES

    m = spec(zero_policy=policy, denominator_mode=mode)
    before = score(m, inputs)
    after_inputs = dict(inputs)
    after_inputs[K.SURVEY_RESPONDENTS] += 1
    after_inputs[K.survey_yes(code)] += 1
    after_inputs[K.survey_answered(code)] += 1
    if code in GATES:
        gate = GATES[code]
        after_inputs[K.survey_yes(gate)] += 1
        after_inputs[K.survey_answered(gate)] += 1
    after = score(m, after_inputs)
    affected = [iv for iv in m.indicators if any(p.num == K.survey_yes(code) for p in iv.parts)]
    for ind in affected:
        old, new = before.indicators[ind.code].value, after.indicators[ind.code].value
        assert new is not None
        if old is not None and not (mode == "total" and len(ind.parts) > 1):
            assert new >= old
