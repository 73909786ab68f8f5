"""Reports and the portal on a whole region: one published cycle holding every organization of the region.

The demo spreads organizations over three years and many municipal cycles; to measure a report of the
whole region at once, the benchmark adds one regional cycle of every assessable organization, fills its
inputs, computes and publishes it through the scoring services, and then times the operator's report
(DOCX), the XLSX tables, the letter, a parents' card and the public portal pages.
"""

from __future__ import annotations

import random
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.report import figure, timed

BENCH_YEAR = 2027


def publish_whole_region(ctx):
    """The published regional cycle of every assessable organization (made once per benchmark database)."""
    from cycles.models import Cycle, CycleOrganization, Phase
    from registry.choices import OrgStatus
    from scoring.choices import ResultStatus
    from scoring.demo import fill_missing_inputs
    from scoring.services import compute_cycle, finalize_cycle

    existing = Cycle.objects.filter(territory=ctx.region, year=BENCH_YEAR, phase=Phase.PUBLICATION).first()
    if existing is not None:
        return existing, existing.entries.count()
    cycle = Cycle.objects.create(
        territory=ctx.region,
        year=BENCH_YEAR,
        title=f"НОКО {BENCH_YEAR}: вся область",
        phase=Phase.FINAL,
        list_frozen=True,
    )
    organizations = [o for o in ctx.organizations if o.parent_id is None and o.status != OrgStatus.LIQUIDATED]
    CycleOrganization.objects.bulk_create(
        [CycleOrganization(cycle=cycle, organization=o) for o in organizations], batch_size=1000
    )
    with timed("reports", "setup: inputs + compute + finalize"):
        fill_missing_inputs(cycle, random.Random(ctx.seed + 2027))
        compute_cycle(cycle, None, gather=False, status=ResultStatus.PRELIMINARY)
        finalize_cycle(None, cycle)
    try:
        from plans.services import seed_plans

        with timed("reports", "setup: seed plans"):
            seed_plans(cycle)
    except ImportError:
        pass
    Cycle.objects.filter(pk=cycle.pk).update(phase=Phase.PUBLICATION)
    cycle.refresh_from_db()
    return cycle, len(organizations)


def _median_ms(client, urls, repeat: int = 1) -> tuple[float, float]:
    times, queries = [], []
    for _ in range(repeat):
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
            queries.append(len(captured))
    return statistics.median(times), max(queries)


def run(ctx) -> None:
    from reports import documents, services, xlsx
    from reports.choices import DocumentKind
    from reports.data import collect
    from reports.scope import ReportScope

    cycle, size = publish_whole_region(ctx)
    user = ctx.users["region"]
    scope = ReportScope(ctx.region, BENCH_YEAR)

    with timed("reports", "collect report data (whole region)", size, "orgs"):
        data = collect(user, scope)
    shortcomings = sum(len(r.shortcomings) for r in data.rows)
    figure(
        "reports", "organizations / shortcomings in report", data.organizations, "orgs", f"{shortcomings} shortcomings"
    )
    started = time.perf_counter()
    report = services.generate(user, DocumentKind.OPERATOR_REPORT, scope)
    elapsed = time.perf_counter() - started
    figure("reports", "operator report DOCX, end to end", elapsed, "s", f"{size} organizations; target ≤ 60 s")
    figure("reports", "operator report size", len(report.content) / 1024 / 1024, "MB")
    with timed("reports", "  of which: render DOCX from collected data"):
        documents.operator_report(data)
    with timed("reports", "XLSX tables, end to end"):
        tables = services.generate(user, DocumentKind.XLSX, scope)
    figure("reports", "XLSX size", len(tables.content) / 1024 / 1024, "MB")
    with timed("reports", "  of which: write XLSX from collected data"):
        xlsx.report_workbook(data)
    with timed("reports", "letter to the ministry DOCX"):
        services.generate(user, DocumentKind.MINISTRY_LETTER, scope)

    entry = cycle.entries.first()
    with timed("reports", "attestation extract DOCX (one organization)"):
        services.attestation_extract(user, entry)
    from reports.pdf import card_pdf

    card = services.organization_card(user, entry)
    card_pdf(card, public_url="https://noko.example.ru/")  # warm up fonts
    with timed("reports", "parents' card PDF (one organization)"):
        card_pdf(card, public_url="https://noko.example.ru/")

    client = Client()
    region = ctx.region.pk
    client.get(f"/public/t/{region}/{BENCH_YEAR}/")  # warm up templates
    pages = [f"/public/t/{region}/{BENCH_YEAR}/?page={n}" for n in range(1, 11)]
    median, queries = _median_ms(client, pages, repeat=2)
    figure("portal", "results page (whole region), median", median, "ms", f"≤ {queries} queries; target ≤ 200 ms")
    from django.core.cache import cache

    cold = []
    for _ in range(5):
        cache.clear()
        started = time.perf_counter()
        client.get(f"/public/t/{region}/{BENCH_YEAR}/")
        cold.append((time.perf_counter() - started) * 1000)
    figure("portal", "results page, cold aggregate cache, median", statistics.median(cold), "ms")
    filtered = [f"/public/t/{region}/{BENCH_YEAR}/?type={t}" for t in ("oo", "doo", "do", "spo")]
    filtered += [f"/public/t/{region}/{BENCH_YEAR}/?mo={m.pk}" for m in ctx.municipalities[:6]]
    median, queries = _median_ms(client, filtered, repeat=2)
    figure("portal", "results page with a filter, median", median, "ms", f"≤ {queries} queries")
    org_pages = [f"/public/org/{e.organization_id}/" for e in cycle.entries.order_by("pk")[:20]]
    median, queries = _median_ms(client, org_pages)
    figure("portal", "organization page, median", median, "ms", f"≤ {queries} queries")
    searches = [f"/public/search/?q={q}" for q in ("школа", "сад", "№ 1", "гимназия", "лицей", "центр")]
    median, queries = _median_ms(client, searches, repeat=3)
    figure("portal", "search, median", median, "ms", f"≤ {queries} queries")
    median, queries = _median_ms(client, [f"/public/t/{region}/", "/public/"], repeat=5)
    figure("portal", "territory page, median", median, "ms", f"≤ {queries} queries")
    with timed("portal", "open data CSV of the whole region"):
        response = client.get(f"/public/opendata/{cycle.pk}/data.csv")
    figure("portal", "open data CSV size", len(response.content) / 1024, "KB")
