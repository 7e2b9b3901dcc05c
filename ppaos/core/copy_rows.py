"""Insert model instances with PostgreSQL COPY: the bulk writes of imports.

`copy_objects(model, objects)` writes what `bulk_create` would (every concrete column, the
fields' own pre-save values — auto_now timestamps, defaults already on the instance), with one
COPY instead of INSERT statements, and sets the instances' primary keys, taken from the table's
sequence in one query beforehand. No signals are sent, as with `bulk_create`. Used inside the
caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from decimal import Decimal

from django.db import connection, models

_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """A value as COPY's text format writes it (None is NULL)."""
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPE)
    if kind is int:
        return str(value)
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (int, Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).translate(_ESCAPE)


def _formatter(field):
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def json_text(value) -> str:
            if value is None:
                return "\\N"
            return json.dumps(value, cls=encoder, ensure_ascii=False).translate(_ESCAPE)

        return json_text
    return _text


def reserve_ids(model, count: int) -> list[int]:
    """`count` new primary keys from the table's sequence."""
    if not count:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_objects(model, objects: list) -> None:
    """COPY `objects` (unsaved instances of `model`) into its table; sets their pks."""
    if not objects:
        return
    opts = model._meta
    pk = opts.pk
    missing = [obj for obj in objects if obj.pk is None]
    for obj, new_id in zip(missing, reserve_ids(model, len(missing)), strict=True):
        obj.pk = new_id
    fields = [f for f in opts.concrete_fields if not f.generated]
    formats = [_formatter(f) for f in fields]
    lines = []
    for obj in objects:
        obj._prepare_related_fields_for_save(operation_name="copy_objects")
        values = []
        for field in fields:
            value = field.pre_save(obj, True) if field is not pk else obj.pk
            if not isinstance(field, models.JSONField):
                value = field.get_db_prep_save(value, connection)
            values.append(value)
        lines.append("\t".join(f(v) for f, v in zip(formats, values, strict=True)))
        obj._state.adding = False
        obj._state.db = "default"
    buffer = io.StringIO("\n".join(lines) + "\n")
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {opts.db_table} ({columns}) FROM STDIN", buffer)


def copy_rows(model, field_names: list[str], rows) -> int:
    """COPY plain tuples into `model`'s table, one value per name of `field_names` (attnames:
    "survey_id"), already as stored (ids, codes, dates, Decimals, dicts for JSON). Columns left
    out take the table's defaults (the id from its sequence). For the many small rows of a bulk
    write, where building model instances would cost more than the write itself."""
    opts = model._meta
    by_name = {f.attname: f for f in opts.concrete_fields}
    fields = [by_name[name] for name in field_names]
    formats = [_formatter(f) for f in fields]
    lines = ["\t".join(f(v) for f, v in zip(formats, row, strict=True)) for row in rows]
    if not lines:
        return 0
    buffer = io.StringIO("\n".join(lines) + "\n")
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {opts.db_table} ({columns}) FROM STDIN", buffer)
    return len(lines)
