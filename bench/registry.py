"""Registry: list page and API for a municipal official and the region, export and re-import of the registry."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.report import figure, timed
from registry import importer
from registry.models import Organization


def run(ctx) -> None:
    region_user = ctx.users["region"]
    mun_user = ctx.users["mun1"]
    total = Organization.objects.count()
    client = Client()
    for label, user in (("region", region_user), ("mun1", mun_user)):
        client.force_login(user)
        client.get("/registry/")
        with CaptureQueriesContext(connection) as queries, timed("registry", f"list page ×20 ({label})", 20, "pages"):
            for page in range(1, 21):
                response = client.get(f"/registry/?page={page}")
                assert response.status_code == 200
        figure("registry", f"queries per list page ({label})", len(queries) / 20, "queries")
        with timed("registry", f"API list ×20 ({label})", 20, "requests"):
            for offset in range(0, 20 * 50, 50):
                assert client.get(f"/api/organizations?limit=50&offset={offset}").status_code == 200

    with timed("registry", "export XLSX (whole region)", total, "rows"):
        data = importer.export_xlsx(Organization.objects.visible_to(region_user))
    figure("registry", "export size", len(data) / 1024, "KB", f"{total} organizations")
    with timed("registry", "parse + validate re-import", total, "rows"):
        parsed = importer.parse_file(data, "registry.xlsx", region_user)
    figure("registry", "re-import errors", len(parsed.errors), "errors", "expected 0")
