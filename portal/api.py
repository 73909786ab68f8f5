"""Public open data of the portal, mounted at /api/portal/ without authentication (published results only)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from portal import services

router = Router(tags=["Открытые данные"], auth=None)


class DatasetOut(Schema):
    id: int
    title: str
    year: int
    territory: str
    organizations: int


@router.get("/datasets", response=list[DatasetOut], summary="Опубликованные наборы данных")
def datasets(request):
    return [
        {"id": c.pk, "title": str(c), "year": c.year, "territory": c.territory.name, "organizations": c.organizations}
        for c in services.open_datasets()
    ]


@router.get("/datasets/{cycle_id}", summary="Итоговые результаты опубликованного цикла")
def dataset(request, cycle_id: int) -> dict[str, Any]:
    cycle = get_object_or_404(services.open_datasets(), pk=cycle_id)
    columns, rows = services.open_data_rows(cycle)
    return {"dataset": f"noko-{cycle.pk}", "columns": [name for name, _t, _k in columns], "rows": rows}
