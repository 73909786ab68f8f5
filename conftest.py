"""Shared fixtures: one demo region loaded once per test session, and named personas.

Every test runs inside a transaction that is rolled back, so tests may change
the demo data freely. The personas are the demo's own users.
"""

from __future__ import annotations

import os

os.environ.setdefault("NOKO_TESTING", "1")

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge correctness, not speed: CI machines are shared and slow at times.
settings.register_profile("noko", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("noko")

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
def client_for(db, client):
    """``client_for(user)`` → a test client logged in as USER."""

    def login(user):
        client.force_login(user)
        return client

    return login


# --- browser tests -------------------------------------------------------------------------------
# Playwright runs its own event loop in the test thread; the Django ORM calls in the same test are
# synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture
def browser():
    """Debian's chromium driven by Playwright, started for one test and stopped after it.

    Function-scoped on purpose: Playwright's synchronous API keeps an event loop running while it is
    open, and the asynchronous tests of the website checker need the thread's loop free.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def live_demo(transactional_db):
    """A small demo region in a database the live server can see (committed, flushed afterwards).

    Browser tests use it with ``live_server`` and the ``page`` fixture; it builds the region
    afresh because a transactional test leaves the database empty for the next one.
    """
    from django.core.management import call_command

    from demo.region import build_demo

    call_command("flush", "--no-input", verbosity=0)
    return build_demo(seed=5, size=40)


@pytest.fixture
def login_as(page, live_server):
    """``login_as("mun1")`` logs the browser in through the real form."""

    def login(username: str, password: str = "noko-demo-2026"):  # noqa: S107 - the demo password
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return login
