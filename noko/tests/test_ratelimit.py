"""lib.ratelimit and the login lockout in noko.security."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from hypothesis import given
from hypothesis import strategies as st

from lib import ratelimit

PASSWORD = "noko-demo-2026"


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    settings.RATELIMIT_ENABLE = True  # off by default under NOKO_TESTING
    cache.clear()
    yield
    cache.clear()


@given(count=st.integers(1, 10_000), multiplier=st.integers(1, 1000), unit=st.sampled_from("smhd"))
def test_parse_rate_reads_count_and_period(count, multiplier, unit):
    rate = ratelimit.parse_rate(f"{count}/{multiplier}{unit}")
    assert rate.limit == count
    assert rate.period == multiplier * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    assert ratelimit.parse_rate(f"{count}/{unit}").period == rate.period // multiplier


@pytest.mark.parametrize("bad", ["", "10", "10/", "0/m", "10/0m", "ten/m", "10/w", "-1/m", "10/m/s"])
def test_parse_rate_rejects_malformed(bad):
    with pytest.raises(ValueError, match="rate"):
        ratelimit.parse_rate(bad)


def test_check_allows_up_to_the_limit_then_refuses():
    results = [ratelimit.check("t.scope", "k1", "3/m") for _ in range(5)]
    assert [r.allowed for r in results] == [True, True, True, False, False]
    assert [r.count for r in results] == [1, 2, 3, 4, 5]
    assert all(1 <= r.retry_after <= 60 for r in results)
    # other keys and other scopes have their own counters
    assert ratelimit.check("t.scope", "k2", "3/m").allowed
    assert ratelimit.check("t.other", "k1", "3/m").allowed


def test_peek_does_not_count_and_reset_forgets():
    for _ in range(2):
        ratelimit.check("t.peek", "k", "2/m")
    assert not ratelimit.check("t.peek", "k", "2/m", increment=False).allowed
    assert ratelimit.check("t.peek", "k", "2/m", increment=False).count == 2
    ratelimit.reset("t.peek", "k", "2/m")
    assert ratelimit.check("t.peek", "k", "2/m", increment=False).allowed


def test_window_rolls_over():
    with mock.patch("lib.ratelimit.time.time", return_value=1_000_000.0):
        assert ratelimit.check("t.win", "k", "1/m").allowed
        assert not ratelimit.check("t.win", "k", "1/m").allowed
    with mock.patch("lib.ratelimit.time.time", return_value=1_000_000.0 + 60):
        assert ratelimit.check("t.win", "k", "1/m").allowed


def test_a_broken_cache_lets_requests_through():
    with mock.patch.object(cache, "incr", side_effect=ConnectionError("down")):
        results = [ratelimit.check("t.broken", "k", "1/m") for _ in range(3)]
    assert all(r.allowed for r in results)


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
def test_client_ip_believes_forwarded_for_only_from_trusted_proxies():
    factory = RequestFactory()
    through_proxy = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.5")
    assert ratelimit.client_ip(through_proxy) == "1.2.3.4"
    # a client spoofing the header at the front is not believed: the right-most untrusted address wins
    spoofed = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 5.6.7.8")
    assert ratelimit.client_ip(spoofed) == "5.6.7.8"
    direct = factory.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert ratelimit.client_ip(direct) == "203.0.113.7"


def test_decorator_answers_429_with_retry_after_in_russian(rf):
    @ratelimit.ratelimit("t.view", "2/m", methods=("POST",))
    def view(request):
        return HttpResponse("ok")

    statuses = [view(rf.post("/x", REMOTE_ADDR="198.51.100.1")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert view(rf.get("/x", REMOTE_ADDR="198.51.100.1")).status_code == 200  # reads are not limited
    refused = view(rf.post("/api/x", REMOTE_ADDR="198.51.100.1"))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "Слишком много запросов" in json.loads(refused.content)["detail"]
    assert view(rf.post("/x", REMOTE_ADDR="198.51.100.2")).status_code == 200


def _login(client, username, password, ip="192.0.2.10"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@override_settings(LOGIN_THROTTLE={"views": ["accounts:login"], "user_rate": "3/15m", "ip_rate": "10/15m"})
def test_login_locks_a_username_after_repeated_failures(client, municipal_official, other_municipality):
    for _ in range(3):
        response = _login(client, "mun1", "wrong-password")
        assert response.status_code == 200
    locked = _login(client, "mun1", PASSWORD)  # even the right password is refused now
    assert locked.status_code == 429
    assert "Вход временно заблокирован" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # another account from the same address still logs in
    assert _login(client, "mun2", PASSWORD).status_code == 302


@override_settings(LOGIN_THROTTLE={"views": ["accounts:login"], "user_rate": "3/15m", "ip_rate": "4/15m"})
def test_login_locks_an_address_trying_many_usernames(client, municipal_official):
    for name in ["a1", "a2", "a3", "a4"]:
        assert _login(client, name, "x", ip="192.0.2.99").status_code == 200
    assert _login(client, "mun1", PASSWORD, ip="192.0.2.99").status_code == 429
    assert _login(client, "mun1", PASSWORD, ip="192.0.2.100").status_code == 302


@override_settings(LOGIN_THROTTLE={"views": ["accounts:login"], "user_rate": "3/15m", "ip_rate": "10/15m"})
def test_successful_login_clears_the_failures(client, municipal_official):
    for _ in range(2):
        _login(client, "mun1", "wrong-password")
    assert _login(client, "mun1", PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        assert _login(client, "mun1", "wrong-password").status_code == 200
    assert _login(client, "mun1", PASSWORD).status_code == 302


@override_settings(RATE_LIMITS=[{"match": "api:", "rate": "3/m", "key": "user_or_ip"}])
def test_namespace_rule_limits_the_api(client_for, admin_user):
    from django.test import Client

    client = client_for(admin_user)
    assert [client.get("/api/territories").status_code for _ in range(4)] == [200, 200, 200, 429]
    # the limit is per user: an anonymous caller has its own counter (and is refused by auth, not the limit)
    assert Client().get("/api/territories").status_code == 401


@override_settings(RATE_LIMITS=[{"match": "api:", "rate": "2/m", "key": "user_or_ip"}])
def test_api_tokens_have_their_own_counters(admin_user, municipal_official):
    from django.test import Client

    from accounts import services

    _t, admin_key = services.issue_token(admin_user, "a")
    _t, mun_key = services.issue_token(municipal_official, "b")
    client = Client()

    def get(key):
        return client.get("/api/territories", HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR="10.1.1.1").status_code

    assert [get(admin_key) for _ in range(3)] == [200, 200, 429]
    assert get(mun_key) == 200  # same address, another token
