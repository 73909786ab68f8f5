"""Fast writes of many rows (results, ratings, inputs, shortcomings): COPY on PostgreSQL, executemany on SQLite.

Django's bulk_create and bulk_update prepare every field of every object in Python (bulk_update builds a
CASE WHEN per field and row), which dominates the time of a region's computation (tens of thousands of
rows). These rows have no signals, no defaults computed in Python and no reverse relations, so writing
them directly is safe.

* ``insert_rows`` — COPY … FROM STDIN in PostgreSQL's binary format (the column types are read from the table;
  about half the time of the text format) / executemany INSERT;
* ``update_rows`` — rows changed in place by primary key (what others refer to by id): on PostgreSQL COPY into a
  temporary table and one ``UPDATE … FROM``, on SQLite executemany UPDATE;
* ``delete_ids`` — DELETE by primary key (a changed row that nothing refers to by id is deleted and inserted
  again: on PostgreSQL that costs about two thirds of an update), the ids sent as one text.

Values are given as Python objects: foreign keys as ids, JSON as dicts and lists, or as ``JsonText`` when
already encoded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


class JsonText(str):
    """A value of a JSON field already encoded as JSON text (written as it is)."""


def _dump_json(value: Any) -> str:
    if isinstance(value, JsonText):
        return str(value)
    if not value and isinstance(value, dict):
        return "{}"
    return json.dumps(value)


def _sqlite_adapter(resolved: Sequence[models.Field]):
    """Row values as SQLite takes them: JSON as text (``json.dumps``, as Django), date-times adapted by Django."""
    json_at = [i for i, field in enumerate(resolved) if isinstance(field, models.JSONField)]
    datetime_at = [i for i, field in enumerate(resolved) if isinstance(field, models.DateTimeField)]
    ops = connection.ops
    if not json_at and not datetime_at:
        return list

    def adapt(row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for i in json_at:
            values[i] = None if values[i] is None else _dump_json(values[i])
        for i in datetime_at:
            values[i] = ops.adapt_datetimefield_value(values[i])
        return values

    return adapt


def _copy(cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY ROWS into TABLE (quoted names) in binary format; returns how many."""
    from psycopg.types.json import set_json_dumps

    raw = cursor.cursor
    column_list = ", ".join(columns)
    raw.execute(f"SELECT {column_list} FROM {table} LIMIT 0")  # noqa: S608 - quoted model names
    types = [column.type_code for column in raw.description]
    set_json_dumps(_dump_json, raw)
    count = 0
    with raw.copy(f"COPY {table} ({column_list}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ROWS (values in FIELDS order)."""
    meta = model._meta
    resolved = [meta.get_field(name) for name in fields]
    ops = connection.ops
    table = ops.quote_name(meta.db_table)
    columns = [ops.quote_name(field.column) for field in resolved]
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _copy(cursor, table, columns, rows)
        adapt = _sqlite_adapter(resolved)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
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
    """Update rows by primary key: each row is (pk, *values in FIELDS order)."""
    rows = list(rows)
    if not rows:
        return 0
    meta = model._meta
    resolved = [meta.get_field(name) for name in fields]
    ops = connection.ops
    table = ops.quote_name(meta.db_table)
    pk = ops.quote_name(meta.pk.column)
    quoted = [ops.quote_name(field.column) for field in resolved]
    assignments = ", ".join(f"{c} = %s" for c in quoted)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            adapt = _sqlite_adapter([meta.pk, *resolved])
            sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - quoted model names
            for start in range(0, len(rows), 5000):
                cursor.executemany(sql, [[*values[1:], values[0]] for values in map(adapt, rows[start : start + 5000])])
            return len(rows)
        if len(rows) < COPY_UPDATE_FROM:
            json_at = [i + 1 for i, field in enumerate(resolved) if isinstance(field, models.JSONField)]
            params = []
            for row in rows:
                values = list(row)
                for i in json_at:
                    if values[i] is not None:
                        values[i] = ops.adapt_json_value(json.loads(_dump_json(values[i])), None)
                params.append([*values[1:], values[0]])
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", params)  # noqa: S608
            return len(rows)
        temp = ops.quote_name(f"_noko_update_{meta.db_table}")
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temp} AS SELECT {pk}, {', '.join(quoted)} FROM {table} WITH NO DATA"  # noqa: S608
        )
        _copy(cursor, temp, [pk, *quoted], rows)
        from_temp = ", ".join(f"{c} = u.{c}" for c in quoted)
        cursor.execute(f"UPDATE {table} AS t SET {from_temp} FROM {temp} AS u WHERE t.{pk} = u.{pk}")  # noqa: S608
        cursor.execute(f"DROP TABLE {temp}")
    return len(rows)


def delete_ids(model: type[models.Model], ids: Sequence[int]) -> None:
    """Delete rows by primary key: one statement with an array on PostgreSQL, chunks of 900 on SQLite."""
    if not ids:
        return
    if connection.vendor == "postgresql":
        meta = model._meta
        table, pk = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
        # the ids as one text: a list parameter would be quoted element by element in Python (0.1 s per 100,000)
        listed = ",".join(str(int(i)) for i in ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE {pk} = ANY(string_to_array(%s, ',')::bigint[])",  # noqa: S608 - quoted names
                [listed],
            )
        return
    for start in range(0, len(ids), 900):
        model.objects.filter(pk__in=ids[start : start + 900])._raw_delete(connection.alias)
