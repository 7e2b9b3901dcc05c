"""Insert model instances with PostgreSQL COPY: the bulk writes of imports.

`copy_objects(model, objects)` writes what `bulk_create` would (every concrete column, the
fields' own pre-save values — auto_now timestamps, defaults already on the instance), with one
COPY instead of INSERT statements, and sets the instances' primary keys, taken from the table's
sequence in one query beforehand. No signals are sent, as with `bulk_create`. Used inside the
caller's transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import uuid
from decimal import Decimal

import psycopg2.extensions
from django.db import IntegrityError, connection, models
from django.db.transaction import TransactionManagementError

# COPY's text format: these four characters escaped, NULL written as \N (every COPY of the
# project formats its values with these: ppaos/imports/copy_staging.py too).
ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def escape(value: str) -> str:
    """A text in COPY's text format: the four characters of ESCAPE escaped. Most texts hold
    none of them, and looking for them is far quicker than translating every character (a
    600-character JSON payload: 0.1 µs against 30 µs)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(ESCAPE)
    return value


# COPY TO's text format writes these backslash sequences (never octal or hex ones).
_ESCAPED_RE = re.compile(r"\\(.)", re.S)
_ESCAPED = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def unescape(value: str) -> str:
    """A text value of a line COPY TO wrote in its text format, as stored (not NULL)."""
    if "\\" not in value:
        return value
    return _ESCAPED_RE.sub(lambda match: _ESCAPED.get(match[1], match[1]), value)


def copy_text(value) -> str:
    """One value as COPY's text format writes it (None is NULL; strings escaped)."""
    kind = type(value)
    if kind is str:
        return escape(value)
    if kind is int:
        return str(value)
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (int, Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return escape(str(value))


class _Stream:
    """A read-only file over text lines made on demand: COPY reads it a chunk at a time, so
    PostgreSQL inserts one chunk while Python formats the next (two processes, two cores)
    instead of waiting for the whole text to be built first."""

    CHUNK = 1 << 16  # characters handed to psycopg2 per read

    def __init__(self, lines) -> None:
        self._lines = iter(lines)
        self.count = 0

    def read(self, size: int = -1) -> str:
        parts: list[str] = []
        length, limit = 0, max(size, self.CHUNK)
        for line in self._lines:
            parts.append(line)
            length += len(line)
            if length >= limit:
                break
        self.count += len(parts)
        return "".join(parts)  # "" once the lines are used up: the end of the data

    readline = read


def copy_lines(model, columns: list[str], lines) -> int:
    """COPY already formatted lines ("<value>\t<value>…\n", COPY's text format: see
    `copy_text`) into the `columns` (column names) of `model`'s table, streamed as they are
    made; returns how many were written."""
    stream = _Stream(lines)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    # Django's own exceptions (IntegrityError…) for errors of the raw cursor's COPY.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(
            f"COPY {model._meta.db_table} ({names}) FROM STDIN", stream, size=_Stream.CHUNK
        )
    return stream.count


def _formatter(field):
    if isinstance(field, models.JSONField):
        # One encoder for the column: json.dumps(cls=…) would build one for every value.
        encode = (field.encoder or json.JSONEncoder)(ensure_ascii=False).encode

        def json_text(value) -> str:
            if value is None:
                return NULL
            return escape(encode(value))

        return json_text
    return copy_text


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

    def lines():
        for obj in objects:
            yield "\t".join([text(get(obj)) for get, text in columns]) + "\n"
            obj._state.adding = False
            obj._state.db = "default"

    copy_lines(model, [f.column for f in fields], lines())


def copy_rows(model, field_names: list[str], rows) -> int:
    """COPY plain tuples into `model`'s table, one value per name of `field_names` (attnames:
    "survey_id"), already as stored (ids, codes, dates, Decimals, dicts for JSON). Columns left
    out take the table's defaults (the id from its sequence). For the many small rows of a bulk
    write, where building model instances would cost more than the write itself."""
    opts = model._meta
    by_name = {f.attname: f for f in opts.concrete_fields}
    fields = [by_name[name] for name in field_names]
    formats = [_formatter(f) for f in fields]
    if not rows:
        return 0
    lines = ("\t".join([f(v) for f, v in zip(formats, row, strict=True)]) + "\n" for row in rows)
    return copy_lines(model, [f.column for f in fields], lines)


@contextlib.contextmanager
def references_kept_by_caller(existing: list[tuple[type[models.Model], set]]):
    """A block of bulk writes whose foreign keys the caller guarantees, row by row checks off.

    PostgreSQL checks a foreign key with a trigger per inserted row (an index probe and a row
    lock each: about 40 % of a COPY into a table with two or three foreign keys). A bulk
    writer that references only (a) rows it wrote itself earlier in the same transaction,
    with the keys it gave them, and (b) existing rows it names here in `existing`
    ([(model, primary keys)]) may skip those triggers: the rows of (b) are locked FOR KEY
    SHARE first, as the triggers would lock them, so nobody deletes them or changes their
    keys before this transaction ends (a key missing now raises IntegrityError, as the
    trigger would); the rows of (a) are invisible to every other transaction.

    The triggers are skipped with `session_replication_role = replica`, which needs a
    superuser or, from PostgreSQL 15, `GRANT SET ON PARAMETER session_replication_role TO
    <role>`; a role without it writes with the triggers, as before, and locks nothing (the
    triggers do). Unique indexes, NOT NULL and CHECK constraints are not triggers and still
    apply. Only for INSERT/COPY of new rows, or an upsert that changes no key another table
    references (the welfare-registry import's never changes a registrant's id): every other
    trigger of the tables written is skipped too, and none of this project's fires on insert
    or update (tests/households/survey_import/test_survey_import_keeps_every_reference.py,
    tests/households/registry_import/test_registry_import_keeps_every_reference.py).

    Use inside the caller's `transaction.atomic()` block: the setting is local to the
    transaction, set back when the block ends, and undone with the caller's savepoint when
    a database error leaves nothing to set it back on. Yields whether the triggers are
    skipped."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("references_kept_by_caller needs an atomic block")
    with connection.cursor() as cursor:
        skip = False
        if connection.pg_version >= 150000:  # has_parameter_privilege is new in 15
            cursor.execute(
                "SELECT has_parameter_privilege('session_replication_role', 'SET') "
                "AND current_setting('session_replication_role') = 'origin'"
            )
            skip = cursor.fetchone()[0]
        if skip:
            for model, keys in existing:
                keys = sorted(k for k in keys if k is not None)
                if not keys:
                    continue
                table = connection.ops.quote_name(model._meta.db_table)
                pk = connection.ops.quote_name(model._meta.pk.column)
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {pk} = ANY(%s) "
                    "FOR KEY SHARE) AS locked",
                    [keys],
                )
                if cursor.fetchone()[0] != len(keys):
                    raise IntegrityError(f"{model._meta.label}: a referenced row does not exist")
            cursor.execute("SELECT set_config('session_replication_role', 'replica', true)")
        try:
            yield skip
        finally:
            # After a database error the transaction takes no command: the caller's savepoint
            # rollback undoes the setting instead.
            status = connection.connection.info.transaction_status
            if skip and status != psycopg2.extensions.TRANSACTION_STATUS_INERROR:
                cursor.execute("SELECT set_config('session_replication_role', 'origin', true)")
