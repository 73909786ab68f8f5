"""Templates keep to the Content-Security-Policy: no inline event handlers, no javascript: URLs, and an
inline <script> only with the request's nonce. The browser refuses anything else in production (and in
the demo), so a confirm() in onsubmit would silently stop asking: write data-confirm="…" on the form
instead (static/noko/confirm.js asks), or hx-confirm on an htmx request."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
INLINE_HANDLER = re.compile(r"""<[a-zA-Z][^>]*\s(on[a-z]+)\s*=\s*["']""", re.S)
TEMPLATE_SYNTAX = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
DATA_SCRIPT = re.compile(r"""type\s*=\s*["'](application/(ld\+)?json|text/template)["']""", re.I)


def _templates():
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    for folder in folders:
        if ".venv" in folder.parts:
            continue
        yield from folder.rglob("*.html")


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def test_templates_have_no_inline_script_outside_the_policy():
    problems = []
    for path in _templates():
        source = path.read_text(encoding="utf-8")
        # blank out template tags (keeping line numbers) so `{% if only == … %}` is not an attribute
        text = TEMPLATE_SYNTAX.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), source)
        where = path.relative_to(ROOT)
        for match in INLINE_HANDLER.finditer(text):
            problems.append(f"{where}:{_line(text, match.start(1))}: inline handler {match[1]}=")
        for match in JS_URL.finditer(text):
            problems.append(f"{where}:{_line(text, match.start())}: javascript: URL")
        for match in SCRIPT_TAG.finditer(text):
            attributes = match[1]
            original = source[match.start() : match.end()]
            if "src=" in attributes or DATA_SCRIPT.search(attributes) or "csp_nonce" in original:
                continue
            problems.append(
                f'{where}:{_line(text, match.start())}: inline <script> without nonce="{{{{ request.csp_nonce }}}}"'
            )
    hint = '\n(confirm dialogs: data-confirm="…" with static/noko/confirm.js; scripts: a static file or the nonce)'
    assert not problems, "blocked by the Content-Security-Policy:\n" + "\n".join(problems) + hint


def test_the_scan_finds_what_the_browser_would_block():
    bad = '<form onsubmit="return confirm(1)"><a href="javascript:go()">x</a><script>run()</script></form>'
    assert INLINE_HANDLER.search(bad)[1] == "onsubmit"
    assert JS_URL.search(bad)
    tag = SCRIPT_TAG.search(bad)
    assert tag and "src=" not in tag[1]
    assert not INLINE_HANDLER.search('<button hx-confirm="Удалить?" data-one="1">')
    assert not INLINE_HANDLER.search('<a href="?only=x" class="on">')
