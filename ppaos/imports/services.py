"""Every write of the import-job framework; it runs any registered importer (importers.py).

Life of a job: `create_import_job` (web, returns at once) → Celery task → `run_import_job`
(worker): validating (stream rows, the importer checks them batch by batch, valid rows and
errors are staged with COPY) → importing (one transaction: the importer's set-based write, the
job's final counts and audit row) → succeeded / partly succeeded / failed.

Crash safety: staging lives in TEMP tables of the worker's connection and the write is one
transaction together with the job's counts, so a worker killed at any point leaves either
nothing or the finished job. Running the job again starts it from the file (a PostgreSQL
advisory lock keeps two workers from running the same job at once; a dead worker's lock goes
with its connection). An importer that commits chunks (`Importer.commit_chunks`: the welfare
registry) writes while it reads, a transaction per chunk; a dead worker leaves the chunks it
committed and the job run again resumes after them (`_write_committing_chunks`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import time
import uuid
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ppaos.accounts.policy import require
from ppaos.audit.services import record_audit_event

from . import copy_staging
from .columns import blank_row, cell_too_long, layout_key
from .importers import Importer, ImportRun, importer_for, registered_importers
from .locks import JobLock, lock_writes_of
from .models import ColumnMapping, ImportJob, ImportStatus
from .readers import MarkerRow, OverlongRow, SpreadsheetError, check_zip_integrity

logger = logging.getLogger(__name__)

ACTIVE_STATUSES = (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.IMPORTING)
FINISHED_STATUSES = (ImportStatus.SUCCEEDED, ImportStatus.PARTLY_SUCCEEDED, ImportStatus.FAILED)
# Allowed status transitions (DESIGN.md §5: declared once, enforced here).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ImportStatus.QUEUED: (ImportStatus.VALIDATING,),
    # A job whose worker died stays validating/importing; running it again starts over.
    ImportStatus.VALIDATING: (
        ImportStatus.VALIDATING,
        ImportStatus.IMPORTING,
        ImportStatus.SUCCEEDED,
        ImportStatus.PARTLY_SUCCEEDED,
        ImportStatus.FAILED,
    ),
    ImportStatus.IMPORTING: (
        ImportStatus.VALIDATING,
        ImportStatus.SUCCEEDED,
        ImportStatus.PARTLY_SUCCEEDED,
        ImportStatus.FAILED,
    ),
    ImportStatus.SUCCEEDED: (),
    ImportStatus.PARTLY_SUCCEEDED: (),
    ImportStatus.FAILED: (),
}

HEADER_SEARCH_ROWS = 30
# Rows per COPY batch and progress update. IMPORT_BATCH_PAUSE (seconds between batches) exists
# so the crash-safety test can stop a worker part-way; it is 0 in normal use.
DEFAULT_BATCH_ROWS = 20_000
MAX_REPORT_ROWS = 1_000_000


class ImportJobError(Exception):
    """A request about a job that its state does not allow (shown to the admin)."""


class StorageUnavailable(ValueError):
    """MEDIA_ROOT cannot take the file (disk full, no permission, not a folder): nothing was
    kept. A ValueError, so the upload form and the API show its message like other refusals."""


def STORAGE_UNAVAILABLE_MESSAGE() -> str:  # noqa: N802 - read like a constant, translated late
    return _(
        "The file could not be stored: the server's storage is full or cannot be written. "
        "Nothing was saved. Please tell the system administrator and try again later."
    )


def max_upload_bytes() -> int:
    return settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024


def _batch_rows() -> int:
    return int(os.environ.get("IMPORT_BATCH_ROWS") or DEFAULT_BATCH_ROWS)


def batch_pause() -> float:
    """IMPORT_BATCH_PAUSE: seconds between batches (0 in normal use; tests stop a worker
    part-way with it)."""
    return float(os.environ.get("IMPORT_BATCH_PAUSE") or 0)


ACCEPTED_SUFFIXES = (".xlsx", ".xls", ".csv")


def check_upload(*, name: str, size: int, suffixes: tuple[str, ...] = ACCEPTED_SUFFIXES) -> None:
    """Refuse an upload before it is stored: too large, or not named as a file the importer
    reads (ValueError with a message for the form). The content is checked by the job."""
    if size > max_upload_bytes():
        raise ValueError(
            _("The file is larger than %(limit)s MB.") % {"limit": settings.IMPORT_MAX_UPLOAD_MB}
        )
    if not name.lower().endswith(suffixes):
        if ".zip" in suffixes:
            raise ValueError(_("Upload an .xlsx, .csv or .zip file."))
        raise ValueError(_("Upload an .xlsx, .xls or .csv file."))


def _enqueue(job: ImportJob) -> None:
    from .tasks import run_import_job_task

    job_id = job.pk
    transaction.on_commit(lambda: _publish(run_import_job_task, job_id))


def _publish(task, job_id: int) -> bool:
    """Hand the job to the broker. When the broker is unreachable the upload is kept all the
    same: the job stays queued in PostgreSQL (the outbox) and every worker that (re)connects to
    the broker queues the waiting jobs again (requeue_waiting_jobs, worker_steps.py)."""
    # IMPORT_TASK_QUEUE (optional) sends imports to workers of their own.
    queue = getattr(settings, "IMPORT_TASK_QUEUE", None) or None
    try:
        task.apply_async(args=[job_id], queue=queue)
    except Exception:
        logger.warning("broker unreachable: import job %s waits queued", job_id, exc_info=True)
        return False
    return True


def requeue_waiting_jobs() -> int:
    """Queue again every job still waiting in `queued` that no worker holds: its task may never
    have reached the broker (down at upload time) or been lost with it. Harmless when the task
    is there too: the worker takes the job's lock and skips a job already started or finished.
    Called when a worker (re)connects to the broker. Returns how many were handed over."""
    from .selectors import import_job_is_running
    from .tasks import run_import_job_task

    handed = 0
    for job in ImportJob.objects.filter(status=ImportStatus.QUEUED).order_by("created_at"):
        if not import_job_is_running(job) and _publish(run_import_job_task, job.pk):
            handed += 1
    return handed


def repair_interrupted_writes() -> int:
    """Have every importer undo what a run whose worker died left half-done
    (`Importer.repair_writes`: the registry builds the index such a run dropped, unless a run
    still writes without it). Called when a worker (re)connects to the broker and periodically
    (CELERY_BEAT_SCHEDULE). Returns how many importers were asked."""
    importers = registered_importers().values()
    for importer in importers:
        importer.repair_writes()
    return len(importers)


# ---------------------------------------------------------------------------------------------
# Web side: create, re-run, map columns


def _importer(kind: str | None) -> Importer:
    """The importer of `kind`; without one, the first registered (the app's main import)."""
    importers = registered_importers()
    if kind is None and importers:
        return next(iter(importers.values()))
    if kind not in importers:
        raise ValueError(_("This kind of import is not available."))
    return importers[kind]


def create_import_job(
    *, actor, uploaded_file, dry_run: bool = False, kind: str | None = None
) -> ImportJob:
    """Store the upload and queue its import by the importer of `kind` (default: the first
    registered); returns at once.

    Who may call: whoever the importer's own action allows (RUN_IMPORTS: admins; survey imports:
    field staff, whose rows are checked against their areas). Refuses files over
    IMPORT_MAX_UPLOAD_MB and unknown kinds (ValueError with a message for the form). Side
    effects: the file in MEDIA_ROOT, an audit row, a task.
    """
    importer = _importer(kind)
    require(actor, importer.action)
    kind = importer.kind
    check_upload(
        name=uploaded_file.name, size=uploaded_file.size, suffixes=importer.accepted_suffixes
    )
    name = Path(uploaded_file.name).name[:255]
    job = ImportJob(
        created_by=actor,
        kind=kind,
        original_filename=name,
        file_size=uploaded_file.size,
        dry_run=dry_run,
    )
    # The stored name is chosen first, so a write that fails part-way (disk full) is removed.
    target = job.file.field.generate_filename(job, name)
    try:
        with transaction.atomic():
            try:
                job.file.name = job.file.storage.save(target, uploaded_file)
            except OSError as error:
                with contextlib.suppress(OSError):  # a part-written file must not stay
                    job.file.storage.delete(target)
                logger.error("import upload not stored: %s", error.strerror)
                raise StorageUnavailable(STORAGE_UNAVAILABLE_MESSAGE()) from error
            job.save()
            record_audit_event(
                actor=actor,
                action="import.job_created",
                target=job,
                details={"kind": kind, "dry_run": dry_run, "size": uploaded_file.size},
            )
            _enqueue(job)
    except BaseException:
        # The row was rolled back; the stored file must not outlive it.
        if job.file.name:
            job.file.storage.delete(job.file.name)
        raise
    return job


def import_again(*, actor, job: ImportJob, dry_run: bool = False) -> ImportJob:
    """A new job on the same stored file: "import for real" after a dry run, or a second try
    after the column mapping changed. Who may call: whoever may run the job's kind."""
    require(actor, importer_for(job.kind).action)
    if job.status not in FINISHED_STATUSES:
        raise ImportJobError(_("This import has not finished yet."))
    with transaction.atomic():
        new_job = ImportJob.objects.create(
            created_by=actor,
            kind=job.kind,
            file=job.file.name,
            original_filename=job.original_filename,
            file_size=job.file_size,
            dry_run=dry_run,
        )
        record_audit_event(
            actor=actor,
            action="import.job_created",
            target=new_job,
            details={"kind": job.kind, "dry_run": dry_run, "again_of": str(job.public_id)},
        )
        _enqueue(new_job)
    return new_job


def restart_stalled_import_job(*, actor, job: ImportJob) -> ImportJob:
    """Run a job again whose worker died part-way (status validating/importing, no worker
    holding it). The run starts from the file and ends as one clean run would. Who: whoever may
    run the job's kind."""
    from .selectors import import_job_is_stalled

    require(actor, importer_for(job.kind).action)
    if not import_job_is_stalled(job):
        raise ImportJobError(_("This import is not stalled."))
    with transaction.atomic():
        record_audit_event(actor=actor, action="import.job_restarted", target=job)
        _enqueue(job)
    return job


def save_column_mapping(*, actor, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Remember how this file's layout maps to fields and import the file again with it.

    `mapping` is header text → field name ("" = ignore). Who may call: whoever may run the job's
    kind. Returns the new job.
    """
    require(actor, importer_for(job.kind).action)
    if not job.layout_key:
        raise ImportJobError(_("No header row was found in this file."))
    fields = importer_for(job.kind).fields_by_name
    unknown = {value for value in mapping.values() if value and value not in fields}
    if unknown:
        raise ImportJobError(_("Unknown field."))
    if job.status not in FINISHED_STATUSES:
        raise ImportJobError(_("This import has not finished yet."))
    # One transaction: the mapping is remembered only together with the job that uses it.
    with transaction.atomic():
        ColumnMapping.objects.update_or_create(
            kind=job.kind,
            layout_key=job.layout_key,
            defaults={"headers": job.headers, "mapping": mapping, "updated_by": actor},
        )
        record_audit_event(
            actor=actor,
            action="import.column_mapping_saved",
            target=job,
            details={"layout": job.layout_key},
        )
        return import_again(actor=actor, job=job, dry_run=job.dry_run)


# ---------------------------------------------------------------------------------------------
# Worker side


def _set(job: ImportJob, **fields) -> None:
    """Write some of the job's fields now (autocommit), so the browser sees progress."""
    for name, value in fields.items():
        setattr(job, name, value)
    fields["updated_at"] = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _move(job: ImportJob, status: str, **fields) -> None:
    if status not in TRANSITIONS[job.status]:
        raise ImportJobError(f"import job cannot go from {job.status} to {status}")
    _set(job, status=status, **fields)


def run_import_job(*, job_id: int) -> ImportJob | None:
    """Run (or run again) one job in the worker. Idempotent: a finished job is left alone, and
    one whose earlier worker died starts over from the file. Called by the Celery task only."""
    with JobLock(job_id) as acquired:
        if not acquired:
            logger.info("import job %s is being run by another worker", job_id)
            return None
        job = ImportJob.objects.select_related("created_by").get(pk=job_id)
        if job.status in FINISHED_STATUSES:
            return job
        # An importer that commits chunk by chunk (Importer.commit_chunks) left its counts and
        # how far it wrote on the job: the run resumes after that row, counting on from them.
        resumed = job.written_through_row > 0
        _move(
            job,
            ImportStatus.VALIDATING,
            started_at=timezone.now(),
            finished_at=None,
            rows_total=0,
            rows_done=0,
            created_count=job.created_count if resumed else 0,
            updated_count=job.updated_count if resumed else 0,
            unchanged_count=job.unchanged_count if resumed else 0,
            rejected_count=0,
            error_code="",
            error_message="",
            error_message_th="",
            error_summary=[],
        )
        try:
            _run_importer(job)
        except SpreadsheetError as exc:
            thai, english = _partly_written(job)
            _fail(job, exc.code, exc.message_th + thai, exc.message_en + english)
        except (OperationalError, InterfaceError):
            # The database went away (restart, network): nothing is wrong with the file. The
            # job stays validating/importing and the task runs it again from the file once
            # the database is back (tasks.py); rows already written are found unchanged.
            logger.warning("import job %s lost the database; it will run again", job_id)
            raise
        except Exception:
            logger.exception("import job %s crashed", job_id)
            if job.written_through_row:
                thai, english = _partly_written(job)
                _fail(
                    job,
                    "internal",
                    "การนำเข้าหยุดกลางคันเพราะข้อผิดพลาดภายในระบบ" + thai
                    + " กรุณานำเข้าไฟล์นี้อีกครั้ง แถวที่บันทึกแล้วจะนับเป็น “ไม่เปลี่ยนแปลง”",
                    "The import stopped part-way because of an internal error." + english
                    + " Please import the file again: the rows already written will be counted "
                    "as unchanged.",
                )  # fmt: skip
            else:
                _fail(
                    job,
                    "internal",
                    "การนำเข้าหยุดเพราะข้อผิดพลาดภายในระบบ ยังไม่มีข้อมูลใดถูกบันทึก กรุณาลองใหม่",
                    "The import stopped because of an internal error; nothing was written. "
                    "Please try again.",
                )
        finally:
            try:
                copy_staging.drop_error_table()
            except Exception:
                logger.warning("could not drop staging tables", exc_info=True)
        return job


def _partly_written(job: ImportJob) -> tuple[str, str]:
    """(Thai, English) sentence saying which rows an importer that commits chunk by chunk had
    already written when the job stopped ("" when nothing was written): they stay written."""
    if not job.written_through_row:
        return "", ""
    rows, created, updated = job.written_through_row, job.created_count, job.updated_count
    return (
        f" บันทึกข้อมูลถึงแถวที่ {rows:,} ของไฟล์แล้ว และข้อมูลส่วนนี้ยังอยู่ในระบบ (สร้างใหม่ "
        f"{created:,} รายการ ปรับปรุง {updated:,} รายการ) ส่วนแถวถัดจากนั้นยังไม่ได้บันทึก",
        f" The rows up to row {rows:,} of the file had been written and stay ({created:,} "
        f"created, {updated:,} updated); the rows after it were not written.",
    )


def _fail(job: ImportJob, code: str, message_th: str, message_en: str) -> None:
    with transaction.atomic():
        _move(
            job,
            ImportStatus.FAILED,
            error_code=code,
            error_message=message_en,
            error_message_th=message_th,
            finished_at=timezone.now(),
        )
        record_audit_event(
            actor=job.created_by,
            action="import.job_failed",
            target=job,
            # What an importer that commits chunks had written stays: the audit says how much.
            details={
                "code": code,
                "written_through_row": job.written_through_row,
                "created": job.created_count if job.written_through_row else 0,
                "updated": job.updated_count if job.written_through_row else 0,
            },
        )


def _find_header(table, remembered: dict[str, dict], importer: Importer):
    """The header row: a row whose layout has a remembered mapping, else the early row naming
    the most known columns. Returns (row number, cells, remembered mapping or None, rows read)."""
    buffered = []
    for row_number, cells in table.rows():
        buffered.append((row_number, cells))
        if len(buffered) >= HEADER_SEARCH_ROWS:
            break
    best = None
    for index, (_row_number, cells) in enumerate(buffered):
        if blank_row(cells):
            continue
        key = layout_key(cells)
        if key in remembered:
            return index, remembered[key], buffered
        score = importer.header_score(cells)
        if score >= 2 and (best is None or score > best[1]):
            best = (index, score)
    if best is None:
        if not any(not blank_row(cells) for _, cells in buffered):
            raise SpreadsheetError("empty")
        raise SpreadsheetError("no_header")
    index = best[0]
    combined = _two_row_header(buffered, index)
    if combined is not None and importer.header_score(combined) > best[1]:
        # A header spanning two rows (a cell merged down over both, group titles above): the
        # lower row with the blanks filled from the row above is the header.
        buffered[index] = (buffered[index][0], combined)
    return index, None, buffered


def _two_row_header(buffered, index: int):
    """The header row `index` with its blank cells taken from the row above (or None)."""
    if index == 0 or blank_row(buffered[index - 1][1]):
        return None
    above, below = list(buffered[index - 1][1]), list(buffered[index][1])
    width = max(len(above), len(below))
    above += [""] * (width - len(above))
    below += [""] * (width - len(below))
    return [b if str(b).strip() else a for a, b in zip(above, below, strict=True)]


def _run_importer(job: ImportJob) -> None:
    importer = importer_for(job.kind)
    if importer.commit_chunks and not job.dry_run:
        check_zip_integrity(job.file.path)  # damaged: fail before the first chunk commits
    table = importer.open_table(job.file.path)
    remembered = dict(
        ColumnMapping.objects.filter(kind=job.kind).values_list("layout_key", "mapping")
    )
    if job.written_through_row and job.layout_key and job.column_mapping:
        # Resuming after committed chunks: the rows are read as the first run read them, even
        # if someone saved another mapping for this layout meanwhile.
        remembered[job.layout_key] = job.column_mapping
    header_index, mapping, buffered = _find_header(table, remembered, importer)
    header_cells = buffered[header_index][1]
    plan = importer.plan_columns(header_cells, mapping)
    header_row_number = buffered[header_index][0]
    _set(
        job,
        headers=list(plan.headers),
        layout_key=layout_key(header_cells),
        unknown_headers=list(plan.unknown_headers),
        column_mapping=plan.mapping(),
        rows_total=max(table.estimated_rows - header_row_number, 0),
    )
    importer.check_columns(plan)
    run = importer.start(job=job, plan=plan)
    run.written_through_row = job.written_through_row

    def data_rows():
        yield from buffered[header_index + 1 :]
        yield from table.rows()

    try:
        batches = _checked_batches(job, data_rows(), run, headers=list(plan.headers))
        if connection.in_atomic_block:
            # Inside a caller's transaction (tests): one connection, no pipelining.
            _write(job, importer, run, batches)
        else:
            _write_alongside(job, importer, run, batches)
    finally:
        try:
            run.drop_stage()
        except Exception:
            logger.warning("could not drop the staging table", exc_info=True)
        if importer.commit_chunks and not job.dry_run:
            try:
                run.end_writes()
            except Exception:
                # The next worker to connect tries again (repair_interrupted_writes).
                logger.warning("could not end the run's bulk write", exc_info=True)


def _overlong_error(row_number: int, cells: OverlongRow, headers: list[str]) -> str:
    """The row error of a row with a cell over the reader's length limit (readers.py)."""
    from .xlsx_stream import MAX_CELL_CHARS

    column = headers[cells.column] if cells.column < len(headers) else f"#{cells.column + 1}"
    error = cell_too_long(cells.length, MAX_CELL_CHARS)
    return copy_staging.error_line(row_number, column, error)


def _non_blank(rows, seen: list[int], overlong: list[str], headers: list[str]):
    """The rows with something in them, counted in `seen[0]` as they pass; `seen[1]` counts the
    rows handed on and `seen[2]` is the file's row number of the last one. A row the reader
    marked as holding an over-long cell (OverlongRow) is rejected here, for every importer: its
    error line goes to `overlong` (and it counts as seen). A MarkerRow is handed on but not
    counted."""
    for row in rows:
        kind = type(row[1])
        if kind is OverlongRow:
            overlong.append(_overlong_error(row[0], row[1], headers))
            seen[0] += 1
            seen[2] = row[0]
            continue
        if kind is not list and issubclass(kind, MarkerRow):
            seen[1] += 1
            yield row
            continue
        if blank_row(row[1]):
            continue
        seen[0] += 1
        seen[1] += 1
        seen[2] = row[0]
        yield row


def _checked_batches(job, rows, run: ImportRun, headers: list[str] = ()):
    """Hand the non-blank rows to the importer a batch (IMPORT_BATCH_ROWS rows, streamed, never
    held) at a time; yield each batch's COPY lines (valid rows, row errors) and the file's row
    number of its last row. Progress (rows done, rejected so far) is written after each batch."""
    batch_rows, pause = _batch_rows(), batch_pause()
    check_rows = run.check_rows
    seen = [0, 0, 0]
    overlong: list[str] = []
    non_blank = _non_blank(rows, seen, overlong, list(headers))
    rejected = 0
    began = time.monotonic()
    while True:
        before = seen[1]
        stage_lines, error_lines, bad = check_rows(islice(non_blank, batch_rows))
        if overlong:
            error_lines = [*error_lines, *overlong]
            bad += len(overlong)
            overlong.clear()
        rejected += bad
        if seen[1] - before < batch_rows:
            break  # the last, partial batch
        yield stage_lines, error_lines, seen[2]
        _set(job, rows_done=seen[0], rejected_count=rejected)
        if pause:
            time.sleep(pause)
    rows_seen = seen[0]
    if rows_seen == 0:
        raise SpreadsheetError("empty")
    yield stage_lines, error_lines, seen[2]
    _set(job, rows_total=rows_seen, rows_done=rows_seen, rejected_count=rejected)
    logger.info(
        "import job %s: %d rows read and checked in %.1f s",
        job.pk, rows_seen, time.monotonic() - began,
    )  # fmt: skip
    if not job.dry_run:
        _move(job, ImportStatus.IMPORTING)


class _Aborted(Exception):
    pass


_ABORT = object()
CHUNK_ROWS = 20_000  # small chunks keep PostgreSQL busy while rows are read
# Staged rows per committed chunk of an importer that commits chunks (IMPORT_WRITE_CHUNK_ROWS).
WRITE_CHUNK_ROWS = 50_000


def _write_alongside(job: ImportJob, importer: Importer, run: ImportRun, batches) -> None:
    """Run `_write` in a thread with its own database connection, fed through a
    bounded queue, so PostgreSQL writes one chunk while this thread reads the next (two cores).
    Both halves end together: an error on either side rolls the whole write back."""
    handoff: queue.Queue = queue.Queue(maxsize=4)
    failure: list[BaseException] = []

    def consume():
        try:
            _write(job, importer, run, iter(handoff.get, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
            failure.append(exc)
        finally:
            connection.close()

    writer = threading.Thread(target=consume, name=f"import-writer-{job.pk}", daemon=True)
    writer.start()

    waited = [0.0]  # seconds the reading thread spent waiting for the writer (logged)

    def hand_over(item) -> bool:
        began = time.monotonic()
        try:
            while writer.is_alive():
                try:
                    handoff.put(item, timeout=0.5)
                    return True
                except queue.Full:
                    continue
            return False
        finally:
            waited[0] += time.monotonic() - began

    try:
        for batch in batches:
            if not hand_over(batch):
                break
    except BaseException:
        hand_over(_ABORT)
        writer.join()
        raise
    hand_over(None)
    logger.info("import job %s: the reader waited %.1f s for PostgreSQL", job.pk, waited[0])
    writer.join()
    if failure and not isinstance(failure[0], _Aborted):
        raise failure[0]


def _staged(run: ImportRun, batches):
    """COPY each batch's valid rows into the run's stage and its row errors into the error
    table; yield (valid rows staged, the file's row number of the batch's last row)."""
    copy_lines = copy_staging.copy_lines
    for batch in batches:
        if batch is _ABORT:
            raise _Aborted
        stage_lines, error_lines, last_row = batch
        copy_lines(run.stage_table, run.stage_columns, stage_lines)
        copy_lines(copy_staging.ERRORS, copy_staging.ERROR_COLUMNS, error_lines)
        yield len(stage_lines), last_row


def _write(job: ImportJob, importer: Importer, run: ImportRun, batches) -> None:
    """Stage the batches with COPY and have the importer write them, chunk by chunk, in ONE
    transaction that also records the job's result: a crash at any point leaves nothing or the
    finished job.

    An importer with serial writes takes its kind's write lock ONLY for the write phase: every
    row is read, checked and staged (COPY into the job's TEMP table) first, without the lock, so
    a slow or huge file being read does not hold up other imports of its kind; then the lock is
    taken and the staged rows are written in one go. Overlapping imports therefore write one
    after the other (nothing lost, no deadlock). A dry run and an importer without serial
    writes write chunk by chunk while reading. An importer that commits chunks
    (`Importer.commit_chunks`) is written by `_write_committing_chunks` instead.
    """
    if importer.commit_chunks and not job.dry_run:
        _write_committing_chunks(job, importer, run, batches)
        return
    began = time.monotonic()
    with transaction.atomic():
        # Foreign keys checked after each chunk rather than all at COMMIT: the checks then run
        # while the next rows are being read, instead of after the last one.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        copy_staging.create_error_table()
        run.create_stage()
        serial = not job.dry_run and importer.serial_writes
        totals = {"staged": 0, "created": 0, "updated": 0, "unchanged": 0}
        pending = 0

        def write_chunk():
            staged, created, updated, unchanged = run.write_staged(dry_run=job.dry_run)
            totals["staged"] += staged
            totals["created"] += created
            totals["updated"] += updated
            totals["unchanged"] += unchanged

        for staged_rows, _last_row in _staged(run, batches):
            pending += staged_rows
            if pending >= CHUNK_ROWS and not serial:
                write_chunk()
                pending = 0
        if serial:
            locked = time.monotonic()
            lock_writes_of(importer.kind)
            logger.info(
                "import job %s: waited %.1f s for the write lock",
                job.pk, time.monotonic() - locked,
            )  # fmt: skip
        write_chunk()
        _record_result(job, run, totals)
    logger.info(
        "import job %s: written in %.1f s (%d staged)",
        job.pk, time.monotonic() - began, totals["staged"],
    )  # fmt: skip


def _write_chunk_rows() -> int:
    return int(os.environ.get("IMPORT_WRITE_CHUNK_ROWS") or WRITE_CHUNK_ROWS)


def _write_committing_chunks(job: ImportJob, importer: Importer, run: ImportRun, batches) -> None:
    """The write of an importer that commits chunks: while the file is still being read, every
    chunk of about IMPORT_WRITE_CHUNK_ROWS staged rows is written in a transaction of its own,
    which takes the kind's write lock (when the importer asks for serial writes) for that chunk
    only and records on the job the counts so far and the last row written
    (`written_through_row`). Other imports of the kind therefore write between this job's
    chunks, and none waits while a slow or huge file is read. The job's result (its counts,
    errors and report) is recorded in a last transaction once every row is written.

    A worker that dies part-way leaves the chunks it committed; the job run again starts from
    the file, has the importer skip the valid rows up to `written_through_row` (rows are still
    read and checked, so the errors and in-file duplicates are found as before) and counts on
    from the recorded counts: it ends as one clean run would. A failure part-way fails the job
    saying which rows were written (run_import_job).
    """
    began = time.monotonic()
    copy_staging.create_error_table()
    run.create_stage()
    chunk_rows = _write_chunk_rows()
    totals = {
        "staged": 0,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
    }
    waited = [0.0]

    def commit_chunk(last_row: int) -> tuple[int, int]:
        """Write what is staged in a transaction of its own; (rows staged, rows changed)."""
        with transaction.atomic():
            if importer.serial_writes:
                locked = time.monotonic()
                lock_writes_of(importer.kind)
                waited[0] += time.monotonic() - locked
            staged, created, updated, unchanged = run.write_staged(dry_run=False)
            counts = {
                "created_count": totals["created"] + created,
                "updated_count": totals["updated"] + updated,
                "unchanged_count": totals["unchanged"] + unchanged,
                "written_through_row": last_row,
            }
            # Last in the transaction: the reading thread's progress updates of the job row
            # wait for this one only until the COMMIT right after it.
            ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now(), **counts)
        totals["staged"] += staged
        totals["created"] += created
        totals["updated"] += updated
        totals["unchanged"] += unchanged
        for name, value in counts.items():
            setattr(job, name, value)
        return staged, created + updated

    pending, last_row = 0, 0
    report = None
    try:
        for staged_rows, last_row in _staged(run, batches):
            pending += staged_rows
            if pending >= chunk_rows:
                first = not totals["staged"]
                staged, changed = commit_chunk(last_row)
                pending = 0
                if first:
                    run.after_first_chunk(job, staged=staged, changed=changed)
        if pending:
            commit_chunk(last_row)
        # Every error is staged now: the report is written while the importer ends its write.
        report = _ReportAhead(job)
    finally:
        # On this connection, whatever happened (the one after_first_chunk ran on), before
        # the job is finished. A failure here does not fail rows already written: the
        # framework's finally, the next worker to connect and the periodic repair try again.
        try:
            run.end_writes()
        except Exception:
            logger.warning("import job %s: could not end the bulk write", job.pk, exc_info=True)
    with transaction.atomic():
        _record_result(job, run, totals, report)
    logger.info(
        "import job %s: written in %.1f s (%d staged in chunks; %.1f s waited for the write "
        "lock)", job.pk, time.monotonic() - began, totals["staged"], waited[0],
    )  # fmt: skip


def _record_result(
    job: ImportJob, run: ImportRun, totals: dict, report: _ReportAhead | None = None
) -> None:
    """The job's status, counts, grouped errors and error report (inside the caller's
    transaction, its last statement; `report` when it was started earlier). When it fails, the
    transaction rolls back and no job will name the report: the file is deleted (its thread
    waited for), so no report of rejected values outlives every retention. (A failure of the
    COMMIT itself leaves the file: the job may then name it.)"""
    report_name = ""
    try:
        rejected = copy_staging.rejected_row_count()
        listed = rejected or copy_staging.error_count()  # warnings are listed too
        groups = copy_staging.error_groups() if listed else []
        if report is not None:
            report_name = report.name()
        else:
            report_name = _write_error_report(job, copy_staging.iter_errors()) if listed else ""
        status = ImportStatus.PARTLY_SUCCEEDED if rejected else ImportStatus.SUCCEEDED
        written = totals["created"] + totals["updated"] + totals["unchanged"]
        if totals["staged"] == 0 and written == 0 and rejected:
            status = ImportStatus.FAILED
        _finish(
            job, status, totals["created"], totals["updated"], totals["unchanged"], groups,
            report_name, run,
        )  # fmt: skip
    except BaseException:
        if report is not None:
            report.discard()
        elif report_name:
            _delete_unnamed_report(report_name)
        raise


def _finish(job, status, created, updated, unchanged, groups, report_name, run) -> None:
    """The job's result, written in the same transaction as the importer's rows. The rejected
    count is that of the staged errors: it includes rows an importer refused while writing."""
    _move(
        job,
        status,
        rejected_count=copy_staging.rejected_row_count(),
        created_count=created,
        updated_count=updated,
        unchanged_count=unchanged,
        error_summary=groups,
        error_report=report_name,
        finished_at=timezone.now(),
    )
    details = run.after_write(job)
    record_audit_event(
        actor=job.created_by,
        action="import.job_finished",
        target=job,
        details={
            "status": status,
            "dry_run": job.dry_run,
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
            "rejected": job.rejected_count,
            **details,
        },
    )


REPORT_HEADERS = ("แถว (Row)", "คอลัมน์ (Column)", "ค่า (Value)", "ข้อความ", "Message")


def _error_report_name(job: ImportJob) -> str:
    """imports/errors/<job uuid>-<random uuid>.xlsx: not derivable from the job's public id
    (which appears in URLs and logs); the job's prefix lets a re-run remove earlier reports."""
    return f"imports/errors/{job.public_id.hex}-{uuid.uuid4().hex}.xlsx"


def _remove_earlier_error_reports(storage, job: ImportJob) -> None:
    """Reports of an earlier run of this job (a run whose worker died after writing one), and
    the fixed name reports had before names were random."""
    try:
        _, names = storage.listdir("imports/errors")
    except FileNotFoundError:
        return
    for name in names:
        if name.startswith(f"{job.public_id.hex}-") or name == f"{job.public_id}.xlsx":
            storage.delete(f"imports/errors/{name}")


class _ReportAhead:
    """The error report of a job that commits chunks, written by a thread while the importer
    ends its bulk write (the registry's index build, PostgreSQL's time: about 2 s of Python
    beside 6–7 s of waiting at a million rows with 30,000 errors). The staged errors are first
    copied out of the job's TEMP table, which only this connection sees, into a temporary file
    the thread reads; nothing in the thread uses the database. `name()` waits for it and
    raises what it raised."""

    def __init__(self, job: ImportJob) -> None:
        self._name, self._failed, self._thread = "", None, None
        if not copy_staging.error_count():  # a rejected row has errors: nothing to list
            return
        import tempfile

        # Closed by the thread that reads it (or here, if the copy fails).
        handle = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")  # noqa: SIM115
        try:
            copy_staging.export_errors(handle, limit=MAX_REPORT_ROWS)
            handle.seek(0)
        except BaseException:
            handle.close()
            raise
        self._thread = threading.Thread(
            target=self._write, args=(job, handle), name=f"import-report-{job.pk}", daemon=True
        )
        try:
            self._thread.start()
        except BaseException:
            self._thread = None
            handle.close()
            raise

    def _write(self, job: ImportJob, handle) -> None:
        try:
            with handle:
                self._name = _write_error_report(job, copy_staging.read_exported_errors(handle))
        except BaseException as exc:  # noqa: BLE001 - raised by name()
            self._failed = exc

    def name(self) -> str:
        if self._thread is not None:
            self._thread.join()
        if self._failed is not None:
            raise self._failed
        return self._name

    def discard(self) -> None:
        """For a job whose result was not recorded: wait for the thread and delete the report
        it stored."""
        if self._thread is not None:
            self._thread.join()
        if self._name:
            _delete_unnamed_report(self._name)
            self._name = ""


def _delete_unnamed_report(name: str) -> None:
    """Delete an error report no job names (its job's result was not recorded)."""
    try:
        ImportJob._meta.get_field("error_report").storage.delete(name)
    except OSError:
        logger.warning("import job: could not delete an unused error report", exc_info=True)


def _write_error_report(job: ImportJob, errors) -> str:
    """The rejected rows as xlsx (row number, column, value, Thai and English message), written
    with a streaming writer from `errors` (the staged errors in row order: `iter_errors`, or
    `read_exported_errors`). Returns the stored file name."""
    import tempfile

    from openpyxl import Workbook

    from ppaos.core.xlsx_cells import safe_row

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("errors")
    sheet.append(REPORT_HEADERS)
    for written, (row_number, column, value, thai, english) in enumerate(errors):
        if written >= MAX_REPORT_ROWS:
            break
        # Rejected values come from the upload: never let one run as a formula.
        sheet.append(safe_row(sheet, [row_number, column, value, thai, english]))
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        storage = ImportJob._meta.get_field("error_report").storage
        _remove_earlier_error_reports(storage, job)
        return storage.save(_error_report_name(job), ContentFile(handle.read()))


def expire_job_files(*, finished_before) -> int:
    """Delete the uploaded files and error reports of jobs finished before `finished_before`
    (their retention period is over; RETENTION_DAYS["import_files"]); the job rows and their
    counts stay in the history. An upload another, younger job re-uses ("import again") is kept
    until that job expires too. Returns how many jobs lost their files. Called by the retention
    task only."""
    from .selectors import jobs_with_files_finished_before

    expired = 0
    for job in jobs_with_files_finished_before(finished_before).order_by("pk"):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job.pk)
            storage = job.file.storage
            upload, report = job.file.name, job.error_report.name
            shared = (
                upload
                and ImportJob.objects.filter(file=upload)
                .exclude(pk=job.pk)
                .exclude(finished_at__lt=finished_before, status__in=FINISHED_STATUSES)
                .exists()
            )
            ImportJob.objects.filter(pk=job.pk).update(file="", error_report="")
            record_audit_event(
                actor=None,
                action="import.files_expired",
                target=job,
                details={"upload": bool(upload), "error_report": bool(report)},
            )

            def delete_files(upload=upload, report=report, shared=shared, storage=storage):
                for name in (report, "" if shared else upload):
                    if name:
                        storage.delete(name)

            transaction.on_commit(delete_files)
        expired += 1
    return expired
