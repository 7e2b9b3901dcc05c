"""A registry file at least as large as the registry is written, after its first chunk, without
the registrant's name, duplicate-name and area indexes, which are always built again: before the
job finishes, when it fails part-way, when ending the write fails, and when a worker connects
after one died part-way (households/registry_import/index_upkeep.py)."""

import threading
import time
import uuid

import psycopg2
import pytest
from django.db import DatabaseError, connection, connections, transaction

from households.models import WelfareRegistrant
from households.registry_import import index_upkeep, staging
from ppaos.audit.models import AuditEvent
from ppaos.imports import selectors, services, xlsx_stream
from ppaos.imports.models import ImportStatus
from tests.imports.files import good_row, write_xlsx
from tests.imports.helpers import create_job, registry_state, run_in_process
from tests.worker import start_worker, stop_worker

pytestmark = pytest.mark.django_db(transaction=True)

SMALL_CHUNKS = {
    "IMPORT_BATCH_ROWS": "50",
    "IMPORT_WRITE_CHUNK_ROWS": "100",
    "IMPORT_DEFER_INDEX_ROWS": "200",
}


def missing() -> bool:
    """Whether the deferred indexes are all missing (True) or all there (False)."""
    names = {index.name for index in index_upkeep.missing_indexes()}
    assert names in (set(), set(index_upkeep.DEFERRED_INDEXES))
    return bool(names)


def deferred(job) -> bool:
    event = AuditEvent.objects.get(action="import.job_finished", object_id=str(job.public_id))
    return event.details["indexes_deferred"]


def rows(first: int, last: int) -> list[list]:
    return [good_row(n, village=1 + n % 5) for n in range(first, last + 1)]


@pytest.fixture(autouse=True)
def index_left_built(settings):
    # The jobs here run in this process; committed, they also go to the broker: to a queue no
    # worker of the suite consumes, or another test's worker would run them meanwhile.
    settings.IMPORT_TASK_QUEUE = f"ppaos-test-nobody-{uuid.uuid4().hex[:8]}"
    yield
    connection.close()
    index_upkeep.restore_indexes()  # a failing test must not leave them dropped
    assert not missing()


@pytest.fixture
def small_chunks(monkeypatch):
    for name, value in SMALL_CHUNKS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def seen_during_write(monkeypatch):
    """Whether the indexes were missing as each chunk was written (before its upsert)."""
    seen: list[bool] = []
    upsert = staging.upsert_registrants

    def recording(**kwargs):
        seen.append(missing())
        return upsert(**kwargs)

    monkeypatch.setattr(staging, "upsert_registrants", recording)
    return seen


@pytest.fixture
def seen_when_finished(monkeypatch):
    """Whether the indexes were missing when the job's result was recorded."""
    seen: list[bool] = []
    record = services._record_result

    def recording(*args, **kwargs):
        seen.append(missing())
        return record(*args, **kwargs)

    monkeypatch.setattr(services, "_record_result", recording)
    return seen


def test_a_file_larger_than_the_registry_is_written_without_the_indexes_then_they_are_built(
    admin_user, tmp_path, small_chunks, seen_during_write, seen_when_finished, monkeypatch
):
    job = run_in_process(admin_user, write_xlsx(tmp_path / "large.xlsx", rows(1, 500)))

    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 500)
    # The first chunk decides; the other four are written without the indexes.
    assert seen_during_write == [False, True, True, True, True]
    assert seen_when_finished == [False] and deferred(job)
    deferred_state = registry_state()

    # The same rows with the indexes kept up row by row: the same registry.
    monkeypatch.setenv("IMPORT_DEFER_INDEX_ROWS", "0")  # never
    WelfareRegistrant.objects.all().delete()
    seen_during_write.clear()
    kept = run_in_process(admin_user, write_xlsx(tmp_path / "again.xlsx", rows(1, 500)))
    assert kept.created_count == 500 and not deferred(kept)
    assert seen_during_write == [False] * 5
    assert registry_state() == deferred_state


def test_a_file_smaller_than_the_registry_keeps_the_indexes(
    admin_user, tmp_path, small_chunks, seen_during_write
):
    run_in_process(admin_user, write_xlsx(tmp_path / "first.xlsx", rows(1, 400)))
    seen_during_write.clear()
    # New rows only, and 259 still to write after the first chunk (over the 200 minimum), but
    # the registry then holds 500.
    job = run_in_process(admin_user, write_xlsx(tmp_path / "more.xlsx", rows(401, 760)))
    assert job.created_count == 360
    assert not deferred(job) and seen_during_write == [False] * 4


def test_a_file_whose_first_chunk_changes_little_keeps_the_indexes(
    admin_user, tmp_path, small_chunks, monkeypatch, seen_during_write
):
    monkeypatch.setenv("IMPORT_DEFER_INDEX_ROWS", "0")
    run_in_process(admin_user, write_xlsx(tmp_path / "first.xlsx", rows(1, 100)))
    monkeypatch.setenv("IMPORT_DEFER_INDEX_ROWS", "200")
    seen_during_write.clear()
    # 400 rows left against a registry of 100, but the first 100 are unchanged.
    job = run_in_process(admin_user, write_xlsx(tmp_path / "again.xlsx", rows(1, 500)))
    assert (job.created_count, job.unchanged_count) == (400, 100)
    assert not deferred(job) and seen_during_write == [False] * 5


def test_a_busy_registry_keeps_its_indexes_and_the_import_goes_on(
    admin_user, tmp_path, small_chunks, monkeypatch
):
    monkeypatch.setattr(index_upkeep, "DROP_LOCK_TIMEOUT", "200ms")
    drop, dropped = index_upkeep.drop_indexes, []
    monkeypatch.setattr(
        index_upkeep, "drop_indexes", lambda **kw: dropped.append(drop(**kw)) or dropped[-1]
    )
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
        job = run_in_process(admin_user, write_xlsx(tmp_path / "large.xlsx", rows(1, 500)))
    finally:
        release.set()
        reader.join()
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 500)
    assert dropped == [False]  # it tried, waited 200 ms, and kept them
    assert not deferred(job) and not missing()


def test_a_file_that_fails_part_way_leaves_the_indexes_built(
    admin_user, tmp_path, small_chunks, monkeypatch, seen_during_write
):
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 450)
    job = run_in_process(admin_user, write_xlsx(tmp_path / "too-long.xlsx", rows(1, 600)))

    assert (job.status, job.error_code) == (ImportStatus.FAILED, "too_many_rows")
    assert 0 < job.written_through_row < 450
    assert WelfareRegistrant.objects.count() == job.created_count
    assert True in seen_during_write  # it was written without the indexes
    assert not missing()


def test_a_failure_to_build_the_indexes_neither_fails_the_import_nor_leaves_them_missing(
    admin_user, tmp_path, small_chunks, monkeypatch, seen_when_finished
):
    build = index_upkeep.restore_indexes
    calls = []

    def failing_once():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("disk full")
        return build()

    monkeypatch.setattr(index_upkeep, "restore_indexes", failing_once)
    job = run_in_process(admin_user, write_xlsx(tmp_path / "large.xlsx", rows(1, 500)))
    # Every row was written: the job succeeds; the framework's finally builds them.
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 500)
    assert seen_when_finished == [True] and len(calls) == 2
    assert not missing()


def test_repair_builds_the_indexes_only_when_no_run_writes_without_them(admin_user):
    index_upkeep.drop_indexes(kind="welfare_registry")
    index_upkeep.release_deferral()
    assert missing()
    # A run elsewhere (another worker's connection) still writes without them.
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock_shared(%s, %s)", index_upkeep.DEFERRED_KEY)
        services.repair_interrupted_writes()
        assert missing()
        with other.cursor() as cursor:  # that run has finished writing
            cursor.execute("SELECT pg_advisory_unlock_shared(%s, %s)", index_upkeep.DEFERRED_KEY)
    finally:
        other.close()
    services.repair_interrupted_writes()
    assert not missing()


def test_the_connection_writing_without_the_indexes_is_ended_soon_when_its_machine_dies():
    # The key is let go when the server ends the connection: over TCP, its keepalive probes
    # notice a dead machine in about two minutes, not the system's two hours.
    index_upkeep.drop_indexes(kind="welfare_registry")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT inet_client_addr() IS NOT NULL")
            assert cursor.fetchone()[0], "the tests reach PostgreSQL over TCP"
            cursor.execute(
                "SELECT current_setting('tcp_keepalives_idle')::int, "
                "current_setting('tcp_keepalives_interval')::int, "
                "current_setting('tcp_keepalives_count')::int"
            )
            idle, interval, count = cursor.fetchone()
    finally:
        index_upkeep.release_deferral()
        index_upkeep.restore_indexes()
    assert 0 < idle + interval * count <= 120  # seconds (0 would be the system's default)
    assert idle > 0 and interval > 0 and count > 0


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
    assert missing()
    connection.close()

    deadline = time.monotonic() + 20
    while not selectors.import_job_is_stalled(job) and time.monotonic() < deadline:
        time.sleep(0.1)
    worker = start_worker(name="import-indexes-2", env=SMALL_CHUNKS, queue=queue)
    try:
        # Connecting to the broker, the worker builds them again: no run writes without them.
        deadline = time.monotonic() + 30
        while missing() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not missing()

        services.restart_stalled_import_job(actor=admin_user, job=job)
        deadline = time.monotonic() + 90
        while job.status not in services.FINISHED_STATUSES and time.monotonic() < deadline:
            time.sleep(0.2)
            job.refresh_from_db()
    finally:
        stop_worker(worker)
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 2000)
    assert WelfareRegistrant.objects.count() == 2000 and not missing()


@pytest.fixture
def built_by(monkeypatch):
    """(index, name of the thread whose connection built it), for every index built."""
    from django.db.backends.postgresql.schema import DatabaseSchemaEditor

    built: list[tuple[str, str]] = []
    add = DatabaseSchemaEditor.add_index

    def recording(editor, model, index, *args, **kwargs):
        built.append((index.name, threading.current_thread().name))
        if index.name in fail_on:
            raise DatabaseError("could not extend file: No space left on device")
        return add(editor, model, index, *args, **kwargs)

    fail_on: set[str] = set()
    monkeypatch.setattr(DatabaseSchemaEditor, "add_index", recording)
    return {"built": built, "fail_on": fail_on}


def dropped_and_released() -> None:
    index_upkeep.drop_indexes(kind="welfare_registry")
    index_upkeep.release_deferral()
    assert missing()


def test_the_trigram_index_is_built_on_a_connection_of_its_own_beside_the_b_trees(built_by):
    dropped_and_released()
    assert index_upkeep.restore_indexes() == 3
    assert not missing()
    here = threading.current_thread().name
    assert sorted(built_by["built"]) == [
        ("registrant_area_house_idx", here),
        ("registrant_dup_idx", here),
        ("registrant_name_trgm", "registrant-trigram-index"),
    ]


def test_inside_a_callers_transaction_every_index_is_built_on_its_connection(built_by):
    dropped_and_released()
    with transaction.atomic():
        assert index_upkeep.restore_indexes() == 3
    here = threading.current_thread().name
    assert {thread for _index, thread in built_by["built"]} == {here}
    assert not missing()


def test_a_trigram_build_failing_on_its_own_connection_fails_the_build_and_is_built_next_time(
    built_by,
):
    dropped_and_released()
    built_by["fail_on"].add(index_upkeep.TRIGRAM_INDEX)
    with pytest.raises(DatabaseError):
        index_upkeep.restore_indexes()
    # The b-trees' transaction is rolled back with it: the next call builds all three.
    assert missing()
    built_by["fail_on"].clear()
    assert index_upkeep.restore_indexes() == 3
    assert not missing()


def test_the_trigram_thread_holds_its_table_lock_before_this_connection_builds(monkeypatch):
    """The other order could hang behind a writer queued between the two lock requests
    (index_upkeep._build): when this connection asks for its first lock on the table (its
    first b-tree), the thread's SHARE lock is already granted (the thread then goes on, and
    may have committed before the second b-tree)."""
    from django.db.backends.postgresql.schema import DatabaseSchemaEditor

    add = DatabaseSchemaEditor.add_index
    checked = threading.Event()
    seen_locked: list[int] = []

    def recording(editor, model, index, *args, **kwargs):
        if index.name == index_upkeep.TRIGRAM_INDEX:
            checked.wait(timeout=10)  # hold the lock until this connection has looked
        else:
            with editor.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_locks WHERE relation = %s::regclass "
                    "AND database = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database()) "
                    "AND mode = 'ShareLock' AND granted AND pid <> pg_backend_pid()",
                    [WelfareRegistrant._meta.db_table],
                )
                seen_locked.append(cursor.fetchone()[0])
            checked.set()
        return add(editor, model, index, *args, **kwargs)

    monkeypatch.setattr(DatabaseSchemaEditor, "add_index", recording)
    dropped_and_released()
    assert index_upkeep.restore_indexes() == 3
    assert len(seen_locked) == 2 and seen_locked[0] == 1
    assert not missing()
