"""PostgreSQL advisory locks of the import framework.

A job lock is (namespace, job id), session-level, held by the worker's connection while it runs
the job: two workers never run one job at once, and a dead worker's lock goes with its
connection (selectors.import_job_is_running looks for it). A write lock is transaction-level,
one per importer kind that asks for serial writes.
"""

import logging
import zlib

from django.db import connection

logger = logging.getLogger(__name__)

JOB_LOCK_NAMESPACE = 0x50_50_41_4F  # "PPAO": job locks are (namespace, job id)
WRITE_LOCK_NAMESPACE = 0x50_50_41_57  # "PPAW": write locks are (namespace, kind hash)


class JobLock:
    """A session-level advisory lock on the job, held by the worker's connection."""

    def __init__(self, job_id: int) -> None:
        self.key = (JOB_LOCK_NAMESPACE, int(job_id))
        self.acquired = False

    def __enter__(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", list(self.key))
            self.acquired = cursor.fetchone()[0]
        return self.acquired

    def __exit__(self, *exc) -> None:
        if self.acquired and connection.connection is not None:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", list(self.key))
            except Exception:  # the connection broke; the lock went with it
                logger.warning("could not release import job lock", exc_info=True)


def lock_writes_of(kind: str) -> None:
    """Wait for and hold, until the transaction ends, the write lock of one importer kind."""
    key = zlib.crc32(kind.encode()) & 0x7FFF_FFFF
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [WRITE_LOCK_NAMESPACE, key])
