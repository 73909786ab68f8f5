"""Mixed load at the peak of a region: public portal pages and survey submissions through gunicorn.

``run(ctx)`` publishes the whole region's results (``bench.reports.publish_whole_region``), opens the
current survey campaigns, starts gunicorn on loopback with 2 × cores sync workers (``bench.server``)
and lets ``LOAD_BENCH_USERS`` (default 32) virtual users work for ``LOAD_BENCH_SECONDS`` (default 20):
three of four are portal visitors (results page, filtered results, an organization's page, search, the
territory page, the open-data list, each chosen at random), one of four a respondent (opens the form of a
random organization, then posts questionnaires with fresh client UUIDs, one in ten sent twice as a phone
on a bad network does). Prints requests/s, p50/p95/p99 latency overall and per kind, errors (any answer
other than 200/302; target 0) and lost answers (acknowledged but not stored; target 0) with duplicates.

The load generator is aiohttp in this process (no wrk or locust on the machine); it shares the two cores
with the server, so the figures are a floor for a real deployment where clients are elsewhere. Users do
not pause between requests (a closed loop): this is a stress test, and its latency is mostly the wait
for a free gunicorn worker (users / throughput), not the time a page takes.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from collections import defaultdict

from bench.report import figure
from bench.server import free_port, quantile_ms, start_gunicorn, stop, workers
from bench.surveys import ANSWERS, CSRF, EXPECTED_PEAK_PER_S, open_links

PORTAL_SEARCHES = ("школа", "сад", "№ 1", "гимназия", "лицей", "центр", "детский", "СОШ")


def _portal_urls(ctx, cycle) -> list[str]:
    from bench.reports import BENCH_YEAR

    region = ctx.region.pk
    org_ids = list(cycle.entries.values_list("organization_id", flat=True))
    rng = random.Random(ctx.seed)
    urls = [f"/public/t/{region}/{BENCH_YEAR}/?page={n}" for n in range(1, 11)]
    urls += [f"/public/t/{region}/{BENCH_YEAR}/?type={t}" for t in ("oo", "doo", "do", "spo")]
    urls += [f"/public/t/{region}/{BENCH_YEAR}/?mo={m.pk}" for m in ctx.municipalities]
    urls += [f"/public/org/{pk}/" for pk in rng.sample(org_ids, min(200, len(org_ids)))]
    urls += [f"/public/search/?q={q}" for q in PORTAL_SEARCHES]
    urls += [f"/public/t/{region}/", "/public/", "/public/opendata/"]
    return urls


async def _load(base: str, portal: list[str], links: list[tuple[str, int]], seconds: float, users: int):
    import aiohttp

    stop_at = time.monotonic() + seconds
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    acknowledged: set[str] = set()
    sent_twice = 0

    async def timed(session, kind: str, method: str, url: str, **kwargs) -> tuple[int, str]:
        started = time.perf_counter()
        try:
            async with session.request(method, base + url, allow_redirects=False, **kwargs) as response:
                body = await response.text()
                status = response.status
        except aiohttp.ClientError as exc:
            errors[f"{kind}: {exc.__class__.__name__}"] += 1
            return 0, ""
        latencies[kind].append(time.perf_counter() - started)
        if status not in (200, 302):
            errors[f"{kind}: HTTP {status}"] += 1
        return status, body

    async def visitor(rng: random.Random) -> None:
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < stop_at:
                await timed(session, "portal", "GET", rng.choice(portal))

    async def respondent(rng: random.Random) -> None:
        nonlocal sent_twice
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            while time.monotonic() < stop_at:
                code, _entry = rng.choice(links)
                status, page = await timed(session, "survey form", "GET", f"/surveys/a/{code}/")
                found = CSRF.search(page) if status == 200 else None
                if found is None:
                    continue
                client_id = str(uuid.uuid4())
                ip = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
                data = {**ANSWERS, "csrfmiddlewaretoken": found.group(1), "client_id": client_id}
                times = 2 if rng.random() < 0.1 else 1
                sent_twice += times - 1
                for _ in range(times):
                    headers = {"X-Forwarded-For": ip}
                    url = f"/surveys/a/{code}/"
                    status, _body = await timed(session, "survey answer", "POST", url, data=data, headers=headers)
                    if status in (200, 302):
                        acknowledged.add(client_id)

    started = time.perf_counter()
    roles = [respondent if n % 4 == 3 else visitor for n in range(users)]
    await asyncio.gather(*(role(random.Random(n)) for n, role in enumerate(roles)))
    return latencies, errors, acknowledged, sent_twice, time.perf_counter() - started


def run(ctx) -> None:
    from django.db import connection

    from bench.reports import publish_whole_region
    from cycles.models import Phase
    from surveys.models import Campaign, Response

    if isinstance(ctx, int):
        print("  load: needs the demo region (python -m bench load)")
        return
    cycle, size = publish_whole_region(ctx)
    campaigns = list(Campaign.objects.filter(cycle__phase=Phase.COLLECTION).select_related("cycle"))
    links = open_links(campaigns)
    if not links:
        print("  load: no open survey link in the demo")
        return
    seconds = float(os.environ.get("LOAD_BENCH_SECONDS", "20"))
    users = int(os.environ.get("LOAD_BENCH_USERS", "32"))
    portal = _portal_urls(ctx, cycle)
    port = free_port()
    server = start_gunicorn(port, "bench-load-gunicorn.log")
    base = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(_load(base, portal[:5], links[:2], 2.0, 4))  # warm up every worker's templates and caches
        before = Response.objects.count()
        latencies, errors, acknowledged, sent_twice, elapsed = asyncio.run(_load(base, portal, links, seconds, users))
    finally:
        stop(server)
    stored = Response.objects.filter(client_id__in=list(acknowledged)).count() if acknowledged else 0
    created = Response.objects.count() - before
    every = [t for kind in latencies.values() for t in kind]
    setup = f"{connection.vendor}, {size} orgs, gunicorn {workers()} workers, {users} users, {elapsed:.0f} s"
    figure("load", "requests/s, portal + survey mixed", len(every) / elapsed, "req/s", setup)
    figure(
        "load",
        "latency p50, all requests",
        quantile_ms(every, 0.5),
        "ms",
        f"p95 {quantile_ms(every, 0.95):.0f} ms, p99 {quantile_ms(every, 0.99):.0f} ms",
    )
    for kind in ("portal", "survey form", "survey answer"):
        times = latencies.get(kind, [])
        figure(
            "load",
            f"{kind}: requests/s, p50",
            len(times) / elapsed,
            "req/s",
            f"p50 {quantile_ms(times, 0.5):.0f} ms, p95 {quantile_ms(times, 0.95):.0f} ms, "
            f"p99 {quantile_ms(times, 0.99):.0f} ms",
        )
    figure("load", "errors", sum(errors.values()), "req", ", ".join(f"{k} ×{n}" for k, n in errors.items()))
    lost = len(acknowledged) - stored
    duplicated = max(0, created - len(acknowledged))
    figure(
        "load",
        "lost / duplicated answers",
        lost + duplicated,
        "rows",
        f"{len(acknowledged)} acknowledged, {sent_twice} sent twice, {lost} lost, {duplicated} duplicated; target 0",
    )
    figure(
        "load",
        "answers/s vs the expected peak hour",
        len(acknowledged) / elapsed / EXPECTED_PEAK_PER_S,
        "×",
        f"peak = {EXPECTED_PEAK_PER_S:.2f} answers/s (300,000 answers in 30 days, evening peak 8× the mean)",
    )
