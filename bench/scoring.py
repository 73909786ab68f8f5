"""Scoring benchmark: the region from stored answers, growth with size, CSV and XLSX answer files.

``run(ctx)`` prints:
* the stored questionnaires (topped up to ``BENCH_SCORING_ANSWERS``, default 1,000,000, by copying the demo's
  accepted ones) and the time to score the whole region from them — gathering every collecting app's inputs
  (survey counts are one SQL GROUP BY) and computing every cycle — then an idempotent recomputation;
* the time to compute cycles of 100, 500, 1,000 and 2,000 organizations from stored inputs (growth);
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

from bench.report import figure, timed
from cycles.models import Cycle, CycleOrganization, Phase
from registry.choices import OrgStatus
from registry.models import Organization
from scoring import importers, services
from scoring.demo import organization_inputs
from scoring.models import Result


def run(ctx) -> None:
    admin = ctx.users["admin"]
    answers_target = int(os.environ.get("BENCH_SCORING_ANSWERS", "1000000"))
    rows_target = int(os.environ.get("BENCH_SCORING_ROWS", "1000000"))
    organizations = list(
        Organization.objects.filter(parent__isnull=True).exclude(status=OrgStatus.LIQUIDATED).order_by("pk")
    )

    _region_from_stored_answers(ctx, admin, answers_target)
    _growth(ctx, admin, organizations)
    if rows_target:
        cycle = _bench_cycle(ctx.region, 2099, organizations)
        csv_data, xlsx_rows = _answer_rows(cycle, rows_target)
        _import(admin, cycle, csv_data, "answers.csv", rows_target, "CSV")
        _xlsx(admin, cycle, xlsx_rows, rows_target)


def _region_from_stored_answers(ctx, admin, target: int) -> None:
    try:
        from surveys.models import Response
    except ImportError:
        figure("scoring", "stored answers", 0, "rows", "surveys app absent")
        return
    accepted = Response.objects.filter(status=Response.Status.ACCEPTED)
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
    stored = accepted.count()
    cycles = [c for c in Cycle.objects.filter(entries__isnull=False).distinct().order_by("pk")]
    entries = sum(c.entries.included().count() for c in cycles)
    figure("scoring", "stored questionnaires", stored, "rows", f"{entries} organizations, {len(cycles)} cycles")
    with timed("scoring", "score region from stored answers", entries, "orgs"):
        for cycle in cycles:
            services.compute_cycle(cycle, admin, gather=True, reason="benchmark")
    with timed("scoring", "recompute region (nothing changed)", entries, "orgs"):
        for cycle in cycles:
            services.compute_cycle(cycle, admin, gather=True, reason="benchmark")


def _bench_cycle(region, year: int, organizations) -> Cycle:
    cycle = Cycle.objects.create(territory=region, year=year, title=f"Бенчмарк {year}", phase=Phase.COLLECTION)
    CycleOrganization.objects.bulk_create(
        [CycleOrganization(cycle=cycle, organization=o) for o in organizations], batch_size=2000
    )
    return cycle


def _growth(ctx, admin, organizations) -> None:
    sizes = sorted({min(size, len(organizations)) for size in (100, 500, 1000, 2000)})
    for index, size in enumerate(sizes):
        cycle = _bench_cycle(ctx.region, 2090 + index, organizations[:size])
        methodology = services.methodology_for(cycle)
        groups = services._items_by_group(methodology)
        rng = random.Random(size)
        rows = []
        for entry_id, contingent in cycle.entries.values_list("pk", "organization__contingent"):
            rows += organization_inputs(rng, entry_id, contingent or 0, groups)
        services._write_inputs(None, cycle, rows)
        started = time.perf_counter()
        services.compute_cycle(cycle, admin, gather=False)
        elapsed = time.perf_counter() - started
        figure("scoring", f"compute {size} organizations from inputs", elapsed, "s", f"{len(rows)} inputs")


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
