"""The shipped methodology version is loaded as data and reproduces the formulas of methodology.md §15."""

from decimal import Decimal

import pytest

from scoring.models import Methodology


@pytest.mark.django_db
def test_default_version_matches_cycle_default():
    from cycles.models import Cycle

    default_code = Cycle._meta.get_field("methodology_version").default
    methodology = Methodology.objects.get(code=default_code)
    spec = methodology.spec()
    assert [c.code for c in spec.criteria] == ["K1", "K2", "K3", "K4", "K5"]
    weights = {c.code: dict(c.weights) for c in spec.criteria}
    assert weights["K2"] == {"2.1": Decimal("0.5"), "2.3": Decimal("0.5")}
    assert weights["K3"] == {"3.1": Decimal("0.3"), "3.2": Decimal("0.4"), "3.3": Decimal("0.3")}
    for criterion in spec.criteria:
        assert sum(w for _c, w in criterion.weights) == 1
    assert spec.indicator("1.2").points_each == 30
    assert spec.indicator("2.1").cap == 100
    assert len(spec.indicator("3.2").items) == 6
    assert methodology.denominator_mode == "answered"
