"""A registry file at least as large as the registry is written without the registrant's
secondary indexes, which are always built again: at the job's end, when it fails part-way, and
when a worker connects after one died part-way (households/registry_import/index_upkeep.py)."""

import threading
import time
import uuid

import pytest
from django.db import connection, connections

from households.models import WelfareRegistrant
from households.registry_import import index_upkeep, staging
from ppaos.audit.models import AuditEvent
from ppaos.imports import selectors, services, xlsx_stream
from ppaos.imports.models import ImportStatus
from tests.imports.files import good_row, write_xlsx
from tests.imports.helpers import create_job, registry_state, run_in_process
from tests.worker import start_worker, stop_worker

pytestmark = pytest.mark.django_db(transaction=True)

INDEXES = {index.name for index in WelfareRegistrant._meta.indexes}
SMALL_CHUNKS = {
    "IMPORT_BATCH_ROWS": "50",
    "IMPORT_WRITE_CHUNK_ROWS": "100",
    "IMPORT_DEFER_INDEX_ROWS": "200",
}


def missing() -> set[str]:
    return {index.name for index in index_upkeep.missing_indexes()}


def deferred(job) -> bool:
    event = AuditEvent.objects.get(action="import.job_finished", object_id=str(job.public_id))
    return event.details["indexes_deferred"]


@pytest.fixture
def small_chunks(monkeypatch):
    for name, value in SMALL_CHUNKS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def seen_during_write(monkeypatch):
    """The indexes missing while each chunk was written (recorded before its upsert)."""
    seen: list[set[str]] = []
    upsert = staging.upsert_registrants

    def recording(**kwargs):
        seen.append(missing())
        return upsert(**kwargs)

    monkeypatch.setattr(staging, "upsert_registrants", recording)
    return seen


def test_a_file_larger_than_the_registry_is_written_without_the_indexes_then_they_are_built(
    admin_user, tmp_path, small_chunks, seen_during_write
):
    rows = [good_row(n, village=1 + n % 5) for n in range(1, 501)]
    job = run_in_process(admin_user, write_xlsx(tmp_path / "large.xlsx", rows))

    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 500)
    assert len(seen_during_write) == 5 and all(s == INDEXES for s in seen_during_write)
    assert missing() == set() and deferred(job)
    deferred_state = registry_state()

    # The same rows written with the indexes kept up row by row: the same registry.
    WelfareRegistrant.objects.all().delete()
    seen_during_write.clear()
    kept = run_in_process(admin_user, write_xlsx(tmp_path / "again.xlsx", rows[:150]))
    assert not deferred(kept) and all(s == set() for s in seen_during_write)
    more = run_in_process(admin_user, write_xlsx(tmp_path / "rest.xlsx", rows[150:]))
    assert more.created_count == 350
    assert registry_state() == deferred_state


def test_a_file_smaller_than_the_registry_keeps_the_indexes(
    admin_user, tmp_path, small_chunks, seen_during_write
):
    run_in_process(
        admin_user, write_xlsx(tmp_path / "first.xlsx", [good_row(n) for n in range(1, 401)])
    )
    seen_during_write.clear()
    job = run_in_process(
        admin_user, write_xlsx(tmp_path / "update.xlsx", [good_row(n) for n in range(301, 601)])
    )
    assert (job.created_count, job.unchanged_count) == (200, 100)
    assert not deferred(job)
    assert seen_during_write and all(s == set() for s in seen_during_write)


def test_a_busy_registry_keeps_its_indexes_and_the_import_goes_on(
    admin_user, tmp_path, small_chunks, monkeypatch
):
    monkeypatch.setattr(index_upkeep, "DROP_LOCK_TIMEOUT", "200ms")
    holding, release = threading.Event(), threading.Event()

    def long_report():  # a reader of the registry that does not let go
        with connections["default"].cursor() as cursor:
            cursor.execute("BEGIN; SELECT count(*) FROM households_welfareregistrant")
            holding.set()
            release.wait(30)
            cursor.execute("COMMIT")
        connections["default"].close()

    reader = threading.Thread(target=long_report)
    reader.start()
    try:
        assert holding.wait(10)
        path = write_xlsx(tmp_path / "large.xlsx", [good_row(n) for n in range(1, 301)])
        job = run_in_process(admin_user, path)
    finally:
        release.set()
        reader.join()
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 300)
    assert not deferred(job) and missing() == set()


def test_a_file_that_fails_part_way_leaves_the_indexes_built(
    admin_user, tmp_path, small_chunks, monkeypatch
):
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 450)
    path = write_xlsx(tmp_path / "too-long.xlsx", [good_row(n) for n in range(1, 601)])
    job = run_in_process(admin_user, path)

    assert (job.status, job.error_code) == (ImportStatus.FAILED, "too_many_rows")
    assert 0 < job.written_through_row < 450
    assert WelfareRegistrant.objects.count() == job.created_count
    assert missing() == set()


def test_repair_builds_the_indexes_only_when_no_registry_import_runs(admin_user, tmp_path):
    index_upkeep.drop_indexes(kind="welfare_registry")
    assert missing() == INDEXES
    assert services.repair_interrupted_writes() >= 1
    assert missing() == set()


@pytest.mark.worker
def test_a_worker_killed_while_the_indexes_were_dropped_leaves_them_built_by_the_next_worker(
    admin_user, tmp_path, settings
):
    queue = f"ppaos-test-import-indexes-{uuid.uuid4().hex[:8]}"
    settings.IMPORT_TASK_QUEUE = queue
    path = write_xlsx(tmp_path / "large.xlsx", [good_row(n) for n in range(1, 2001)])
    slow = {**SMALL_CHUNKS, "IMPORT_BATCH_PAUSE": "0.2"}

    worker = start_worker(name="import-indexes-1", env=slow, queue=queue)
    try:
        job = create_job(admin_user, path)
        deadline = time.monotonic() + 60
        while job.written_through_row < 300 and time.monotonic() < deadline:
            time.sleep(0.05)
            job.refresh_from_db()
        assert job.status == ImportStatus.VALIDATING
    finally:
        stop_worker(worker, kill=True)  # SIGKILL while the indexes are dropped
    assert missing() == INDEXES
    connection.close()

    deadline = time.monotonic() + 20
    while not selectors.import_job_is_stalled(job) and time.monotonic() < deadline:
        time.sleep(0.1)
    worker = start_worker(name="import-indexes-2", env=SMALL_CHUNKS, queue=queue)
    try:
        # Connecting to the broker, the worker builds them again: no job of the kind runs.
        deadline = time.monotonic() + 30
        while missing() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert missing() == set()

        services.restart_stalled_import_job(actor=admin_user, job=job)
        deadline = time.monotonic() + 90
        while job.status not in services.FINISHED_STATUSES and time.monotonic() < deadline:
            time.sleep(0.2)
            job.refresh_from_db()
    finally:
        stop_worker(worker)
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 2000)
    assert WelfareRegistrant.objects.count() == 2000 and missing() == set()
