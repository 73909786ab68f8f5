"""The demo region generator: deterministic, realistic, valid by the registry's own rules."""

import os
import sqlite3
import subprocess
import sys
from collections import Counter

import pytest
from django.conf import settings

from lib.ru_ids import inn_error, ogrn_error
from registry.choices import OrgType
from registry.models import Organization, Territory


def test_session_region_has_every_type_and_valid_identifiers(db):
    orgs = list(Organization.objects.all())
    assert len(orgs) >= 120
    types = Counter(o.org_type for o in orgs)
    assert {OrgType.DOO, OrgType.OO, OrgType.SPO, OrgType.DO} <= set(types)
    assert types[OrgType.OO] > types[OrgType.SPO]
    assert all(inn_error(o.inn) is None for o in orgs)
    assert all(ogrn_error(o.ogrn) is None for o in orgs if o.ogrn)
    assert len({o.inn for o in orgs}) == len(orgs)
    assert any(o.parent_id for o in orgs), "some schools have branches"
    assert all(o.full_clean() is None for o in orgs[:40])


def test_municipalities_belong_to_one_region(db):
    region = Territory.objects.get(parent__isnull=True)
    municipalities = Territory.objects.filter(parent=region)
    assert municipalities.count() >= 2
    assert not Organization.objects.exclude(territory__in=municipalities).exists()


def _start_build(path, seed):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "DEBUG": "1", "NOKO_TESTING": "1"}
    env.pop("TEST_DATABASE_NAME", None)
    script = f"migrate --no-input -v0 && {sys.executable} manage.py load_demo --seed {seed} --size 40"
    return subprocess.Popen(
        ["sh", "-c", f"{sys.executable} manage.py {script}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _organizations(path):
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT o.inn, o.short_name, o.contingent, o.website, t.name FROM registry_organization o "
            "JOIN registry_territory t ON t.id = o.territory_id ORDER BY o.inn"
        ).fetchall()


@pytest.mark.slow
def test_same_seed_gives_the_same_region(db, tmp_path):
    """Two builds from the same seed in fresh databases (run side by side) hold the same organizations."""
    paths = [tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"]
    builds = [_start_build(path, seed=11) for path in paths]
    for build in builds:
        _out, err = build.communicate(timeout=600)
        assert build.returncode == 0, err.decode()
    first, again = (_organizations(path) for path in paths)
    assert len(first) >= 40
    assert first == again
    assert first != sorted(
        Organization.objects.values_list("inn", "short_name", "contingent", "website", "territory__name")
    )
