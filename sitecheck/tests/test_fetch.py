"""Fetching on loopback: timeouts with a clear error, robots.txt, encodings, redirects, size limits."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import pytest_asyncio

from sitecheck.engine.fetch import FetchConfig, Fetcher, LoopbackResolver
from sitecheck.engine.runner import crawl_one
from sitecheck.engine.site import analyze_site, crawl_site
from sitecheck.loopback import make_app

pytestmark = pytest.mark.asyncio

CP1251_PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head><body>'
    '<a href="/sveden/">Сведения об образовательной организации</a>'
    '<div itemprop="fullName">Муниципальное бюджетное общеобразовательное учреждение «Школа № 5»</div>'
    "<p>Телефон: 8 (4232) 22-33-44</p></body></html>"
).encode("cp1251")
UTF8_HOME = '<html><body><a href="/sveden/">Сведения об образовательной организации</a></body></html>'.encode()
HUB = '<html><body><a href="/sveden/common/">Основные сведения</a></body></html>'.encode()
COMMON = '<html><body><p itemprop="fullName">МБОУ СОШ № 1</p><p itemprop="address">Улица</p></body></html>'.encode()


def _config(**kw) -> FetchConfig:
    base = dict(resolver=LoopbackResolver(), timeout=1.0, connect_timeout=1.0, read_timeout=1.0, retries=0)
    base.update(kw)
    return FetchConfig(**base)


@pytest_asyncio.fixture
async def server(aiohttp_server):
    sites = {
        "cp1251": {"/": (200, "text/html", CP1251_PAGE)},
        "cp1251header": {"/": (200, "text/html; charset=windows-1251", CP1251_PAGE.replace(b"windows-1251", b"x"))},
        "robots": {"/": UTF8_HOME, "/sveden/": HUB, "/sveden/common/": COMMON},
        "open": {"/": UTF8_HOME, "/sveden/": HUB, "/sveden/common/": COMMON},
        "refresh": {
            "/": b'<html><head><meta http-equiv="refresh" content="0; url=/new/"></head>'
            b'<body><div style="display:none"><a href="/sveden/">x</a></div></body></html>',
            "/new/": UTF8_HOME,
            "/sveden/": HUB,
            "/sveden/common/": COMMON,
        },
        "loop": {"/": (302, "", b"/a"), "/a": (302, "", b"/")},
        "big": {"/": b"<html><body>" + b"<p itemprop='fullName'>x</p>" * 200_000 + b"</body></html>"},
    }
    robots = {"robots": "User-agent: *\nDisallow: /sveden/\n"}
    return await aiohttp_server(make_app(sites, robots=robots))


def url(server, name, path="/"):
    return f"http://{name}.test:{server.port}{path}"


async def test_hanging_site_times_out_with_an_error_naming_the_url(server):
    started = time.monotonic()
    async with Fetcher(_config(timeout=0.8, read_timeout=0.8)) as fetcher:
        result = await fetcher.fetch(url(server, "hang"))
    assert time.monotonic() - started < 5
    assert result.fatal and not result.ok
    assert "не ответил за 0.8 с" in result.error
    assert url(server, "hang") in result.error


async def test_dripping_site_is_cut_by_the_total_timeout(server):
    async with Fetcher(_config(timeout=1.5, read_timeout=5)) as fetcher:
        result = await fetcher.fetch(url(server, "drip"))
    assert "не ответил" in result.error and "drip.test" in result.error


async def test_hanging_site_makes_the_whole_check_an_error_not_a_hang(server, rulebook):
    async with Fetcher(_config(timeout=0.5)) as fetcher:
        crawl = await crawl_one(fetcher, url(server, "hang"), rulebook, site_timeout=10)
    assert crawl.error.startswith("Сайт не ответил") and "hang.test" in crawl.error
    report = analyze_site(rulebook, crawl, org_type="SCH", as_of=dt.date(2026, 3, 1))
    assert report.summary["items_placed"] == 0
    assert report.findings[0].code == "site.unavailable"


async def test_site_timeout_bounds_a_slow_site(server, rulebook):
    async with Fetcher(_config(timeout=30, read_timeout=30)) as fetcher:
        crawl = await crawl_one(fetcher, url(server, "hang"), rulebook, site_timeout=0.5)
    assert "не завершилась за 0.5 с" in crawl.error


async def test_unreachable_port_is_a_connection_error(rulebook):
    async with Fetcher(_config()) as fetcher:
        result = await fetcher.fetch("http://closed.test:9/")
    assert result.fatal and "Не удалось подключиться к http://closed.test:9/" in result.error


async def test_robots_txt_is_respected(server, rulebook):
    async with Fetcher(_config()) as fetcher:
        blocked = await fetcher.fetch(url(server, "robots", "/sveden/common/"))
        allowed = await fetcher.fetch(url(server, "robots", "/"))
        crawl = await crawl_site(fetcher, url(server, "robots"), rulebook)
    assert blocked.blocked and "robots.txt" in blocked.error and "/sveden/common/" in blocked.error
    assert allowed.ok
    assert crawl.hub is None and not crawl.sections
    async with Fetcher(_config(respect_robots=False)) as fetcher:
        crawl = await crawl_site(fetcher, url(server, "robots"), rulebook)
    assert "common" in crawl.sections


async def test_windows_1251_declared_in_meta(server, rulebook):
    async with Fetcher(_config()) as fetcher:
        crawl = await crawl_site(fetcher, url(server, "cp1251"), rulebook)
    page = crawl.home
    assert page.encoding == "cp1251"
    assert page.parsed.items["fullName"][0].value.startswith("Муниципальное бюджетное")
    assert "телефон: 8 (4232) 22-33-44" in page.parsed.signals.text


async def test_windows_1251_declared_in_the_http_header(server, rulebook):
    async with Fetcher(_config()) as fetcher:
        crawl = await crawl_site(fetcher, url(server, "cp1251header"), rulebook)
    assert crawl.home.parsed.items["fullName"][0].value.startswith("Муниципальное")


async def test_meta_refresh_is_followed_and_hidden_content_ignored(server, rulebook):
    async with Fetcher(_config()) as fetcher:
        crawl = await crawl_site(fetcher, url(server, "refresh"), rulebook)
    assert crawl.home.final_url.endswith("/new/")
    assert any("meta refresh" in r for r in crawl.home.redirects)
    assert "common" in crawl.sections


async def test_redirect_loop_is_reported(server):
    async with Fetcher(_config(max_redirects=3)) as fetcher:
        result = await fetcher.fetch(url(server, "loop"))
    assert "Слишком много перенаправлений" in result.error


async def test_size_limit_truncates_and_says_so(server, rulebook):
    async with Fetcher(_config(max_bytes=100_000)) as fetcher:
        crawl = await crawl_site(fetcher, url(server, "big"), rulebook)
    assert crawl.home.truncated and crawl.home.size == 100_000
    report = analyze_site(rulebook, crawl, org_type="SCH", as_of=dt.date(2026, 3, 1))
    assert any(f.code == "site.truncated" for f in report.findings)
