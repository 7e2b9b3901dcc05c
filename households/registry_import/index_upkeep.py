"""Deferred index upkeep of the registrant table for very large registry files (issue 14).

Keeping the trigram, duplicate-name and area indexes up to date row by row is most of what a
million-row upsert costs PostgreSQL (55 s against 29 s without them, benchmarks/
import_registry.py); building them once afterwards takes about 11 s. So an import whose file is
at least as large as the registry it writes into, and at least `IMPORT_DEFER_INDEX_ROWS` rows,
drops those indexes before its first chunk and builds them again after its last, before the job
is marked finished. The national-ID unique index (the upsert's conflict target), the primary
key and the public ID stay, so the upsert and every look-up by ID stay exact; only name search
and area lists read the table without an index meanwhile (slower, never wrong).

The indexes are the model's own (`WelfareRegistrant._meta.indexes`), dropped and created by
Django's schema editor: one definition, no SQL copy of it. Every path that can leave them
missing builds them again: the job's end, its failure (the framework's finally), a re-run of
a job whose worker died, and a worker (re)connecting to the broker when no registry import is
running (`restore_indexes`, via `Importer.repair_writes`).
"""

from __future__ import annotations

import logging
import os
import time

from django.db import OperationalError, connection, transaction

from households.models import WelfareRegistrant
from ppaos.imports.locks import lock_writes_of

logger = logging.getLogger(__name__)

DEFER_MIN_ROWS = 200_000  # IMPORT_DEFER_INDEX_ROWS: smaller files keep the indexes
# How long dropping the indexes may wait for a query reading the table; past it, the import
# keeps the indexes (a long report must not hold every registry read up behind the drop).
DROP_LOCK_TIMEOUT = "3s"


def defer_min_rows() -> int:
    return int(os.environ.get("IMPORT_DEFER_INDEX_ROWS") or DEFER_MIN_ROWS)


def deferrable_indexes() -> list:
    return list(WelfareRegistrant._meta.indexes)


def missing_indexes() -> list:
    with connection.cursor() as cursor:
        present = set(
            connection.introspection.get_constraints(cursor, WelfareRegistrant._meta.db_table)
        )
    return [index for index in deferrable_indexes() if index.name not in present]


def should_defer(file_rows: int) -> bool:
    """Whether a file of about `file_rows` rows is worth writing without the indexes: it is at
    least DEFER_MIN_ROWS rows and at least as large as the registry already is (building the
    indexes afterwards then costs less than keeping them row by row)."""
    if file_rows < defer_min_rows():
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {WelfareRegistrant._meta.db_table}")
        return file_rows >= cursor.fetchone()[0]


def drop_indexes(*, kind: str) -> bool:
    """Drop the deferrable indexes (under the kind's write lock, so no chunk of another
    registry import is half-written). Returns False, keeping them, when a reader of the table
    holds it past DROP_LOCK_TIMEOUT."""
    try:
        with transaction.atomic():
            lock_writes_of(kind)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = %s", [DROP_LOCK_TIMEOUT])
            with connection.schema_editor(atomic=False) as editor:
                for index in deferrable_indexes():
                    editor.remove_index(WelfareRegistrant, index)  # DROP INDEX IF EXISTS
    except OperationalError:
        logger.info("registrant indexes kept: the table was busy for %s", DROP_LOCK_TIMEOUT)
        return False
    return True


def restore_indexes(*, kind: str) -> int:
    """Build every deferrable index that is missing, each in a transaction of its own under the
    kind's write lock (two restorers never build one index twice; chunks of another registry
    import wait between builds, not behind a half-built index). One after the other: building
    them on two connections at once saved 1.7 s of 8.8 at a million rows, and the memory given
    to the build (64 MB to 1 GB) changed nothing measurable. Returns how many were built."""
    built = 0
    began = time.monotonic()
    for index in deferrable_indexes():
        with transaction.atomic():
            lock_writes_of(kind)
            if index.name not in {missing.name for missing in missing_indexes()}:
                continue
            with connection.schema_editor(atomic=False) as editor:
                editor.add_index(WelfareRegistrant, index)
            built += 1
    if built:
        logger.info("registrant indexes: %d built in %.1f s", built, time.monotonic() - began)
    return built
