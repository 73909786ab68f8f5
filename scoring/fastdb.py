"""Fast inserts of many rows (results, ratings, inputs): COPY on PostgreSQL, executemany on SQLite.

Django's bulk_create prepares every field of every object in Python, which dominates the time of a
region's computation (tens of thousands of rows). These rows have no signals, no defaults computed in
Python and no reverse relations, so writing them directly is safe; values are adapted by the backend's
own operations (JSON, date-times), decimals and booleans by the driver.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ROWS (values in FIELDS order; foreign keys as ids; JSON as Python objects)."""
    meta = model._meta
    resolved = [meta.get_field(name) for name in fields]
    columns = [field.column for field in resolved]
    json_at = [i for i, field in enumerate(resolved) if isinstance(field, models.JSONField)]
    datetime_at = [i for i, field in enumerate(resolved) if isinstance(field, models.DateTimeField)]
    ops = connection.ops

    def adapt(row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for i in json_at:
            values[i] = ops.adapt_json_value(values[i], None)
        for i in datetime_at:
            values[i] = ops.adapt_datetimefield_value(values[i])
        return values

    table = ops.quote_name(meta.db_table)
    column_list = ", ".join(ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(adapt(row))
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})"  # noqa: S608 - quoted model names
        batch: list[list[Any]] = []
        for row in rows:
            batch.append(adapt(row))
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def delete_ids(model: type[models.Model], ids: Sequence[int]) -> None:
    for start in range(0, len(ids), 900):
        model.objects.filter(pk__in=ids[start : start + 900])._raw_delete(connection.alias)
