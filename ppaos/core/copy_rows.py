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


# Fields whose Python value COPY's text format takes as it is (no adaptation by the field).
_PLAIN_FIELDS = (
    models.CharField, models.TextField, models.BooleanField, models.IntegerField,
    models.UUIDField, models.DateField, models.DecimalField, models.ForeignKey,
)  # fmt: skip


def _value_getter(field, pk):
    """How a field's stored value is read off an instance about to be inserted."""
    attname = field.attname
    if field is pk:
        return lambda obj: obj.pk
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, True)  # sets the timestamp, as save() does
    if isinstance(field, _PLAIN_FIELDS) and not isinstance(field, models.DateTimeField):
        return lambda obj: getattr(obj, attname)
    if isinstance(field, models.JSONField):
        return lambda obj: getattr(obj, attname)  # dumped by its formatter
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)


def copy_objects(model, objects: list) -> None:
    """COPY `objects` (unsaved instances of `model`) into its table; sets their pks. Foreign
    keys are read from their `<name>_id` attributes: assign related objects once they are
    saved (or written by an earlier call)."""
    if not objects:
        return
    opts = model._meta
    pk = opts.pk
    missing = [obj for obj in objects if obj.pk is None]
    for obj, new_id in zip(missing, reserve_ids(model, len(missing)), strict=True):
        obj.pk = new_id
    fields = [f for f in opts.concrete_fields if not f.generated]
    columns = [(_value_getter(f, pk), _formatter(f)) for f in fields]
    lines = []
    for obj in objects:
        lines.append("\t".join(text(get(obj)) for get, text in columns))
        obj._state.adding = False
        obj._state.db = "default"
    buffer = io.StringIO("\n".join(lines) + "\n")
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    # Django's own exceptions (IntegrityError…) for errors of the raw cursor's COPY.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(f"COPY {opts.db_table} ({names}) FROM STDIN", buffer)


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
    # Django's own exceptions (IntegrityError…) for errors of the raw cursor's COPY.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(f"COPY {opts.db_table} ({columns}) FROM STDIN", buffer)
    return len(lines)
