"""Hostile form posts: missing CSRF, oversized bodies, too many fields, wrong types, broken encodings.

Each gets a 4xx (or the form again with errors) — never a 500 — and nothing already stored changes.
"""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import ApiToken
from registry.models import Organization

# printable and control characters, no lone surrogates (a browser cannot send those either)
hostile_text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=300),
    st.sampled_from(["", " ", "\x00", "0", "-1", "1e309", "NaN", "9" * 40, "<script>alert(1)</script>", "' OR 1=1 --"]),
    st.integers(min_value=10_000, max_value=200_000).map(lambda n: "Я" * n),
)
hostile_values = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=4))

ORG_FIELDS = [
    "full_name", "short_name", "org_type", "status", "inn", "ogrn", "territory", "founder", "address", "website",
    "busgov_id", "parent", "head_name", "head_position", "head_email", "head_phone", "contingent",
    "parents_count", "timezone",
]  # fmt: skip

fuzz = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/accounts/login/", {"username": "mun1", "password": "noko-demo-2026"}),
        ("/registry/new/", {"full_name": "Школа без токена", "inn": "7701234567"}),
        ("/accounts/tokens/new/", {"name": "без токена"}),
    ],
)
def test_posts_without_csrf_token_are_refused(url, data, regional_official):
    client = _csrf_client(None if url.startswith("/accounts/login") else regional_official)
    before = (Organization.objects.count(), ApiToken.objects.count())
    response = client.post(url, data)
    assert response.status_code == 403
    assert (Organization.objects.count(), ApiToken.objects.count()) == before
    if url.startswith("/accounts/login"):
        assert "_auth_user_id" not in client.session


def test_oversized_body_is_refused(regional_official, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client = Client()
    client.force_login(regional_official)
    before = Organization.objects.count()
    response = client.post("/registry/new/", {"full_name": "Я" * (1024 * 1024), "inn": "7701234567"})
    assert response.status_code == 400
    assert Organization.objects.count() == before


def test_too_many_fields_are_refused(regional_official):
    client = Client()
    client.force_login(regional_official)
    before = Organization.objects.count()
    response = client.post("/registry/new/", {f"f{i}": "x" for i in range(1500)})
    assert response.status_code == 400
    assert Organization.objects.count() == before


@pytest.mark.parametrize(
    "body",
    [
        b"username=%FF%FE%FD&password=%C0%AF",  # invalid UTF-8 after percent-decoding
        b"username=\xff\xfe&password=\x80",  # raw non-UTF-8 bytes
        b"username=a&username=b&password=&&&==&%",  # repeated and empty keys, stray separators
    ],
)
def test_broken_encodings_on_login_are_answered(body, db):
    response = Client().generic(
        "POST", "/accounts/login/", body, content_type="application/x-www-form-urlencoded; charset=utf-8"
    )
    assert response.status_code in (200, 400)
    assert "_auth_user_id" not in Client().session


def test_unknown_charset_is_answered(db):
    response = Client().generic(
        "POST",
        "/accounts/login/",
        b"username=x&password=y",
        content_type="application/x-www-form-urlencoded; charset=x-nonsense",
    )
    assert response.status_code in (200, 400)


@fuzz
@given(data=st.dictionaries(st.sampled_from(ORG_FIELDS), hostile_values, max_size=len(ORG_FIELDS)))
def test_hostile_organization_forms_never_crash_or_half_save(data, regional_official):
    client = Client()
    client.force_login(regional_official)
    before = Organization.objects.count()
    response = client.post("/registry/new/", data)
    assert response.status_code in (200, 302, 400), response.status_code
    assert Organization.objects.count() == before + (1 if response.status_code == 302 else 0)


@fuzz
@given(username=hostile_values, password=hostile_values, extra=st.dictionaries(hostile_text, hostile_text, max_size=3))
def test_hostile_logins_never_crash_or_log_in(username, password, extra, db):
    client = Client()
    response = client.post("/accounts/login/", {**extra, "username": username, "password": password})
    assert response.status_code in (200, 400)
    assert "_auth_user_id" not in client.session


def _open_survey_code():
    from surveys import services
    from surveys.models import SurveyLink

    for link in SurveyLink.objects.order_by("pk")[:300]:
        info = services.resolve_link(link.code)
        if info is not None and info.state() == "open":
            return info
    return None


@fuzz
@given(
    answers=st.dictionaries(hostile_text, hostile_values, max_size=8),
    client_id=st.one_of(hostile_text, st.uuids().map(str)),
)
def test_hostile_survey_submissions_never_crash_or_half_save(answers, client_id, db):
    from surveys.models import Response

    info = _open_survey_code()
    assert info is not None, "the demo region has an open survey link"
    before = Response.objects.count()
    response = Client().post(f"/surveys/a/{info.code}/", {**answers, "client_id": client_id})
    assert response.status_code in (302, 400, 403, 409, 413, 429), response.status_code
    assert Response.objects.count() == before + (1 if response.status_code == 302 else 0)


def test_survey_form_without_csrf_token_is_refused(db):
    from surveys.models import Response

    info = _open_survey_code()
    assert info is not None
    before = Response.objects.count()
    response = _csrf_client().post(f"/surveys/a/{info.code}/", {"client_id": str(uuid.uuid4())})
    assert response.status_code == 403
    assert Response.objects.count() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("registry.xlsx", bytes(range(256)) * 64, "не является книгой XLSX"),
        ("registry.xlsx", b"PK\x03\x04" + b"\x00" * 4000, "не является книгой XLSX"),
        ("registry.csv", b"\x98\x98;\x98\n\x98;\x98\n", "кодировку CSV"),
        ("registry.exe", b"MZ\x90\x00", "поддерживаются только XLSX и CSV"),
    ],
)
def test_hostile_import_files_get_a_clear_error_and_change_nothing(regional_official, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registry.models import ImportBatch

    client = Client()
    client.force_login(regional_official)
    before = (Organization.objects.count(), ImportBatch.objects.count())
    response = client.post("/registry/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert (Organization.objects.count(), ImportBatch.objects.count()) == before
