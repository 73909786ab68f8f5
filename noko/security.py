"""Security middleware: Content-Security-Policy with a per-request nonce, login lockout, request rate limits.

Settings (see noko/settings.py and docs/deploy.md):

- ``CSP_POLICY``: directive → list of sources; ``{nonce}`` in a source becomes ``'nonce-…'``.
  Templates that must have an inline script write ``<script nonce="{{ request.csp_nonce }}">``.
- ``CSP_REPORT_ONLY``: send ``Content-Security-Policy-Report-Only`` instead (to try a stricter policy).
- ``LOGIN_THROTTLE``: which login views are guarded and how many failures lock a username or an address.
- ``RATE_LIMITS``: rules ``{"match": "portal:" | "accounts:login", "rate": "300/m", "key": "ip", "methods": [...]}``;
  a match ending in ``:`` covers a whole URL namespace.
"""

from __future__ import annotations

import math
import secrets

from django.conf import settings
from django.utils.translation import gettext as _

from lib import ratelimit


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        policy = getattr(settings, "CSP_POLICY", None)
        if policy:
            header = (
                "Content-Security-Policy-Report-Only"
                if getattr(settings, "CSP_REPORT_ONLY", False)
                else "Content-Security-Policy"
            )
            if "Content-Security-Policy" not in response and header not in response:
                response[header] = build_policy(policy, request.csp_nonce)
        for name, value in getattr(settings, "SECURITY_EXTRA_HEADERS", {}).items():
            response.headers.setdefault(name, value)
        return response


def build_policy(policy: dict[str, list[str]], nonce: str) -> str:
    parts = []
    for directive, sources in policy.items():
        values = [f"'nonce-{nonce}'" if source == "{nonce}" else source for source in sources]
        parts.append(" ".join([directive, *values]).strip())
    return "; ".join(parts)


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def _rule_matches(pattern: str, view_name: str) -> bool:
    if pattern.endswith(":"):
        return view_name.startswith(pattern)
    return view_name == pattern


class RateLimitMiddleware:
    """Login lockout after repeated failures, and per-rule request limits by URL name."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.rules = []
        for rule in getattr(settings, "RATE_LIMITS", []):
            methods = rule.get("methods")
            self.rules.append(
                (
                    rule["match"],
                    ratelimit.parse_rate(rule["rate"]),
                    ratelimit.key_function(rule.get("key", "ip")),
                    {m.upper() for m in methods} if methods else None,
                )
            )
        throttle = getattr(settings, "LOGIN_THROTTLE", {}) or {}
        self.login_views = set(throttle.get("views", []))
        self.user_rate = ratelimit.parse_rate(throttle.get("user_rate", "5/15m"))
        self.ip_rate = ratelimit.parse_rate(throttle.get("ip_rate", "30/15m"))

    def __call__(self, request):
        response = self.get_response(request)
        username = getattr(request, "_noko_login_username", None)
        if username is not None:
            self._count_login(request, username, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(settings, "RATELIMIT_ENABLE", True):
            return None
        view_name = _view_name(request)
        if request.method == "POST" and view_name in self.login_views:
            refused = self._login_refused(request)
            if refused is not None:
                return refused
        for pattern, rate, key_of, methods in self.rules:
            if _rule_matches(pattern, view_name) and (methods is None or request.method in methods):
                result = ratelimit.check(f"rule:{pattern}", key_of(request), rate)
                if not result.allowed:
                    return ratelimit.too_many_response(request, result.retry_after)
        return None

    # --- login lockout -------------------------------------------------------------------------
    def _login_refused(self, request):
        username = str(request.POST.get("username", "")).strip().lower()[:150]
        ip = ratelimit.client_ip(request)
        request._noko_login_username = username
        request._noko_login_ip = ip
        by_user = ratelimit.check("login.user", username, self.user_rate, increment=False)
        by_ip = ratelimit.check("login.ip", ip, self.ip_rate, increment=False)
        if by_user.allowed and by_ip.allowed:
            return None
        retry_after = max(r.retry_after for r in (by_user, by_ip) if not r.allowed)
        request._noko_login_username = None  # a refused attempt is not counted again
        message = _(
            "Слишком много неудачных попыток входа. Вход временно заблокирован, повторите через {minutes} мин."
        ).format(minutes=max(1, math.ceil(retry_after / 60)))
        return ratelimit.too_many_response(request, retry_after, message)

    def _count_login(self, request, username: str, response) -> None:
        # LoginView answers a failed attempt by showing the form again (200) and a success by a redirect
        if response.status_code == 200:
            ratelimit.check("login.user", username, self.user_rate)
            ratelimit.check("login.ip", request._noko_login_ip, self.ip_rate)
        elif response.status_code in (301, 302, 303) and username:
            ratelimit.reset("login.user", username, self.user_rate)
