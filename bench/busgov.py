"""bus.gov.ru bridge on a large region: a reviews export of 20 000 rows (parse, apply, re-import), the
monitoring dashboard, the officials register and the results package of the largest cycle."""

from __future__ import annotations

import datetime
import random
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.report import figure, timed

ROWS = 20_000


def _reviews_file(ctx, rng: random.Random) -> bytes:
    orgs = [o for o in ctx.organizations if o.parent_id is None]
    lines = [
        "Номер отзыва;Идентификатор учреждения;ИНН;Дата отзыва;Общая оценка;Текст отзыва;Ответ учреждения;Дата ответа"
    ]
    texts = [
        "Вкусное питание и внимательные воспитатели",
        "Холодно в классах, туалеты грязные",
        "Нет пандуса",
        "На сайте нет расписания",
        "Учитель грубо разговаривает",
        "Всё хорошо, спасибо",
    ]
    for n in range(ROWS):
        org = rng.choice(orgs)
        day = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
        answer, answered_on = (
            ("Спасибо за отзыв", f"{day + datetime.timedelta(days=3):%d.%m.%Y}") if rng.random() < 0.3 else ("", "")
        )
        lines.append(
            f"77{n:07d};{org.busgov_id};{org.inn};{day:%d.%m.%Y};{rng.randint(1, 5)};{rng.choice(texts)};"
            f"{answer};{answered_on}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def run(ctx) -> None:
    from busgov import monitoring, services
    from busgov.choices import ImportKind, InfoKind
    from cycles.models import Cycle, CycleOrganization

    user = ctx.users["region"]
    data = _reviews_file(ctx, random.Random(ctx.seed + 88))
    with timed("busgov", "reviews import: parse and check", ROWS, "rows"):
        batch = services.prepare_import(user, ImportKind.REVIEWS, data, "bench.csv")
    figure("busgov", "reviews import: rows with errors", len(batch.errors), "rows")
    with timed("busgov", "reviews import: apply", len(batch.rows), "rows"):
        services.apply_import(user, batch, skip_bad_rows=True)
    with timed("busgov", "reviews re-import: parse + apply (unchanged)", ROWS, "rows"):
        again = services.prepare_import(user, ImportKind.REVIEWS, data, "bench.csv")
        services.apply_import(user, again, skip_bad_rows=True)

    with timed("busgov", "monitoring summary (region, year)"):
        summary = monitoring.review_summary(user, 2026)
    figure(
        "busgov",
        "monitoring: organizations / reviews",
        summary.totals.organizations,
        "orgs",
        f"{summary.totals.reviews} reviews",
    )
    with timed("busgov", "officials register (region)"):
        monitoring.officials_register(user, datetime.date(2026, 6, 1))

    client = Client()
    client.force_login(user)
    for name, url in (
        ("reviews page", "/busgov/reviews/?year=2026"),
        ("overview page", "/busgov/"),
        ("home page", "/"),
    ):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        figure("busgov", f"{name}: time", time.perf_counter() - started, "s", f"status {response.status_code}")
        figure("busgov", f"{name}: queries", len(queries), "queries")

    closed = [c for c in Cycle.objects.filter(phase="closed")]
    if closed:
        biggest = max(closed, key=lambda c: CycleOrganization.objects.filter(cycle=c).count())
        count = CycleOrganization.objects.filter(cycle=biggest).count()
        with timed("busgov", "results package (XLSX+CSV+XML) of the largest cycle", count, "orgs"):
            package = services.start_export(user, biggest, InfoKind.RESULTS)
        figure("busgov", "results package rows", package.rows if package.rows else 0, "rows")
