"""Scoring benchmark: the region from stored answers, growth with size, CSV and XLSX answer files.

``run(ctx)`` prints:
* the region: its stored questionnaires topped up to ``BENCH_SCORING_ANSWERS`` (default 1,000,000) by copying
  the demo's accepted ones, and the time to score every cycle of the region from them with
  ``compute_cycles`` — each collecting app's inputs gathered in a few set-based queries (the answers in one
  GROUP BY with a conditional COUNT per item), written where they changed, every organization computed,
  results, ratings and shortcomings written where they changed — then the same with nothing changed;
* growth: one cycle of 100, 500, 1,000 and 2,000 organizations scored for the first time from their stored
  answers (about 500 each, so 1,000,000 at 2,000 organizations; ``BENCH_SCORING_GROWTH`` changes the sizes),
  and the recomputation with nothing changed;
* import of ``BENCH_SCORING_ROWS`` questionnaires (default 1,000,000) from CSV plus scoring, one cycle of all
  organizations;
* the same rows as an XLSX file: its size, import with python-calamine plus scoring, and openpyxl's read rate
  measured on the first 100,000 rows with the time it would take for the whole file.
"""

from __future__ import annotations

import csv
import io
import os
import random
import time
import uuid

from django.db import connection

from bench.report import figure, timed
from cycles.models import Cycle, CycleOrganization, Phase
from registry.choices import OrgStatus
from registry.models import Organization
from scoring import importers, services
from scoring.models import Rating, Result, ScoreInput, ScoringRun, Shortcoming

DEMO_YEARS = (2024, 2025, 2026)


def run(ctx) -> None:
    admin = ctx.users["admin"]
    answers_target = int(os.environ.get("BENCH_SCORING_ANSWERS", "1000000"))
    rows_target = int(os.environ.get("BENCH_SCORING_ROWS", "1000000"))
    organizations = list(
        Organization.objects.filter(parent__isnull=True).exclude(status=OrgStatus.LIQUIDATED).order_by("pk")
    )
    figure("scoring", "machine load average (1 min) at start", os.getloadavg()[0], "", "other work running")
    _region_from_stored_answers(admin, answers_target)
    _growth(ctx, admin, organizations)
    if rows_target:
        cycle = _bench_cycle(ctx.region, 2099, organizations)
        csv_data, xlsx_rows = _answer_rows(cycle, rows_target)
        _import(admin, cycle, csv_data, "answers.csv", rows_target, "CSV")
        _xlsx(admin, cycle, xlsx_rows, rows_target)
    figure("scoring", "machine load average (1 min) at the end", os.getloadavg()[0], "")


def _responses():
    try:
        from surveys.models import Response
    except ImportError:
        return None
    return Response


def _region_from_stored_answers(admin, target: int) -> None:
    Response = _responses()
    if Response is None:
        figure("scoring", "stored answers", 0, "rows", "surveys app absent")
        return
    accepted = Response.objects.filter(status=Response.Status.ACCEPTED, cycle_organization__cycle__year__in=DEMO_YEARS)
    have = accepted.count()
    if have and target > have:
        started = time.perf_counter()
        sample = list(accepted.values_list("cycle_organization_id", "questionnaire_id", "yes_bits", "answered_bits"))
        rng = random.Random(11)
        batch = []
        for _ in range(target - have):
            entry, questionnaire, yes_bits, answered_bits = sample[rng.randrange(len(sample))]
            batch.append(
                Response(
                    client_id=uuid.uuid4(),
                    cycle_organization_id=entry,
                    questionnaire_id=questionnaire,
                    yes_bits=yes_bits,
                    answered_bits=answered_bits,
                    status=Response.Status.ACCEPTED,
                )
            )
            if len(batch) == 20000:
                Response.objects.bulk_create(batch, batch_size=5000)
                batch = []
        Response.objects.bulk_create(batch, batch_size=5000)
        figure("scoring", "setup: copy stored answers", time.perf_counter() - started, "s", f"{target - have} added")
    _analyze()
    stored = accepted.count()
    cycles = list(Cycle.objects.filter(entries__isnull=False, year__in=DEMO_YEARS).distinct().order_by("pk"))
    entries = CycleOrganization.objects.filter(cycle__in=cycles).included().count()
    figure("scoring", "stored questionnaires", stored, "rows", f"{entries} organizations, {len(cycles)} cycles")
    # the demo scored the region from its own answers: now every organization has more, so everything changes
    with timed("scoring", "score region from stored answers", entries, "orgs"):
        runs = services.compute_cycles(cycles, admin, gather=True, reason="benchmark")
    figure("scoring", "  results changed", sum(r.results_changed for r in runs), "rows")
    with timed("scoring", "recompute region (nothing changed)", entries, "orgs"):
        services.compute_cycles(cycles, admin, gather=True, reason="benchmark")
    with timed("scoring", "recompute region cycle by cycle (nothing changed)", entries, "orgs"):
        for cycle in cycles:
            services.compute_cycle(cycle, admin, gather=True, reason="benchmark")


def _analyze() -> None:
    """What autovacuum gives a running system after a bulk copy: fresh statistics and, on PostgreSQL, the new rows
    marked visible (without it the first query to read them would pay for that)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _bench_cycle(region, year: int, organizations) -> Cycle:
    cycle = Cycle.objects.create(territory=region, year=year, title=f"Бенчмарк {year}", phase=Phase.COLLECTION)
    CycleOrganization.objects.bulk_create(
        [CycleOrganization(cycle=cycle, organization=o) for o in organizations], batch_size=2000
    )
    return cycle


def _growth(ctx, admin, organizations) -> None:
    """Cycles of growing size scored from their answers: a pool cycle of every organization gets a copy of each
    organization's stored answers; each measured cycle takes over the pool's first N entries (with their
    answers) from the previous one, whose scoring rows are removed, and is scored for the first time."""
    Response = _responses()
    if Response is None:
        return
    wanted = os.environ.get("BENCH_SCORING_GROWTH", "100,500,1000,2000")
    sizes = sorted({min(int(size), len(organizations)) for size in wanted.split(",") if size.strip()})
    pool = _bench_cycle(ctx.region, 2089, organizations[: sizes[-1]])
    started = time.perf_counter()
    copied = _copy_answers(Response, pool)
    _analyze()
    figure("scoring", "setup: answers of the growth cycles", time.perf_counter() - started, "s", f"{copied} copied")
    entries = list(pool.entries.order_by("pk").values_list("pk", flat=True))
    previous = None
    for index, size in enumerate(sizes):
        cycle = Cycle.objects.create(
            territory=ctx.region, year=2090 + index, title=f"Рост {size}", phase=Phase.COLLECTION
        )
        if previous is not None:
            for model in (ScoreInput, Result, Rating, Shortcoming, ScoringRun):
                model.objects.filter(cycle=previous).delete()
        CycleOrganization.objects.filter(pk__in=entries[:size]).update(cycle=cycle)
        answers = Response.objects.filter(cycle_organization__cycle=cycle, status=Response.Status.ACCEPTED).count()
        started = time.perf_counter()
        services.compute_cycle(cycle, admin, gather=True)
        elapsed = time.perf_counter() - started
        figure("scoring", f"score {size} organizations from answers", elapsed, "s", f"{answers} answers")
        started = time.perf_counter()
        services.compute_cycle(cycle, admin, gather=True)
        figure("scoring", f"  recompute {size} (nothing changed)", time.perf_counter() - started, "s")
        previous = cycle


def _copy_answers(Response, pool: Cycle) -> int:
    """Every organization of POOL gets a copy of its accepted answers from the demo's cycles (one INSERT … SELECT)."""
    fields = [f for f in Response._meta.concrete_fields if not f.primary_key]
    new_uuid = "gen_random_uuid()" if connection.vendor == "postgresql" else "lower(hex(randomblob(16)))"
    columns, values = [], []
    for f in fields:
        columns.append(connection.ops.quote_name(f.column))
        if f.name == "client_id":
            values.append(new_uuid)
        elif f.name == "cycle_organization":
            values.append("pool.id")
        else:
            values.append(f"r.{connection.ops.quote_name(f.column)}")
    table = connection.ops.quote_name(Response._meta.db_table)
    entries = connection.ops.quote_name(CycleOrganization._meta.db_table)
    years = ", ".join(str(y) for y in DEMO_YEARS)
    cycles = connection.ops.quote_name(Cycle._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {table} r "  # noqa: S608
        f"JOIN {entries} src ON src.id = r.cycle_organization_id "
        f"JOIN {cycles} c ON c.id = src.cycle_id AND c.year IN ({years}) "
        f"JOIN {entries} pool ON pool.organization_id = src.organization_id AND pool.cycle_id = %s "
        "WHERE r.status = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pool.pk, Response.Status.ACCEPTED])
        return cursor.rowcount


def _answer_rows(cycle, count: int):
    """COUNT questionnaires spread over the cycle's organizations: CSV bytes and the rows for XLSX."""
    rng = random.Random(5)
    inns = list(cycle.entries.values_list("organization__inn", flat=True))
    header = ["ИНН"] + [
        f"{number}. {importers.QUESTION_TEXTS[code]}" for number, code in importers.QUESTION_NUMBERS.items()
    ]
    pool = []
    for _ in range(4096):  # realistic answer combinations, reused
        answers = ["Да" if rng.random() < 0.9 else "Нет" for _ in range(14)]
        for gate, item in ((0, 1), (2, 3), (5, 6), (9, 10)):
            if answers[gate] == "Нет":
                answers[item] = ""
        answers[5] = "Да" if rng.random() < 0.04 else "Нет"
        if answers[5] == "Нет":
            answers[6] = ""
        pool.append(answers)
    rows = [[inns[i % len(inns)], *pool[rng.randrange(len(pool))]] for i in range(count)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8"), [header, *rows]


def _import(admin, cycle, data: bytes, filename: str, count: int, label: str) -> None:
    figure("scoring", f"{label} answer file size", len(data) / 1e6, "MB", f"{count} questionnaires")
    started = time.perf_counter()
    report = services.import_inputs(admin, cycle, [(filename, data)], reason="benchmark")
    parsed = time.perf_counter() - started
    services.compute_cycle(cycle, admin, gather=False, reason="benchmark")
    total = time.perf_counter() - started
    figure("scoring", f"{label}: read + validate + store counts", parsed, "s", f"{report.error_count} errors")
    figure("scoring", f"{label}: import + scoring", total, "s", f"{count / total:.0f} rows/s")
    totals = Result.objects.filter(cycle=cycle, code="S", value__isnull=False).count()
    figure("scoring", f"{label}: organizations with a total", totals, "orgs")


def _xlsx(admin, cycle, rows, count: int) -> None:
    import xlsxwriter

    started = time.perf_counter()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet()
    for index, row in enumerate(rows):
        sheet.write_row(index, 0, row)
    book.close()
    data = buffer.getvalue()
    figure("scoring", "setup: write XLSX", time.perf_counter() - started, "s")
    _import(admin, cycle, data, "answers.xlsx", count, "XLSX (calamine)")

    import openpyxl

    sample = min(100_000, count)
    started = time.perf_counter()
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for number, _row in enumerate(workbook.worksheets[0].iter_rows(values_only=True)):
        if number >= sample:
            break
    workbook.close()
    elapsed = time.perf_counter() - started
    figure("scoring", f"openpyxl read of {sample} rows", elapsed, "s")
    figure("scoring", "openpyxl read of the whole file (extrapolated)", elapsed * count / sample, "s")
