"""Production settings: `check --deploy` is clean, bad configuration is refused, headers are sent."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]


def _production_env(tmp_path, **extra) -> dict[str, str]:
    dropped = ("NOKO_TESTING", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="noko.example.ru",
        CSRF_TRUSTED_ORIGINS="https://noko.example.ru",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        NOKO_VAR_DIR=str(tmp_path),
    )
    env.update(extra)
    return env


def _manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    result = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_settings_values(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_PROXY_SSL_HEADER[0],"
        " s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1], s.RATELIMIT_ENABLE)"
    )
    result = _manage(_production_env(tmp_path), "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "False", "True", "31536000", "True", "True", "True", "HTTP_X_FORWARDED_PROTO", "DatabaseCache", "True"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be at least 50"),
        ({"SECURE_COOKIES": "0"}, "SECURE_COOKIES=0 is only allowed with DEBUG=1"),
        ({"LOGIN_RATE_PER_USER": "five"}, "LOGIN_RATE_PER_USER='five'"),
        ({"CACHE_URL": "memcached://x"}, "CACHE_URL='memcached://x'"),
        ({"SECURE_HSTS_SECONDS": "-5"}, "SECURE_HSTS_SECONDS='-5': must be at least 0"),
    ],
)
def test_bad_production_configuration_is_refused_at_start(tmp_path, extra, message):
    result = _manage(_production_env(tmp_path, **extra), "check")
    assert result.returncode != 0
    assert message in result.stderr


def test_secret_key_may_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(64) + "\n")
    env = _production_env(tmp_path, SECRET_KEY_FILE=str(key_file))
    env.pop("SECRET_KEY")
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr


def test_pages_carry_a_csp_with_a_fresh_nonce_per_request(db):
    client = Client()
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/")
    policy = first["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in directives["script-src"]
    nonce = first.wsgi_request.csp_nonce
    assert f"'nonce-{nonce}'" in directives["script-src"]
    assert second.wsgi_request.csp_nonce != nonce
    assert first["X-Frame-Options"] == "DENY"
    assert first["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in first["Permissions-Policy"]


@override_settings(CSP_REPORT_ONLY=True)
def test_csp_report_only_mode(db):
    response = Client().get("/accounts/login/")
    assert "Content-Security-Policy" not in response
    assert "default-src 'self'" in response["Content-Security-Policy-Report-Only"]


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_behind_the_tls_proxy_http_redirects_and_https_gets_hsts_and_secure_cookies(db, municipal_official):
    client = Client()
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    csrf_cookie = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").cookies["csrftoken"]
    assert csrf_cookie["secure"] and csrf_cookie["httponly"]
    login = client.post(
        "/accounts/login/",
        {"username": "mun1", "password": "noko-demo-2026"},
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert login.status_code == 302
    assert login["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    session_cookie = login.cookies["sessionid"]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
