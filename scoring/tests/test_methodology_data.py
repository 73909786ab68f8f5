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


@pytest.mark.django_db
def test_a_new_version_changes_the_switch_and_results_record_it(municipality, admin_user, municipal_official):
    from django.core.exceptions import PermissionDenied

    from audit.models import AuditEntry
    from scoring import services
    from scoring.models import Result
    from scoring.tests.helpers import make_cycle, organizations_of, put_inputs, worked_example_values

    base = Methodology.objects.get(code="344n-114-v1")
    with pytest.raises(PermissionDenied):
        services.create_methodology_version(municipal_official, base, "x")
    variant = services.create_methodology_version(admin_user, base, "344n-114-total", denominator_mode="total")
    assert AuditEntry.objects.filter(action="scoring.methodology.created", target_id=str(variant.pk)).exists()
    cycle = make_cycle(municipality, organizations_of(municipality, 1))
    cycle.methodology_version = variant.code
    cycle.save()
    entry = cycle.entries.get()
    put_inputs(cycle, entry, worked_example_values())
    services.compute_cycle(cycle, None, gather=False)
    result = Result.objects.get(cycle_organization=entry, code="1.3")
    assert result.value == Decimal("63.7500")
    assert result.methodology_version == "344n-114-total"
    with pytest.raises(services.ValidationError):
        services.check_methodology_edit(admin_user, variant, ["zero_policy"])


@pytest.mark.django_db
def test_compute_command(municipality, capsys):
    from django.core.management import call_command

    from scoring.models import Result
    from scoring.tests.helpers import make_cycle, organizations_of, put_inputs, worked_example_values

    cycle = make_cycle(municipality, organizations_of(municipality, 1))
    put_inputs(cycle, cycle.entries.get(), worked_example_values())
    call_command("compute_scores", str(cycle.pk), "--no-gather", "--final")
    assert "1 организаций" in capsys.readouterr().out
    assert Result.objects.get(cycle=cycle, code="S").status == "final"
