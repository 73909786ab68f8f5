"""Rate limiting on Django's cache: fixed windows, shared by every process that shares the cache.

Usage in a view (the survey intake, a public page)::

    from lib.ratelimit import ratelimit

    @ratelimit("surveys.submit", rate="30/m", key="ip", methods=("POST",))
    def submit(request, token): ...

or inside any code path (a Ninja route, a service called by a view)::

    from lib.ratelimit import check, client_ip

    result = check("surveys.submit", client_ip(request), "30/m")
    if not result.allowed:
        raise HttpError(429, too_many_message(result.retry_after))

Counters live in the ``default`` cache. In production that cache is the shared
database table (``CACHE_URL=db://noko_cache``), so limits hold across gunicorn
workers and hosts. A failing cache never blocks a request: the limiter logs
and lets it through (it guards against abuse, it must not become an outage).
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import logging
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    def __str__(self) -> str:
        return f"{self.limit}/{self.period}s"


@dataclass(frozen=True)
class RateResult:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the current window ends


def parse_rate(rate: str | Rate) -> Rate:
    """``"10/m"``, ``"5/15m"``, ``"1000/d"`` → Rate. Raises ValueError on anything else."""
    if isinstance(rate, Rate):
        return rate
    match = _RATE_RE.match(rate or "")
    if not match:
        raise ValueError(f"rate {rate!r}: expected <count>/<period>, e.g. 10/m or 5/15m")
    limit, multiplier, unit = int(match[1]), int(match[2] or 1), match[3]
    if limit < 1 or multiplier < 1:
        raise ValueError(f"rate {rate!r}: count and period must be positive")
    return Rate(limit, multiplier * _UNITS[unit])


def _cache():
    return caches[getattr(settings, "RATELIMIT_CACHE", "default")]


def _cache_key(scope: str, key: str, rate: Rate, window: int) -> str:
    digest = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()[:32]
    return f"rl:{rate.period}:{digest}:{window}"


def _window(rate: Rate, now: float) -> tuple[int, int]:
    window = int(now // rate.period)
    retry_after = max(1, math.ceil((window + 1) * rate.period - now))
    return window, retry_after


def _enabled() -> bool:
    return getattr(settings, "RATELIMIT_ENABLE", True)


def check(scope: str, key: str, rate: str | Rate, *, increment: bool = True) -> RateResult:
    """Count one hit of KEY in SCOPE and say whether it is within RATE.

    ``increment=False`` only looks (used to refuse a login before checking the password).
    """
    parsed = parse_rate(rate)
    window, retry_after = _window(parsed, time.time())
    if not _enabled():
        return RateResult(True, 0, parsed.limit, retry_after)
    cache_key = _cache_key(scope, key, parsed, window)
    cache = _cache()
    try:
        if increment:
            cache.add(cache_key, 0, timeout=parsed.period + 5)
            try:
                count = cache.incr(cache_key)
            except ValueError:  # expired between add() and incr()
                cache.set(cache_key, 1, timeout=parsed.period + 5)
                count = 1
        else:
            count = int(cache.get(cache_key, 0))
    except Exception:  # the limiter must never take the site down with it
        log.warning("rate limit cache unavailable for scope %s", scope, exc_info=True)
        return RateResult(True, 0, parsed.limit, retry_after)
    allowed = count <= parsed.limit if increment else count < parsed.limit
    return RateResult(allowed, count, parsed.limit, retry_after)


def reset(scope: str, key: str, rate: str | Rate) -> None:
    """Forget the current window of KEY (e.g. after a successful login)."""
    parsed = parse_rate(rate)
    window, _retry = _window(parsed, time.time())
    try:
        _cache().delete(_cache_key(scope, key, parsed, window))
    except Exception:
        log.warning("rate limit cache unavailable for scope %s", scope, exc_info=True)


def _trusted(address: str, networks: Iterable[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for network in networks:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request: HttpRequest) -> str:
    """The address of the client, looking through X-Forwarded-For only when REMOTE_ADDR is a trusted proxy.

    ``TRUSTED_PROXIES`` (settings, from the environment) lists proxy addresses or networks; the
    client is the right-most address in X-Forwarded-For that is not one of them.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = getattr(settings, "TRUSTED_PROXIES", [])
    if not proxies or not _trusted(remote, proxies):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _trusted(address, proxies):
            return address
    return forwarded[0] if forwarded else remote


def too_many_message(retry_after: int) -> str:
    minutes = max(1, math.ceil(retry_after / 60))
    return _("Слишком много запросов. Повторите попытку через {minutes} мин.").format(minutes=minutes)


def too_many_response(request: HttpRequest, retry_after: int, message: str | None = None) -> HttpResponse:
    """A 429 answer: JSON for the API and htmx, a short Russian page otherwise; always with Retry-After."""
    message = message or too_many_message(retry_after)
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        import json

        response = HttpResponse(
            json.dumps({"detail": message}, ensure_ascii=False), status=429, content_type="application/json"
        )
    elif getattr(request, "htmx", False):
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    else:
        body = render_to_string("429.html", {"message": message, "retry_after": retry_after}, request=request)
        response = HttpResponse(body, status=429)
    response["Retry-After"] = str(retry_after)
    return response


KeyFunc = Callable[[HttpRequest], str]


def _user_token_or_ip(request: HttpRequest) -> str:
    """The logged-in user; else the API token (middleware runs before Ninja authenticates it); else the address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    authorization = request.headers.get("Authorization", "")
    if authorization[:7].lower() == "bearer " and authorization[7:].strip():
        return "token:" + hashlib.sha256(authorization[7:].strip().encode()).hexdigest()[:24]
    return f"ip:{client_ip(request)}"


def key_function(key: str | KeyFunc) -> KeyFunc:
    if callable(key):
        return key
    if key == "ip":
        return client_ip
    if key == "user":
        return lambda request: f"user:{request.user.pk}" if request.user.is_authenticated else client_ip(request)
    if key == "user_or_ip":
        return _user_token_or_ip
    raise ValueError(f"unknown rate limit key {key!r}: use 'ip', 'user', 'user_or_ip' or a function")


def ratelimit(
    scope: str,
    rate: str | Rate,
    *,
    key: str | KeyFunc = "ip",
    methods: Iterable[str] | None = ("POST",),
) -> Callable:
    """Decorate a view: over RATE per KEY in SCOPE, answer 429 instead of calling it.

    ``methods=None`` limits every method; the default limits only POST (reads stay free).
    """
    parsed = parse_rate(rate)
    key_of = key_function(key)
    limited_methods = {m.upper() for m in methods} if methods is not None else None

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if limited_methods is None or request.method in limited_methods:
                result = check(scope, key_of(request), parsed)
                if not result.allowed:
                    return too_many_response(request, result.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
