"""Shared fixtures: one demo region loaded once per test session, and named personas.

Every test runs inside a transaction that is rolled back, so tests may change
the demo data freely. The personas are the demo's own users.
"""

from __future__ import annotations

import os

os.environ.setdefault("NOKO_TESTING", "1")

import pytest

TEST_REGION_SIZE = 120
TEST_SEED = 7


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from demo.region import build_demo

    with django_db_blocker.unblock():
        build_demo(seed=TEST_SEED, size=TEST_REGION_SIZE)


def _user(username: str):
    from django.contrib.auth.models import User

    return User.objects.get(username=username)


@pytest.fixture
def region(db):
    from registry.models import Territory

    return Territory.objects.get(parent__isnull=True)


@pytest.fixture
def municipality(db):
    """The municipality of the municipal official ``mun1``."""
    return _user("mun1").memberships.get().territory


@pytest.fixture
def other_municipality(db):
    return _user("mun2").memberships.get().territory


@pytest.fixture
def admin_user(db):
    return _user("admin")


@pytest.fixture
def regional_official(db):
    return _user("region")


@pytest.fixture
def municipal_official(db):
    return _user("mun1")


@pytest.fixture
def council_member(db):
    return _user("council")


@pytest.fixture
def operator_user(db):
    return _user("operator")


@pytest.fixture
def school_staff(db):
    return _user("school")


@pytest.fixture
def school(school_staff):
    return school_staff.memberships.get().organization


@pytest.fixture
def client_for(client):
    """``client_for(user)`` → a test client logged in as USER."""

    def login(user):
        client.force_login(user)
        return client

    return login
