"""Importers: what the import-job framework runs, declared by the apps that own the data.

The framework (upload → Celery task → progress → grouped errors → error report, column mapping,
locking, readers, COPY staging) knows no domain. An app declares an `Importer` — its kind, label,
fields with their header synonyms, how a batch of rows is checked and how the staged rows are
written — and registers it, in its `AppConfig.ready()`:

    from ppaos.imports.importers import register_importer
    register_importer(MyImporter())

or by listing its dotted path in the `IMPORTERS` setting. `ImportJob.kind` picks the importer;
the upload page and the API offer the kinds the user may run.

The worker calls, per job: `importer.check_columns(plan)` once the header row is found, then
`run = importer.start(job=..., plan=...)`, `run.check_rows(batch)` for each batch of non-blank
rows (a streamed batch of thousands: the hot loop is the importer's own), and inside the one write
transaction `run.create_stage()`, `run.write_staged(dry_run=...)` after each chunk copied into
`run.stage_table`, and `run.after_write(job)` before the job's result is recorded (an importer
with `commit_chunks`: each `write_staged` in a transaction of its own, while rows are read,
`run.after_first_chunk(...)` after the first and `run.end_writes()` after the last;
`importer.repair_writes()` when a worker connects, and periodically).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from ppaos.accounts.policy import Action, can

from .columns import ColumnPlan, HeaderMatcher, ImportField
from .readers import SpreadsheetError, Table, open_table


class ImportRun:
    """One job's run of an importer in the worker, built once the header row is known.

    `check_rows` gets a batch of (row number, cells) — an iterator over up to IMPORT_BATCH_ROWS
    rows, streamed from the file, to be read once — and returns (COPY lines of valid rows for
    `stage_table`, COPY lines of row errors from `copy_staging.error_line`, rows rejected).
    `write_staged` writes what is staged and empties the stage; it returns (staged, created,
    updated, unchanged). `after_write` may add audit rows; what it returns is added to the
    details of the job's "import.job_finished" audit row.

    `written_through_row` is set by the framework before the first batch: for an importer that
    commits chunks (`Importer.commit_chunks`), the job's rows up to that row number were
    written by an earlier run of the job whose worker died, so `check_rows` still checks them
    (their errors and in-file duplicates count as before) but must not stage them again.
    """

    stage_table: str = ""
    stage_columns: Sequence[str] = ()
    written_through_row: int = 0

    def check_rows(self, rows: Iterator[tuple[int, list]]) -> tuple[list[str], list[str], int]:
        raise NotImplementedError

    def create_stage(self) -> None:
        raise NotImplementedError

    def drop_stage(self) -> None:
        """Drop the staging table (TEMP tables also go with the connection)."""

    def write_staged(self, *, dry_run: bool) -> tuple[int, int, int, int]:
        raise NotImplementedError

    def after_write(self, job) -> dict:
        return {}

    def after_first_chunk(self, job, *, staged: int, changed: int) -> None:
        """Called once after the first chunk of an importer that commits chunks is committed
        (outside any transaction, except in tests that run a job inside theirs) and before the
        next is written (`staged` rows in it,
        `changed` of them created or updated): the run may prepare its tables for the rest of
        a bulk write (the registry drops an index it builds again in `end_writes`)."""

    def end_writes(self) -> None:
        """Called after the last chunk is written (before the job's result is recorded) and
        on the same connection when the writing ends in any way, even failing; then again by
        the framework when the run ends, possibly on another connection: undo what
        `after_first_chunk` did. Must be idempotent."""


class Importer:
    """A kind of import. Subclass it, set the attributes, implement `start`."""

    kind: str = ""  # stored on ImportJob.kind and ColumnMapping.kind (max 32 characters)
    label = ""  # shown to the admin (translatable)
    help_text = ""  # what the upload page says about the file (translatable)
    # What the job page calls the rows it read (a file of several tables counts all of them).
    rows_label = _("Rows")
    # What the column-mapping page says when a required field has no column.
    required_columns_message = _("Choose a column for every required field.")
    fields: Sequence[ImportField] = ()
    synonyms: Mapping[str, Sequence[str]] = {}  # field name → accepted header spellings
    action: str = Action.RUN_IMPORTS  # who may run it
    # Writes of this kind one at a time (a transaction-level advisory lock), so overlapping
    # imports cannot deadlock on the same rows.
    serial_writes: bool = True
    # Write each chunk of staged rows in a transaction of its own while the file is still read
    # (the write lock taken per chunk), instead of all rows in the job's one transaction after
    # the last is read: faster for very large files, but a job that fails part-way leaves the
    # chunks written before. The run must honour `ImportRun.written_through_row`, and its
    # `write_staged` must keep its own side records (audit rows) in the chunk's transaction.
    # Dry runs are written as without it (one transaction, nothing kept).
    commit_chunks: bool = False
    # File names the upload accepts (the content is checked by the reader).
    accepted_suffixes: tuple[str, ...] = (".xlsx", ".xls", ".csv")

    # (URL name, label) of further downloads the upload page offers for this kind.
    extra_downloads: Sequence[tuple[str, str]] = ()

    def template_workbook(self, user) -> bytes:
        """The empty xlsx to fill (templates_xlsx.py: one sheet of the declared fields); an
        importer may build its own for the user (their villages, coded answers)."""
        from .templates_xlsx import template_workbook

        return template_workbook(self)

    def open_table(self, path: str) -> Table:
        """The rows the worker reads from the stored upload: the first visible sheet. An
        importer whose files have several sheets (or a zip of csv files) overrides this and
        yields its own rows (still streamed)."""
        return open_table(path)

    @cached_property
    def matcher(self) -> HeaderMatcher:
        return HeaderMatcher(self.fields, self.synonyms)

    @property
    def fields_by_name(self) -> dict[str, ImportField]:
        return self.matcher.fields_by_name

    @property
    def required_fields(self) -> tuple[str, ...]:
        return self.matcher.required

    def plan_columns(self, headers, remembered: dict[str, str] | None = None) -> ColumnPlan:
        return self.matcher.plan_columns(headers, remembered)

    def header_score(self, row) -> int:
        return self.matcher.header_score(row)

    def check_columns(self, plan: ColumnPlan) -> None:
        """Refuse a file whose columns cannot be imported (SpreadsheetError)."""
        if plan.missing_required:
            fields = self.fields_by_name
            raise SpreadsheetError(
                "missing_columns",
                columns_th=", ".join(fields[f].label_th for f in plan.missing_required),
                columns_en=", ".join(fields[f].label_en for f in plan.missing_required),
            )

    def start(self, *, job, plan: ColumnPlan) -> ImportRun:
        raise NotImplementedError

    def repair_writes(self) -> None:
        """Called when a worker (re)connects to the broker: undo what a
        run whose worker died left half-done (`ImportRun.after_first_chunk`). Also called
        periodically, with jobs of the kind running: it must leave a running job's work alone."""


_REGISTERED: dict[str, Importer] = {}


def register_importer(importer: Importer) -> Importer:
    """Make an importer runnable (call from an AppConfig.ready). Registering a kind twice
    replaces the earlier one."""
    if not importer.kind or len(importer.kind) > 32:
        raise ValueError(f"importer kind must have 1–32 characters: {importer.kind!r}")
    _REGISTERED[importer.kind] = importer
    return importer


def registered_importers() -> dict[str, Importer]:
    """Every importer by kind: the registered ones in registration order, then those the
    IMPORTERS setting lists (dotted paths to Importer instances or classes)."""
    importers = dict(_REGISTERED)
    for path in getattr(settings, "IMPORTERS", ()):
        importer = import_string(path)
        if isinstance(importer, type):
            importer = importer()
        importers.setdefault(importer.kind, importer)
    return importers


class UnknownImportKind(ValueError):
    pass


def importer_for(kind: str) -> Importer:
    try:
        return registered_importers()[kind]
    except KeyError:
        raise UnknownImportKind(kind) from None


def importers_for_user(user) -> list[Importer]:
    """The importers this user may run, in registration order."""
    return [importer for importer in registered_importers().values() if can(user, importer.action)]


def rows_label(kind: str) -> str:
    importer = registered_importers().get(kind)
    return str((importer or Importer).rows_label)


def kind_label(kind: str) -> str:
    importer = registered_importers().get(kind)
    return str(importer.label) if importer is not None else kind
