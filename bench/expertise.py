"""Expertise benchmark: score inputs, the cycle page, an XLSX import and photo preparation.

``run(ctx)`` prints with ``bench.report``:

* ``expertise.score_inputs.provide`` over every cycle of the demo (closed and current) — seconds;
* the cycle page of the biggest current cycle as the operator (first page of 50) — seconds and queries;
* parse + apply of the cycle's own XLSX form filled with marks for every organization — seconds;
* checking, resizing, hashing and thumbnailing one 12-megapixel photo — seconds.
"""

from __future__ import annotations

import io
import random

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.report import figure, timed
from expertise import importer
from expertise.evidence import prepare
from expertise.models import ChecklistMark
from expertise.score_inputs import provide


def run(ctx) -> None:
    cycles = list(ctx.cycles.values())
    with timed("expertise", "provide() over all cycles"):
        values = sum(len(list(provide(cycle))) for cycle in cycles)
    figure("expertise", "input values given", values, "rows", f"{ChecklistMark.objects.count()} marks")

    operator = ctx.users["operator"]
    from expertise.services import settings_for

    open_for_import = [c for c in ctx.current_cycles if settings_for(c).reply_state() == "none"]
    biggest = max(open_for_import, key=lambda c: c.entries.count())
    client = Client()
    client.force_login(operator)
    client.get(f"/expertise/cycle/{biggest.pk}/")  # warm templates and URL resolvers
    reset_queries()
    with CaptureQueriesContext(connection) as queries, timed("expertise", "cycle page (biggest current cycle)"):
        assert client.get(f"/expertise/cycle/{biggest.pk}/").status_code == 200
    figure("expertise", "cycle page queries", len(queries), "queries", f"{biggest.entries.count()} organizations")

    # the worst case: one regional cycle holding every organization of the region
    from cycles import services as cycle_services
    from registry.models import Organization

    regional = cycle_services.create_cycle(ctx.users["region"], ctx.region, 2030)
    cycle_services.add_organizations(
        ctx.users["region"], regional, Organization.objects.filter(parent__isnull=True).exclude(status="liquidated")
    )
    biggest = regional

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(importer.template_xlsx(biggest, operator)))
    sheet = book["Чек-лист"]
    rng = random.Random(ctx.seed)
    for row in sheet.iter_rows(min_row=2):
        for cell in row[len(importer.FIXED) :]:
            if cell.fill.fgColor.rgb in (None, "00000000"):
                cell.value = "да" if rng.random() < 0.8 else "нет"
    buffer = io.BytesIO()
    book.save(buffer)
    with timed("expertise", "XLSX import (parse + apply)", count=sheet.max_row - 1, unit="rows"):
        report = importer.import_file(biggest, operator, buffer.getvalue(), "bench.xlsx")
    first_error = report.errors[0].message if report.errors else ""
    figure("expertise", "import errors", len(report.errors), "errors", first_error)

    from PIL import Image

    photo = io.BytesIO()
    Image.effect_noise((4000, 3000), 40).convert("RGB").save(photo, "JPEG", quality=90)
    with timed("expertise", "prepare one 12 Mpx photo"):
        prepared = prepare(photo.getvalue(), "photo.jpg")
    original_kb = len(photo.getvalue()) // 1024
    figure("expertise", "stored photo size", len(prepared.data) / 1024, "KB", f"from {original_kb} KB")
