"""Citizen survey benchmark: intake through the real HTTP stack, and counting a million questionnaires.

``run(ctx)`` (called by ``python -m bench`` with the demo context; an int is taken as the size)
prints with ``bench.report``:

* bulk generation of questionnaires up to ``min(1,000,000, 500 × size)`` rows (the demo's own
  generator, COPY on PostgreSQL) — rows/s;
* ``surveys.score_inputs.provide`` over every current cycle, and the progress dashboard query of
  the biggest cycle — seconds for the whole table;
* submissions/s of the public form through gunicorn on loopback (GET once per virtual respondent for
  the CSRF cookie, then POSTs with fresh client UUIDs, 10 % of them retried), side by side with a
  bare Django view that inserts one row, in the same run; latency p50/p95; and the check that no
  acknowledged answer is lost and no retry is duplicated, against 10× the expected peak of a region of
  2,000 organizations collecting 300,000 answers in 30 days.

The load generator is aiohttp (no wrk/locust on the machine); ``SURVEYS_BENCH_SECONDS`` (default 10)
and ``SURVEYS_BENCH_CONCURRENCY`` (default 16) tune it.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import random
import re
import time
import uuid
from pathlib import Path

from django.db import connection
from django.utils import timezone

from bench.report import figure
from bench.server import free_port, quantile_ms, start_gunicorn, stop
from cycles.models import CycleOrganization, Phase
from surveys import demo, progress, score_inputs, services
from surveys.models import Campaign, Response, SurveyLink

BASE = Path(__file__).resolve().parent.parent
ANSWERS = {
    "respondent_group": "parent_pupil",
    "info_stand_used": "yes",
    "info_stand_satisfied": "yes",
    "info_site_used": "no",
    "comfort_satisfied": "yes",
    "disability": "no",
    "first_contact_polite": "yes",
    "service_staff_polite": "yes",
    "remote_used": "yes",
    "remote_polite": "yes",
    "recommend": "yes",
    "org_conditions_satisfied": "no",
    "overall_satisfied": "yes",
}
# a region of 2,000 organizations collecting 300,000 answers in 30 days; evenings carry the load:
# the peak hour is taken as 8× the average rate, and the test load must hold 10× that peak
EXPECTED_PEAK_PER_S = 300_000 / (30 * 24 * 3600) * 8
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def run(ctx) -> None:
    size = ctx if isinstance(ctx, int) else getattr(ctx, "size", 2000)
    current = list(Campaign.objects.filter(cycle__phase=Phase.COLLECTION).select_related("cycle"))
    if not current:
        print("  surveys: no current campaign (the demo did not run surveys.populate)")
        return
    _top_up(size, current)
    _count(current)
    _http(current)


def _top_up(size: int, campaigns: list[Campaign]) -> None:
    wanted = min(1_000_000, 500 * size)
    have = Response.objects.count()
    figure("surveys", "questionnaires in the demo", have, "rows")
    if have >= wanted:
        return
    rng = random.Random(2026)
    questionnaire = services.get_questionnaire(demo.QUESTIONNAIRE)
    form = services.form_for(questionnaire)
    entries = list(
        CycleOrganization.objects.filter(cycle__in=[c.cycle for c in campaigns])
        .included()
        .select_related("organization", "organization__territory", "cycle")
    )
    by_cycle = {c.cycle_id: c for c in campaigns}
    per_entry = (wanted - have) // max(1, len(entries)) + 1
    now = timezone.now()
    added = 0
    started = time.perf_counter()
    for entry in entries:
        if added >= wanted - have:
            break
        rows = demo.generate(rng, form, questionnaire.pk, entry, by_cycle[entry.cycle_id], per_entry, now=now)
        added += demo.insert_rows(rows)
    elapsed = time.perf_counter() - started
    figure("surveys", "generate + insert questionnaires", elapsed, "s", f"{added} rows ({connection.vendor})")
    figure("surveys", "generate + insert: rate", added / elapsed if elapsed else 0, "rows/s")
    with connection.cursor() as cursor:  # what autovacuum does after a bulk load in production
        cursor.execute(f"ANALYZE {Response._meta.db_table}")


def _count(campaigns: list[Campaign]) -> None:
    total = Response.objects.filter(cycle_organization__cycle__phase=Phase.COLLECTION).count()
    started = time.perf_counter()
    values = 0
    for campaign in campaigns:
        values += sum(1 for _ in score_inputs.provide(campaign.cycle))
    elapsed = time.perf_counter() - started
    figure("surveys", "provide() for every current cycle", elapsed, "s", f"{total} questionnaires, {values} values")
    biggest = max(campaigns, key=lambda c: c.cycle.entries.count())
    entries = CycleOrganization.objects.filter(cycle=biggest.cycle).included()
    started = time.perf_counter()
    rows = progress.cycle_progress(biggest, entries)
    figure(
        "surveys", "progress dashboard query (biggest cycle)", time.perf_counter() - started, "s", f"{len(rows)} orgs"
    )


# --- HTTP ---------------------------------------------------------------------------------------


async def _load(base: str, links: list[tuple[str, int]], questionnaire_id: int, bare: bool, seconds: float, users: int):
    import aiohttp

    stop = time.monotonic() + seconds
    latencies: list[float] = []
    acknowledged: set[str] = set()
    retries = 0
    errors: dict[int, int] = {}

    async def respondent(number: int) -> None:
        nonlocal retries
        rng = random.Random(number)
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            token = ""
            if not bare:
                async with session.get(f"{base}/surveys/a/{links[0][0]}/") as page:
                    token = CSRF.search(await page.text()).group(1)
            while time.monotonic() < stop:
                code, entry_id = rng.choice(links)
                client_id = str(uuid.uuid4())
                ip = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
                if bare:
                    url, data = f"{base}/bench/bare/", {"client_id": client_id, "entry": entry_id}
                    data["questionnaire"] = questionnaire_id
                else:
                    url = f"{base}/surveys/a/{code}/"
                    data = {**ANSWERS, "csrfmiddlewaretoken": token, "client_id": client_id}
                attempts = 2 if not bare and rng.random() < 0.1 else 1  # the bare view is not retry-safe
                retries += attempts - 1
                for _attempt in range(attempts):
                    started = time.perf_counter()
                    async with session.post(
                        url, data=data, headers={"X-Forwarded-For": ip}, allow_redirects=False
                    ) as r:
                        await r.read()
                        latencies.append(time.perf_counter() - started)
                        if r.status in (200, 302):
                            acknowledged.add(client_id)
                        else:
                            errors[r.status] = errors.get(r.status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(respondent(n) for n in range(users)))
    return acknowledged, latencies, retries, errors, time.perf_counter() - started


def open_links(campaigns: list[Campaign]) -> list[tuple[str, int]]:
    """Open the campaigns today and return (link code, cycle organization id) of every current survey link."""
    today = timezone.localdate()
    Campaign.objects.filter(pk__in=[c.pk for c in campaigns]).update(
        opens_on=today - datetime.timedelta(days=10), closes_on=today + datetime.timedelta(days=10)
    )
    return list(
        SurveyLink.objects.filter(cycle_organization__cycle__phase=Phase.COLLECTION).values_list(
            "code", "cycle_organization_id"
        )
    )


def _http(campaigns: list[Campaign]) -> None:
    seconds = float(os.environ.get("SURVEYS_BENCH_SECONDS", "10"))
    users = int(os.environ.get("SURVEYS_BENCH_CONCURRENCY", "16"))
    links = open_links(campaigns)
    questionnaire_id = campaigns[0].questionnaire_id
    port = free_port()
    server = start_gunicorn(port, "bench-surveys-gunicorn.log")
    base = f"http://127.0.0.1:{port}"
    try:
        results = {}
        for label, bare in (("bare insert view", True), ("survey form", False)):
            before = Response.objects.count()
            acknowledged, latencies, retries, errors, elapsed = asyncio.run(
                _load(base, links, questionnaire_id, bare, seconds, users)
            )
            stored = Response.objects.filter(client_id__in=list(acknowledged)).count() if acknowledged else 0
            created = Response.objects.count() - before
            rate = len(acknowledged) / elapsed
            results[label] = rate
            figure("surveys", f"HTTP submissions/s: {label}", rate, "req/s", f"{users} concurrent, {elapsed:.0f} s")
            figure(
                "surveys",
                f"HTTP latency p50/p95: {label}",
                quantile_ms(latencies, 0.5),
                "ms",
                f"p95 {quantile_ms(latencies, 0.95):.0f} ms",
            )
            lost = len(acknowledged) - stored
            duplicated = created - len(acknowledged)
            note = f"{len(acknowledged)} acknowledged, {retries} retried, errors {errors or 0}"
            figure("surveys", f"lost / duplicated answers: {label}", lost + max(0, duplicated), "rows", note)
        ratio = 100 * results["survey form"] / results["bare insert view"] if results["bare insert view"] else 0
        figure("surveys", "survey form vs bare insert view", ratio, "%", "target ≥ 50 %")
        figure(
            "surveys",
            "tested rate vs 10× expected peak",
            results["survey form"] / (10 * EXPECTED_PEAK_PER_S),
            "×",
            f"10× peak = {10 * EXPECTED_PEAK_PER_S:.1f} answers/s",
        )
    finally:
        stop(server)
