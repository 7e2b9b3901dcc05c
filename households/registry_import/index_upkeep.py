"""Deferred upkeep of the registrant's secondary indexes for very large registry files (issue 14).

Keeping the trigram (name search), duplicate-name and area indexes up to date row by row is most of
what a million-row upsert costs PostgreSQL: 55 s against 29 s without them; building them once
afterwards takes about 8 s (benchmarks/import_registry.py). Deferring the trigram index alone gained
nothing: at a million rows the two b-trees cost as much. So an import that will still write at least
`IMPORT_DEFER_INDEX_ROWS` rows, at least as many as the registry already holds, and whose first
chunk changed most of its rows (a re-export of an unchanged registry writes almost nothing and keeps
them), drops those three indexes after its first chunk and builds them again after its last, before
the job is marked finished (unless another import is still writing without them: the last to finish
builds them). The build (a plain CREATE INDEX, about 8 s for a million rows) holds other writers of
the table back, not its readers. The national-ID unique index (the upsert's conflict target), the
primary key and the public ID stay, so the upsert and every look-up by ID stay exact. Meanwhile
(about 40 s for a million rows) name search, the survey import's duplicate-name probe and area lists
read the table without an index: slower, never wrong; each query is planned again, so they are fast
as soon as the indexes are back. A streaming replica replays the drop like any DDL (its conflicting
queries wait or are cancelled).

A run that dropped them holds a shared session-level advisory lock (`DEFERRED_KEY`) on its
connection until it has finished writing. They are built again only under that key's exclusive lock,
taken without waiting: so nothing builds them under a run still writing without them, and a run
whose worker died lets go of the key with its connection (once PostgreSQL notices the connection is
gone: at once when the worker's process dies, after TCP keepalive when its machine or network does,
which this connection sets to about two minutes: `KEEPALIVES`).
Every path that can leave them missing builds them again: the job's end, its failure (the
framework's finally), a worker connecting to the broker, and the periodic
`ppaos.imports.repair_interrupted_writes` task (`restore_indexes`, through
`Importer.repair_writes`). Only the indexes named here are dropped and built, from the model's own
definitions (Django's schema editor), and neither while migrations are unapplied (a deploy).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time

from django.db import OperationalError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from households.models import WelfareRegistrant
from ppaos.imports.locks import lock_writes_of

logger = logging.getLogger(__name__)

TRIGRAM_INDEX = "registrant_name_trgm"
DEFERRED_INDEXES = (TRIGRAM_INDEX, "registrant_dup_idx", "registrant_area_house_idx")
DEFER_MIN_ROWS = 200_000  # IMPORT_DEFER_INDEX_ROWS (0: never defer)
DEFERRED_KEY = (0x50_50_41_49, 1)  # "PPAI", 1: a run is writing without the deferred index
# How long dropping the index may wait for a query reading the table; past it, the import keeps
# the index (a long report must not hold every registry read up behind the drop).
DROP_LOCK_TIMEOUT = "3s"
LOCK_NOT_AVAILABLE = "55P03"
# The server's TCP keepalive for the connection that holds the deferral key: probes after 60 s
# of silence, every 10 s, 6 unanswered end it (about two minutes).
KEEPALIVES = (
    ("tcp_keepalives_idle", "60"),
    ("tcp_keepalives_interval", "10"),
    ("tcp_keepalives_count", "6"),
)


def defer_min_rows() -> int:
    value = os.environ.get("IMPORT_DEFER_INDEX_ROWS", "").strip()
    try:
        return int(value) if value else DEFER_MIN_ROWS
    except ValueError:
        logger.warning("IMPORT_DEFER_INDEX_ROWS is not a number: indexes are not deferred")
        return 0


def _indexes() -> list:
    return [i for i in WelfareRegistrant._meta.indexes if i.name in DEFERRED_INDEXES]


def missing_indexes() -> list:
    """The deferred indexes the table lacks now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = %s",
            [WelfareRegistrant._meta.db_table],
        )
        present = {name for (name,) in cursor.fetchall()}
    return [index for index in _indexes() if index.name not in present]


def should_defer(*, rows_left: int, changed: int, staged: int) -> bool:
    """Whether the rest of a file is worth writing without the indexes: at least
    IMPORT_DEFER_INDEX_ROWS rows still to write (the reader's estimate), at least as many as
    the registry holds, and the first chunk changed (created or updated) at least half of its
    rows. Building them once then costs less than keeping them up row by row."""
    minimum = defer_min_rows()
    if minimum <= 0 or rows_left < minimum or not staged or changed * 2 < staged:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {WelfareRegistrant._meta.db_table}")
        if rows_left < cursor.fetchone()[0]:
            return False
    return not _migrations_pending()  # a deploy may be changing these indexes


def drop_indexes(*, kind: str) -> bool:
    """Hold the shared deferral key on this connection and drop the indexes (under the kind's
    write lock, so no chunk of another registry import is half-written). Returns False, keeping
    them, when a reader of the table holds it past DROP_LOCK_TIMEOUT."""
    with connection.cursor() as cursor:
        # A worker whose machine or network dies leaves its connection open on the server
        # until TCP says so: two hours with the system's defaults, all that time without
        # the indexes. Keepalive probes on this session's socket end it in about two minutes
        # (ignored over a Unix socket, where a dead process is seen at once).
        for name, value in KEEPALIVES:
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
        cursor.execute("SELECT pg_advisory_lock_shared(%s, %s)", list(DEFERRED_KEY))
    try:
        with transaction.atomic():
            lock_writes_of(kind)
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [DROP_LOCK_TIMEOUT])
            with connection.schema_editor(atomic=False) as editor:
                for index in _indexes():
                    editor.remove_index(WelfareRegistrant, index)  # DROP INDEX IF EXISTS
    except Exception as exc:
        # Deferring only saves time: whatever stopped the drop, the import goes on with the
        # indexes (a broken connection fails its next chunk as it would have anyway).
        with contextlib.suppress(Exception):
            release_deferral()
        if isinstance(exc, OperationalError) and (
            getattr(exc.__cause__, "pgcode", None) == LOCK_NOT_AVAILABLE
        ):
            logger.info("registrant indexes kept: the table was busy for %s", DROP_LOCK_TIMEOUT)
        else:
            logger.warning("registrant indexes kept: they could not be dropped", exc_info=True)
        return False
    return True


def release_deferral() -> None:
    """Let go of the shared deferral key this connection holds (a no-op without it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_unlock_shared(%s, %s) FROM pg_locks WHERE locktype = 'advisory' "
            "AND pid = pg_backend_pid() AND mode = 'ShareLock' AND granted "
            "AND classid = %s::oid AND objid = %s::oid AND objsubid = 2",
            [*DEFERRED_KEY, *DEFERRED_KEY],
        )


def _migrations_pending() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def restore_indexes() -> int:
    """Build the missing indexes if no run is writing without them (the deferral key's
    exclusive lock is free): the trigram index on a connection of its own while the b-trees are
    built on this one (`_build`); the memory given to a build (64 MB to 1 GB) changed nothing
    measurable. Returns how many were built."""
    if not missing_indexes():
        return 0
    outer = connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", list(DEFERRED_KEY))
            if not cursor.fetchone()[0]:
                return 0  # a run still writes without them; it builds them at its end
        missing = missing_indexes()
        if not missing:
            return 0
        if _migrations_pending():
            logger.warning("registrant indexes missing: not built while migrations are unapplied")
            return 0
        began = time.monotonic()
        _build(missing, alone=not outer)
    logger.info("registrant indexes: %d built in %.1f s", len(missing), time.monotonic() - began)
    return len(missing)


def _build(indexes: list, *, alone: bool) -> None:
    """Build `indexes`: the trigram one (a GIN index, which PostgreSQL 15 builds in one process,
    the longest of the three) in a thread on a connection of its own, committed by itself,
    while this connection builds the b-trees (which PostgreSQL builds with parallel workers):
    both cores busy. Inside a caller's transaction (`alone` false) everything is built here,
    one after the other: the other connection would wait for that transaction's locks.

    The thread takes its SHARE lock on the table first, and this connection asks for its own
    only once the thread holds it (or has failed). The other order could hang: a writer of the
    table queued behind this connection's lock would stand before the thread's request, and
    this connection waits for the thread (in Python, where PostgreSQL sees no deadlock). In
    this order a writer queued meanwhile waits for the thread, which waits for nobody."""
    apart = [i for i in indexes if alone and i.name == TRIGRAM_INDEX and len(indexes) > 1]
    failed: list[BaseException] = []
    locked = threading.Event()

    def build_apart() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {WelfareRegistrant._meta.db_table} IN SHARE MODE")
                locked.set()
                with connection.schema_editor(atomic=False) as editor:
                    editor.add_index(WelfareRegistrant, apart[0])
        except BaseException as exc:  # noqa: BLE001 - raised in the calling thread
            failed.append(exc)
        finally:
            locked.set()
            connection.close()

    if apart:
        thread = threading.Thread(target=build_apart, name="registrant-trigram-index")
        thread.start()
        locked.wait()
    error = None
    try:
        if not failed:
            with connection.schema_editor(atomic=False) as editor:
                for index in indexes:
                    if index not in apart:
                        editor.add_index(WelfareRegistrant, index)
    except BaseException as exc:  # noqa: BLE001 - raised below, once the thread has ended
        error = exc
    if apart:
        thread.join()
    if error is not None:
        if failed:  # both failed: the thread's error is logged, this one raised
            logger.warning("registrant trigram index not built", exc_info=failed[0])
        raise error
    if failed:
        raise failed[0]
