"""The guarantees of DESIGN.md §3 / issue 4 item 6, against a real Celery worker, the Redis
broker and PostgreSQL."""

import time
import uuid

import pytest

from households.models import WelfareRegistrant
from ppaos.areas.models import Area, AreaLevel
from ppaos.imports import selectors, services
from ppaos.imports.models import ImportJob, ImportStatus
from tests.imports.files import bad_checksum, good_row, national_id, write_xlsx
from tests.imports.helpers import create_job, registry_state
from tests.worker import start_worker, stop_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FINISHED = (ImportStatus.SUCCEEDED, ImportStatus.PARTLY_SUCCEEDED, ImportStatus.FAILED)


def until(job: ImportJob, reached, *, timeout: float = 60, every: float = 0.05) -> ImportJob:
    """The job, read again until `reached(job)` or `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        if reached(job) or time.monotonic() >= deadline:
            return job
        time.sleep(every)


def wait_for(job: ImportJob, *, timeout: float = 90) -> ImportJob:
    job = until(job, lambda job: job.status in FINISHED, timeout=timeout, every=0.2)
    if job.status not in FINISHED:
        raise AssertionError(f"job still {job.status} after {timeout} s")
    return job


def rows_with_errors(count: int, *, start: int = 1, every: int = 50):
    rows = []
    for n in range(start, start + count):
        row = good_row(n, village=1 + n % 12)
        if n % every == 0:
            row[1] = bad_checksum(row[1])
        rows.append(row)
    return rows


def counts(job):
    return (job.rows_total, job.created_count, job.updated_count, job.unchanged_count,
            job.rejected_count)  # fmt: skip


def test_a_bad_row_never_blocks_the_good_ones(celery_worker, admin_user, tmp_path):
    path = write_xlsx(tmp_path / "mixed.xlsx", rows_with_errors(200, every=40))
    job = wait_for(create_job(admin_user, path))
    assert job.status == ImportStatus.PARTLY_SUCCEEDED
    assert counts(job) == (200, 195, 0, 0, 5)
    assert WelfareRegistrant.objects.count() == 195
    assert job.error_report


def test_the_same_file_twice_changes_nothing_the_second_time(celery_worker, admin_user, tmp_path):
    path = write_xlsx(tmp_path / "same.xlsx", rows_with_errors(300))
    first = wait_for(create_job(admin_user, path))
    state = registry_state()
    second = wait_for(create_job(admin_user, path))
    assert (first.created_count, second.created_count, second.updated_count) == (294, 0, 0)
    assert second.unchanged_count == 294
    assert registry_state() == state


def test_a_file_that_is_not_a_spreadsheet_fails_and_writes_nothing(
    celery_worker, admin_user, tmp_path
):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 10)
    job = wait_for(create_job(admin_user, path))
    assert (job.status, job.error_code) == (ImportStatus.FAILED, "not_spreadsheet")
    assert "สเปรดชีต" in job.error_message_th and "not a spreadsheet" in job.error_message
    assert WelfareRegistrant.objects.count() == 0


def test_a_worker_killed_part_way_then_run_again_ends_as_one_clean_run(
    admin_user, tmp_path, settings
):
    queue = f"ppaos-test-import-kill-{uuid.uuid4().hex[:8]}"
    settings.IMPORT_TASK_QUEUE = queue
    path = write_xlsx(tmp_path / "crash.xlsx", rows_with_errors(3000))
    slow = {"IMPORT_BATCH_ROWS": "100", "IMPORT_BATCH_PAUSE": "0.2"}

    worker = start_worker(name="import-kill-1", env=slow, queue=queue)
    try:
        job = until(create_job(admin_user, path), lambda job: job.rows_done >= 500)
        assert job.status == ImportStatus.VALIDATING
        assert not selectors.import_job_is_stalled(job)  # a live worker holds it
    finally:
        stop_worker(worker, kill=True)  # SIGKILL, part-way through the file
    assert WelfareRegistrant.objects.count() == 0

    deadline = time.monotonic() + 20
    while not selectors.import_job_is_stalled(job) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert selectors.import_job_is_stalled(job)

    worker = start_worker(name="import-kill-2", queue=queue)
    try:
        services.restart_stalled_import_job(actor=admin_user, job=job)
        job = wait_for(job)
        after_crash = registry_state()
        villages_after_crash = set(
            Area.objects.filter(level=AreaLevel.VILLAGE).values_list("code", flat=True)
        )

        # The reference: the same file in one clean run on an empty registry.
        WelfareRegistrant.objects.all().delete()
        clean = wait_for(create_job(admin_user, path))
    finally:
        stop_worker(worker)
    assert counts(job) == counts(clean) == (3000, 2940, 0, 0, 60)
    assert job.status == clean.status == ImportStatus.PARTLY_SUCCEEDED
    assert after_crash == registry_state()
    assert len(after_crash) == len({row[0] for row in after_crash}) == 2940  # no duplicate
    assert villages_after_crash == set(
        Area.objects.filter(level=AreaLevel.VILLAGE).values_list("code", flat=True)
    )


def test_two_overlapping_imports_at_once_neither_deadlock_nor_lose_rows(
    admin_user, tmp_path, settings
):
    queue = f"ppaos-test-import-pair-{uuid.uuid4().hex[:8]}"
    settings.IMPORT_TASK_QUEUE = queue
    first = write_xlsx(tmp_path / "a.xlsx", [good_row(n) for n in range(1, 2001)])
    # The second file overlaps half of the first, in the opposite order, with changed incomes.
    second_rows = [good_row(n, income=n) for n in range(3000, 1000, -1)]
    second = write_xlsx(tmp_path / "b.xlsx", second_rows)

    worker = start_worker(name="import-pair", concurrency=2, queue=queue)
    try:
        job_a = create_job(admin_user, first)
        job_b = create_job(admin_user, second)
        job_a, job_b = wait_for(job_a), wait_for(job_b)
    finally:
        stop_worker(worker)
    assert job_a.status == job_b.status == ImportStatus.SUCCEEDED
    assert job_a.created_count + job_b.created_count == 3000
    assert sum(counts(job_a)[1:4]) == 2000 and sum(counts(job_b)[1:4]) == 2000
    assert WelfareRegistrant.objects.count() == 3000
    # Whichever ran last, a row both touched holds one file's values, whole.
    overlap = WelfareRegistrant.objects.get(national_id=national_id(1500))
    assert overlap.annual_income in (30000, 1500)


def test_a_worker_killed_after_some_chunks_were_written_then_run_again_ends_as_one_clean_run(
    admin_user, tmp_path, settings
):
    # The registry import commits a chunk at a time while it reads: here every 500 rows.
    queue = f"ppaos-test-import-chunks-{uuid.uuid4().hex[:8]}"
    settings.IMPORT_TASK_QUEUE = queue
    path = write_xlsx(tmp_path / "chunks.xlsx", rows_with_errors(3000))
    chunks = {"IMPORT_WRITE_CHUNK_ROWS": "500"}
    slow = {**chunks, "IMPORT_BATCH_ROWS": "100", "IMPORT_BATCH_PAUSE": "0.2"}

    worker = start_worker(name="import-chunks-1", env=slow, queue=queue)
    try:
        job = until(create_job(admin_user, path), lambda job: job.written_through_row >= 1000)
        assert job.status == ImportStatus.VALIDATING
    finally:
        stop_worker(worker, kill=True)  # SIGKILL, with some chunks committed
    job.refresh_from_db()
    written = WelfareRegistrant.objects.count()
    assert 0 < written < 2940
    assert job.created_count == written

    deadline = time.monotonic() + 20
    while not selectors.import_job_is_stalled(job) and time.monotonic() < deadline:
        time.sleep(0.1)
    worker = start_worker(name="import-chunks-2", env=chunks, queue=queue)
    try:
        services.restart_stalled_import_job(actor=admin_user, job=job)
        job = wait_for(job)
        after_crash = registry_state()

        WelfareRegistrant.objects.all().delete()
        clean = wait_for(create_job(admin_user, path))
    finally:
        stop_worker(worker)
    assert counts(job) == counts(clean) == (3000, 2940, 0, 0, 60)
    assert job.status == clean.status == ImportStatus.PARTLY_SUCCEEDED
    assert job.error_summary == clean.error_summary
    assert after_crash == registry_state()


def test_another_import_writes_between_the_chunks_of_a_file_still_being_read(
    admin_user, tmp_path, settings
):
    queue = f"ppaos-test-import-interleave-{uuid.uuid4().hex[:8]}"
    settings.IMPORT_TASK_QUEUE = queue
    # A slow file: 4,000 rows read 100 at a time, half a second apart, written every 200 rows.
    large = write_xlsx(tmp_path / "large.xlsx", [good_row(n) for n in range(1, 4001)])
    small = write_xlsx(tmp_path / "small.xlsx", [good_row(n) for n in range(5001, 5031)])
    env = {
        "IMPORT_WRITE_CHUNK_ROWS": "200",
        "IMPORT_BATCH_ROWS": "100",
        "IMPORT_BATCH_PAUSE": "0.5",
    }

    worker = start_worker(name="import-interleave", concurrency=2, env=env, queue=queue)
    try:
        slow_job = create_job(admin_user, large)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            slow_job.refresh_from_db()
            if slow_job.written_through_row:
                break
            time.sleep(0.05)
        assert slow_job.written_through_row  # its first chunk is written (and committed)

        small_job = wait_for(create_job(admin_user, small))
        slow_job.refresh_from_db()
        # The small import took the write lock and finished while the large file was read.
        assert slow_job.status == ImportStatus.VALIDATING
        assert (small_job.status, small_job.created_count) == (ImportStatus.SUCCEEDED, 30)
        assert WelfareRegistrant.objects.filter(import_job=small_job).count() == 30

        slow_job = wait_for(slow_job, timeout=120)
    finally:
        stop_worker(worker)
    assert (slow_job.status, slow_job.created_count) == (ImportStatus.SUCCEEDED, 4000)
    assert WelfareRegistrant.objects.count() == 4030
