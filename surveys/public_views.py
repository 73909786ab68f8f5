"""The public side of the survey: the form a parent opens from the link or QR code. No login.

The form works without JavaScript (skip logic is applied on the server when the form is
sent); with htmx, answering a gate question re-renders only the questions behind it, and a
small script keeps the answers in the browser so a closed tab can be resumed.
"""

from __future__ import annotations

import io
import time
import uuid

import segno
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from lib import ratelimit
from surveys import conf, services
from surveys.questionnaire import Form

DEVICE_COOKIE = "noko_dev"
A11Y_COOKIE = "noko_a11y"
START_SALT = "surveys.start"
YEAR = 365 * 24 * 3600


def part_base(name: str, *args) -> str:
    """The URL of the htmx fragment without its last part (the gate code is appended in the template)."""
    return reverse(name, args=[*args, "gate"])[: -len("gate/")]


def _limited(ip: str, code: str) -> int:
    """Seconds to wait when the address or the link has sent too many questionnaires, else 0."""
    for scope, key, rate in (
        ("surveys.submit.ip", ip, conf.rate_limit_ip()),
        ("surveys.submit.link", code, conf.rate_limit_link()),
    ):
        if rate:
            result = ratelimit.check(scope, key, rate)
            if not result.allowed:
                return result.retry_after
    return 0


def _a11y(request) -> bool:
    if "a11y" in request.GET:
        return request.GET.get("a11y") == "1"
    return request.COOKIES.get(A11Y_COOKIE) == "1"


def _remember_a11y(request, response) -> None:
    if "a11y" in request.GET:
        response.set_cookie(A11Y_COOKIE, "1" if _a11y(request) else "0", max_age=YEAR, samesite="Lax")


def _device_token(request) -> str:
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    return token if len(token) == 32 and token.isalnum() else ""


def _page(request, template: str, context: dict, status: int = 200):
    context = {"a11y": _a11y(request), **context}
    response = render(request, template, context, status=status)
    _remember_a11y(request, response)
    return response


def _unknown(request):
    return _page(request, "surveys/public/unknown.html", {}, status=404)


def _closed(request, info: services.LinkInfo, state: str, status: int = 200):
    return _page(request, "surveys/public/closed.html", {"info": info, "state": state}, status=status)


def _start_token(client_id: str) -> str:
    return signing.dumps({"c": client_id, "t": int(time.time())}, salt=START_SALT, compress=False)


def _duration(token: str, client_id: str) -> int | None:
    try:
        data = signing.loads(token, salt=START_SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature:
        return None
    if data.get("c") != client_id:
        return None
    return max(0, int(time.time()) - int(data.get("t", 0)))


def _item_rows(form: Form, values: dict, errors: dict) -> list[dict]:
    """The questions in display order, grouped by section, each top-level item with its dependents."""
    sections = []
    for title, items in form.sections():
        rows = []
        for item in items:
            rows.append(_row(form, item, values, errors))
        sections.append({"title": title, "rows": rows})
    return sections


def _row(form: Form, item, values: dict, errors: dict) -> dict:
    row = {"item": item, "value": values.get(item.code, ""), "error": errors.get(item.code, "")}
    if form.is_gate(item.code):
        row["gate"] = True
        row["dependents"] = _dependents(form, item, values, errors)
    return row


def _dependents(form: Form, gate, values: dict, errors: dict) -> dict:
    items = form.dependents.get(gate.code, [])
    asked = form.asked(items[0], values) if items else False
    return {
        "gate": gate,
        "asked": asked,
        "rows": [_row(form, item, values, errors) for item in items] if asked is not False else [],
        "skipped": [item for item in items] if asked is False else [],
    }


def _values(request_data, form: Form) -> dict:
    values = {}
    for item in form.items:
        raw = request_data.get(item.code)
        if raw not in (None, ""):
            values[item.code] = raw
    return values


@require_http_methods(["GET", "POST"])
def form_view(request, code: str):
    info = services.resolve_link(code)
    if info is None:
        return _unknown(request)
    state = info.state()
    if state != "open":
        return _closed(request, info, state, status=200 if request.method == "GET" else 403)
    form = services.form_for(info.questionnaire_id)
    errors: dict[str, str] = {}
    values: dict = {}
    if request.method == "POST":
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > conf.max_body_bytes():
            return _page(request, "surveys/public/problem.html", {"info": info, "problem": "too_large"}, status=413)
        ip = ratelimit.client_ip(request)
        wait = _limited(ip, info.code)
        if wait:
            response = _page(request, "surveys/public/problem.html", {"info": info, "problem": "limited"}, status=429)
            response["Retry-After"] = str(wait)
            return response
        client_id = request.POST.get("client_id", "")
        try:
            client_uuid = uuid.UUID(client_id)
        except ValueError:
            return _page(request, "surveys/public/problem.html", {"info": info, "problem": "bad_request"}, status=400)
        raw = {item.code: request.POST.getlist(item.code) for item in form.items if item.code in request.POST}
        result = form.clean(raw, require=True, lenient_skips=True)
        if result.ok:
            try:
                services.submit_online(
                    info,
                    result.answers,
                    client_uuid,
                    duration=_duration(request.POST.get("started", ""), str(client_uuid)),
                    ip=ip,
                    device_token=_device_token(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                )
            except services.IntakeRefused:
                return _page(request, "surveys/public/problem.html", {"info": info, "problem": "refused"}, status=409)
            return redirect("surveys:thanks", code=info.code)
        errors = result.errors
        values = _values(request.POST, form)
        client_id = str(client_uuid)
        started = request.POST.get("started", "")
    else:
        client_id = str(uuid.uuid4())
        started = _start_token(client_id)
    context = {
        "info": info,
        "form": form,
        "sections": _item_rows(form, values, errors),
        "errors": [(form.by_code[c], m) for c, m in errors.items() if c in form.by_code],
        "client_id": client_id,
        "started": started,
        "campaign": info.campaign,
        "part_base": part_base("surveys:form_part", info.code),
    }
    response = _page(request, "surveys/public/form.html", context, status=400 if errors else 200)
    if not _device_token(request):
        response.set_cookie(DEVICE_COOKIE, uuid.uuid4().hex, max_age=YEAR, samesite="Lax", httponly=True)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def form_part(request, code: str, gate: str):
    """htmx: the questions behind GATE for the current answer to it (skip logic stays on the server)."""
    info = services.resolve_link(code)
    if info is None or info.questionnaire_id is None:
        return HttpResponse(status=404)
    form = services.form_for(info.questionnaire_id)
    item = form.by_code.get(gate)
    if item is None or not form.is_gate(gate):
        return HttpResponse(status=404)
    values = _values(request.GET, form)
    block = _dependents(form, item, values, {})
    context = {"block": block, "form": form, "part_base": part_base("surveys:form_part", info.code)}
    return render(request, "surveys/public/_dependents.html", context)


@require_GET
def thanks(request, code: str):
    info = services.resolve_link(code)
    if info is None:
        return _unknown(request)
    form = services.form_for(info.questionnaire_id) if info.questionnaire_id else None
    return _page(request, "surveys/public/thanks.html", {"info": info, "form": form})


def qr_image(url: str, kind: str) -> bytes:
    """The QR code of URL as a standalone SVG or PNG file."""
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    if kind == "svg":
        qr.save(buffer, kind="svg", scale=8, border=2, title=_("QR-код анкеты"), encoding="utf-8")
    else:
        qr.save(buffer, kind="png", scale=12, border=2)
    return buffer.getvalue()


@require_GET
@cache_control(public=True, max_age=86400)
def qr(request, code: str, kind: str):
    info = services.resolve_link(code)
    if info is None:
        return HttpResponse(status=404)
    from surveys.models import SurveyLink

    url = SurveyLink(code=info.code).public_url
    content_type = "image/svg+xml" if kind == "svg" else "image/png"
    response = HttpResponse(qr_image(url, kind), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="anketa-{info.code}.{kind}"'
    return response
