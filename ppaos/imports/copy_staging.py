"""COPY staging for every importer: the text-format line helpers, COPY into a TEMP table, and the
table of row errors (grouped for the job page, streamed for the report).

Staging tables are TEMP tables (unlogged, private to the worker's connection, gone if the worker
dies). An importer stages its valid rows in a table of its own with `copy_lines`; the row errors
of every importer go to `ERRORS`. Nothing here checks permissions; the framework's services call
it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.db import connection

from ppaos.core.copy_rows import NULL, escape, unescape

ERRORS = "ppaos_import_errors"
ERROR_COLUMNS = ("row_number", "column_name", "value", "code", "message_th", "message_en")


def text(value: str | None) -> str:
    """A text value for a COPY text-format line (escaped; None is NULL)."""
    return NULL if value is None else escape(value)


def plain(value) -> str:
    """A value that needs no escaping (numbers, dates, codes); None is NULL."""
    return NULL if value is None else str(value)


def create_error_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {ERRORS}")
        cursor.execute(
            f"""
            CREATE TEMP TABLE {ERRORS} (
                seq bigserial,
                row_number integer NOT NULL,
                column_name text NOT NULL,
                value text NOT NULL,
                code text NOT NULL,
                message_th text NOT NULL,
                message_en text NOT NULL
            )"""
        )


def drop_error_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {ERRORS}")


def error_line(row_number: int, column: str, error) -> str:
    """One COPY line for a row error (`error`: a columns.RowError)."""
    return (
        f"{row_number}\t{text(column)}\t{text(error.value)}\t{error.code}\t"
        f"{text(error.message_th)}\t{text(error.message_en)}\n"
    )


def copy_lines(table: str, columns: Iterable[str], lines: list[str]) -> None:
    """COPY text lines into a staging table (psycopg2's copy_expert).

    The whole batch is handed over in one read: copy_expert takes the GIL for every read of
    its file (8 KiB by default), and a COPY run beside a busy reading thread would wait for the
    GIL at each of them (up to the 5 ms switch interval each time)."""
    if not lines:
        return
    data = "".join(lines)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN",
            io.StringIO(data),
            size=len(data) + 1,
        )


# An importer may list a row's warnings with the errors (code "warning.…"): shown in the groups
# and the report, but the row was imported, so it is not counted as rejected.
WARNING_PREFIX = "warning."


def rejected_row_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(DISTINCT row_number) FROM {ERRORS} WHERE code NOT LIKE %s",
            [WARNING_PREFIX + "%"],
        )
        return cursor.fetchone()[0]


def error_count() -> int:
    """Every staged error and warning."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {ERRORS}")
        return cursor.fetchone()[0]


# ---------------------------------------------------------------------------------------------
# Errors: grouped for the job page, streamed for the report


def error_groups(*, samples: int = 5) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT code, column_name, count(*),
                   (array_agg(value ORDER BY seq))[1:%s],
                   (array_agg(message_th ORDER BY seq))[1],
                   (array_agg(message_en ORDER BY seq))[1],
                   min(row_number)
            FROM {ERRORS}
            GROUP BY code, column_name
            ORDER BY count(*) DESC, code, column_name
            """,
            [samples],
        )
        return [
            {
                "code": code,
                "column": column,
                "count": count,
                "samples": list(values),
                "message_th": message_th,
                "message_en": message_en,
                "first_row": first_row,
            }
            for code, column, count, values, message_th, message_en, first_row in cursor.fetchall()
        ]


def iter_errors(*, chunk: int = 20000):
    """Every staged error in row order, fetched in keyset pages (never all at once)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE INDEX ON {ERRORS} (row_number, seq)")
    last = (-1, -1)
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT row_number, seq, column_name, value, message_th, message_en
                    FROM {ERRORS} WHERE (row_number, seq) > (%s, %s)
                    ORDER BY row_number, seq LIMIT %s""",
                [last[0], last[1], chunk],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        for row_number, _seq, column, value, thai, english in rows:
            yield row_number, column, value, thai, english
        last = (rows[-1][0], rows[-1][1])


def export_errors(handle, *, limit: int) -> None:
    """The first `limit` staged errors in row order, as COPY text lines into `handle` (a text
    file opened with newline="\\n"), for a reader without this connection (the TEMP table is
    this connection's only): `read_exported_errors` reads them back as `iter_errors` yields
    them."""
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(
            f"""COPY (SELECT row_number, column_name, value, message_th, message_en
                      FROM {ERRORS} ORDER BY row_number, seq LIMIT {int(limit)}) TO STDOUT""",
            handle,
        )


def read_exported_errors(handle):
    """(row number, column, value, Thai message, English message) of every line
    `export_errors` wrote to `handle` (every column is NOT NULL)."""
    for line in handle:
        row_number, *texts = line[:-1].split("\t")
        column, value, thai, english = (unescape(part) for part in texts)
        yield int(row_number), column, value, thai, english
