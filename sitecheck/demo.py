"""Demo site checks for the organizations of the current cycles — no network.

Each organization gets a generated website (``sitecheck.synthetic``) whose completeness depends
on a deterministic quality level; it is served from memory to the real crawler and analyser,
so the findings, counts and evidence hashes are what a check of such a site would produce.
A few sites are "down" and a few organizations have no site address, as in real registries.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random

from django.conf import settings
from django.utils import timezone

from cycles.models import CycleOrganization
from sitecheck import services
from sitecheck.engine.fetch import MemoryFetcher
from sitecheck.engine.site import SiteCrawl, crawl_site
from sitecheck.models import SiteCheck
from sitecheck.rules import rulebook_for
from sitecheck.synthetic import generate_site

SEED_OFFSET = 1100


def _questionnaire_url(entry: CycleOrganization) -> str:
    base = getattr(settings, "PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/public/survey/{entry.organization_id}/"


def populate(ctx) -> None:
    entries = list(
        CycleOrganization.objects.included()
        .filter(cycle__in=ctx.current_cycles)
        .select_related("organization", "cycle")
        .order_by("pk")
    )
    if not entries:
        return
    operator = ctx.users.get("operator")
    rng = random.Random(ctx.seed + SEED_OFFSET)  # noqa: S311 - demo data
    plans = []
    for entry in entries:
        org = entry.organization
        book = rulebook_for(entry.cycle.site_rules_version)
        org_type = book.org_type_code(org.org_type)
        as_of = dt.date(entry.cycle.year, 3, 2) + dt.timedelta(days=rng.randint(0, 40))
        roll = rng.random()
        site_seed = ctx.seed * 10_000 + org.pk
        plans.append((entry, book, org_type, as_of, roll, site_seed))

    async def crawl_all() -> list[SiteCrawl]:
        results = []
        for entry, book, org_type, as_of, roll, site_seed in plans:
            url = entry.organization.website
            if not url:
                results.append(SiteCrawl(start_url="", error="В реестре не указан адрес официального сайта"))
                continue
            if roll < 0.04:
                results.append(SiteCrawl(start_url=url, error=f"Сайт не ответил за 20 с: {url}"))
                continue
            pages, _spec = generate_site(
                book, site_seed, org_type=org_type, as_of=as_of, questionnaire_url=_questionnaire_url(entry)
            )
            root = url.rstrip("/")
            fetcher = MemoryFetcher({root + path: (200, "text/html", body) for path, body in pages.items()})
            results.append(await crawl_site(fetcher, root + "/", book))
        return results

    crawls = asyncio.run(crawl_all())
    now = timezone.now()
    for (entry, book, org_type, as_of, _roll, _seed), crawl in zip(plans, crawls, strict=True):
        check = SiteCheck.objects.create(
            organization=entry.organization,
            cycle_organization=entry,
            rules_version=book.code,
            org_type=org_type or "",
            evaluated_on=as_of,
            url=entry.organization.website,
            created_by=operator,
            started_at=now,
        )
        services.save_crawl(check, crawl, store_snapshots=False)
