"""Schemathesis against the OpenAPI schema at /api/openapi.json: no 5xx, responses match the schema.

Every operation of every app's router is exercised with valid and invalid data, as an administrator
(who may write) and as a municipal official (whose scope hides most rows). The number of examples is
bounded and derandomized so CI is reproducible; ``NOKO_FUZZ_EXAMPLES=500 make fuzz`` digs deeper.
Everything runs inside the test's transaction, so nothing the fuzzer writes survives.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

EXAMPLES = int(os.environ.get("NOKO_FUZZ_EXAMPLES", "15"))
DERANDOMIZE = os.environ.get("NOKO_FUZZ_RANDOM", "") == ""
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

fuzz_settings = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)


# Loaded once at collection through the whole middleware stack, like a client would. If the schema
# itself cannot be built, only test_openapi_schema_is_served fails (with the reason), instead of the
# collection error stopping everyone's test run.
try:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
except Exception as exc:
    schema, SCHEMA_ERROR = None, exc
else:
    SCHEMA_ERROR = None


def test_openapi_schema_is_served(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200, SCHEMA_ERROR
    assert SCHEMA_ERROR is None, SCHEMA_ERROR
    assert len(response.json()["paths"]) >= 3


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the real WSGI handler, whose request signals close "old" connections — on
    PostgreSQL that would close the test's own connection mid-transaction. Django's test client
    disconnects them the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _bearer(user) -> dict[str, str]:
    from accounts import services

    _token, key = services.issue_token(user, "fuzz")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def admin_headers(admin_user):
    return _bearer(admin_user)


@pytest.fixture
def municipal_headers(municipal_official):
    return _bearer(municipal_official)


if schema is not None:

    @schema.parametrize()
    @fuzz_settings
    def test_api_as_administrator_never_fails(case, admin_headers):
        case.call_and_validate(headers=admin_headers, checks=CHECKS)

    @schema.parametrize()
    @fuzz_settings
    def test_api_as_municipal_official_never_fails(case, municipal_headers):
        case.call_and_validate(headers=municipal_headers, checks=CHECKS)

    @schema.parametrize()
    @fuzz_settings
    def test_api_without_credentials_is_refused_not_crashed(case, db):
        response = case.call()
        assert response.status_code < 500, (case.method, case.formatted_path, response.status_code)
        if case.operation.definition.raw.get("security"):  # routes with auth=None (portal) are public
            assert response.status_code in (401, 403, 404, 405, 422), (case.method, case.formatted_path)


def test_schema_names_are_unique_across_routers():
    """OpenAPI keeps one component per class name: two routers' ``ResultOut`` become one, and clients
    (and the response checks above) validate one router's answers against the other's schema."""
    import importlib

    from django.conf import settings
    from ninja import Schema

    defined: dict[str, list[str]] = {}
    for app in settings.INSTALLED_APPS:
        try:
            module = importlib.import_module(f"{app}.api")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == module.__name__:
                defined.setdefault(name, []).append(module.__name__)
    duplicates = {name: modules for name, modules in defined.items() if len(modules) > 1}
    assert not duplicates, f"rename so each schema class name is unique across routers: {duplicates}"
