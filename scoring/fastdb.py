"""Fast writes of many rows (results, ratings, inputs, shortcomings): COPY on PostgreSQL, executemany on SQLite.

Django's bulk_create and bulk_update prepare every field of every object in Python (bulk_update builds a
CASE WHEN per field and row), which dominates the time of a region's computation (tens of thousands of
rows). These rows have no signals, no defaults computed in Python and no reverse relations, so writing
them directly is safe; values are adapted by the backend's own operations (JSON, date-times), decimals and
booleans by the driver.

* ``insert_rows`` — COPY … FROM STDIN / executemany INSERT;
* ``update_rows`` — rows changed in place by primary key: on PostgreSQL COPY into a temporary table and one
  ``UPDATE … FROM`` (an update that leaves the foreign keys alone costs no foreign-key check), on SQLite
  executemany UPDATE;
* ``delete_ids`` — DELETE by primary key in chunks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


class JsonText(str):
    """A value of a JSON field already encoded as JSON text (written as it is)."""


def _json_text(value: Any) -> str | None:
    """JSON as the text PostgreSQL's COPY and SQLite take (``json.dumps``, as Django's adapt_json_value)."""
    if value is None:
        return None
    if isinstance(value, JsonText):
        return str(value)
    if not value and isinstance(value, dict):
        return "{}"
    return json.dumps(value)


def _json_param(value: Any):
    """A JSON value as a PostgreSQL query parameter (Django's adapter)."""
    if isinstance(value, JsonText):
        value = json.loads(value)
    return connection.ops.adapt_json_value(value, None)


def _adapter(resolved: Sequence[models.Field], *, as_text: bool):
    """Row values as the driver takes them: AS_TEXT (COPY, SQLite) gives JSON as text, else Django's adapter."""
    json_at = [i for i, field in enumerate(resolved) if isinstance(field, models.JSONField)]
    datetime_at = [i for i, field in enumerate(resolved) if isinstance(field, models.DateTimeField)]
    ops = connection.ops
    if not json_at and not datetime_at:
        return list
    to_json = _json_text if as_text or connection.vendor != "postgresql" else _json_param

    def adapt(row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for i in json_at:
            values[i] = to_json(values[i])
        for i in datetime_at:
            values[i] = ops.adapt_datetimefield_value(values[i])
        return values

    return adapt


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ROWS (values in FIELDS order; foreign keys as ids; JSON as Python objects)."""
    meta = model._meta
    resolved = [meta.get_field(name) for name in fields]
    columns = [field.column for field in resolved]
    adapt = _adapter(resolved, as_text=True)
    ops = connection.ops
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


# below this many rows an executemany UPDATE is cheaper than a temporary table on PostgreSQL
COPY_UPDATE_FROM = 200


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Update rows by primary key: each row is (pk, *values in FIELDS order); foreign keys as ids."""
    rows = list(rows)
    if not rows:
        return 0
    meta = model._meta
    resolved = [meta.get_field(name) for name in fields]
    columns = [field.column for field in resolved]
    copy_from = connection.vendor == "postgresql" and len(rows) >= COPY_UPDATE_FROM
    adapt = _adapter([meta.pk, *resolved], as_text=copy_from or connection.vendor != "postgresql")
    ops = connection.ops
    table = ops.quote_name(meta.db_table)
    pk = ops.quote_name(meta.pk.column)
    quoted = [ops.quote_name(c) for c in columns]
    with connection.cursor() as cursor:
        if copy_from:
            temp = ops.quote_name(f"_noko_update_{meta.db_table}")
            cursor.execute(f"DROP TABLE IF EXISTS {temp}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {temp} AS SELECT {pk}, {', '.join(quoted)} FROM {table} WITH NO DATA"  # noqa: S608
            )
            with cursor.cursor.copy(f"COPY {temp} ({pk}, {', '.join(quoted)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(adapt(row))
            assignments = ", ".join(f"{c} = u.{c}" for c in quoted)
            cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM {temp} AS u WHERE t.{pk} = u.{pk}")  # noqa: S608
            cursor.execute(f"DROP TABLE {temp}")
            return len(rows)
        assignments = ", ".join(f"{c} = %s" for c in quoted)
        sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - quoted model names
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, [[*values[1:], values[0]] for values in map(adapt, rows[start : start + 5000])])
    return len(rows)


def delete_ids(model: type[models.Model], ids: Sequence[int]) -> None:
    for start in range(0, len(ids), 900):
        model.objects.filter(pk__in=ids[start : start + 900])._raw_delete(connection.alias)
