"""Many sites concurrently from synchronous code (the mass-run path)."""

from __future__ import annotations

from sitecheck.engine.fetch import FetchConfig, LoopbackResolver
from sitecheck.engine.runner import check_sites, iter_crawls
from sitecheck.loopback import ThreadedLoopback

HOME = '<html><body><a href="/sveden/">Сведения об образовательной организации</a></body></html>'.encode()
HUB = '<html><body><a href="/sveden/common/">Основные сведения</a></body></html>'.encode()
COMMON = '<html><body><p itemprop="fullName">МБОУ СОШ № 1</p></body></html>'.encode()


def _config(**kw) -> FetchConfig:
    return FetchConfig(resolver=LoopbackResolver(), retries=0, **kw)


def _sites(n):
    return {f"s{i}": {"/": HOME, "/sveden/": HUB, "/sveden/common/": COMMON} for i in range(n)}


def test_many_sites_in_a_thread_one_hanging_does_not_stop_the_rest(rulebook):
    sites = _sites(6)
    with ThreadedLoopback(sites) as srv:
        items = [(f"s{i}", srv.url(f"s{i}")) for i in range(6)] + [("dead", srv.url("hang"))]
        results = check_sites(items, rulebook, _config(timeout=0.7, site_timeout=5, concurrency=4))
    assert set(results) == {*(f"s{i}" for i in range(6)), "dead"}
    assert "не ответил" in results["dead"].error
    assert all("common" in results[f"s{i}"].sections for i in range(6))


def test_closing_the_iterator_early_stops_the_crawl(rulebook):
    with ThreadedLoopback(_sites(12)) as srv:
        items = [(i, srv.url(f"s{i}")) for i in range(12)]
        crawls = iter_crawls(items, rulebook, _config(timeout=2, site_timeout=5, concurrency=2, per_host=1))
        first = next(crawls)
        crawls.close()
        hits_after_close = srv.hits
    assert first[1].sections
    assert hits_after_close < 12 * 4  # robots, home, hub, common for every site had it not stopped
