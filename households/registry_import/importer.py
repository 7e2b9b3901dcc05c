"""The welfare-registry importer, as the import framework runs it (ppaos/imports/importers.py).

Its rules are in rules.py (columns, header synonyms, how one row is read), its SQL in staging.py
(the staging table and the upsert by national ID). Registered in HouseholdsConfig.ready().
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.rollup import queue_changes
from ppaos.areas.models import Area
from ppaos.audit.services import record_audit_event
from ppaos.core.copy_rows import references_kept_by_caller
from ppaos.imports.copy_staging import error_line
from ppaos.imports.importers import Importer, ImportRun
from ppaos.imports.readers import SpreadsheetError

from . import index_upkeep, staging
from .rules import (
    FIELDS,
    SYNONYMS,
    AddressResolver,
    RowError,
    RowReader,
    has_address,
    row_message,
)

NO_ADDRESS_COLUMNS = (
    "ไม่พบคอลัมน์ที่อยู่ (ตำบล อำเภอ หรือจังหวัด) จึงระบุพื้นที่ของผู้ลงทะเบียนไม่ได้",
    "No address column (subdistrict, district or province) was found, so registrants "
    "cannot be placed in an area.",
)


class WelfareRegistryImporter(Importer):
    kind = "welfare_registry"
    label = _("State welfare registry")
    help_text = _(
        "Upload the registry export as .xlsx or .csv (UTF-8 or TIS-620). Thai or English column "
        "headers are recognised; required columns: national ID, first name, last name, and the "
        "address (subdistrict, district, province)."
    )
    required_columns_message = _("Choose a column for the national ID, first name and last name.")
    fields = FIELDS
    synonyms = SYNONYMS
    # A registry file of a million rows is written while it is read, 50,000 rows a transaction
    # (issue 14): the upsert is idempotent, so a job run again after its worker died resumes
    # after the last chunk written and ends as one clean run (ppaos/imports/services.py).
    commit_chunks = True

    def check_columns(self, plan) -> None:
        super().check_columns(plan)
        if not has_address(plan):
            raise SpreadsheetError("no_address_columns", messages=NO_ADDRESS_COLUMNS)

    def start(self, *, job, plan) -> WelfareRegistryRun:
        return WelfareRegistryRun(job, plan)

    def repair_writes(self) -> None:
        index_upkeep.restore_indexes()


class WelfareRegistryRun(ImportRun):
    """One registry file: rows read by a RowReader built for its columns, staged, upserted."""

    stage_table = staging.STAGE
    stage_columns = staging.STAGE_COLUMNS

    def __init__(self, job, plan) -> None:
        self.job = job
        self.job_id = job.pk
        self.column_names = plan.column_names()
        self.reader = RowReader(plan, today=timezone.localdate(), resolver=AddressResolver())
        # The same national ID twice in a file: the first row is kept, later ones are rejected
        # naming it (the upsert cannot take one key twice).
        self.first_row_of: dict[int, int] = {}
        self.villages: list[str] = []
        self.line_writer = staging.StageLines()
        self.deferred_indexes = False

    def check_rows(self, rows):
        """Read and check a batch of rows: (COPY lines of valid rows, of errors, rows rejected)."""
        stage_lines: list[str] = []
        error_lines: list[str] = []
        rejected = 0
        first_row_of = self.first_row_of
        column_names = self.column_names
        id_column = column_names["national_id"]
        read = self.reader.read
        stage_line = self.line_writer.line
        written_through = self.written_through_row  # written by an earlier run of the job
        for row_number, cells in rows:
            row, errors = read(row_number, cells)
            if row is not None:
                first = first_row_of.setdefault(int(row.national_id), row_number)
                if first == row_number:
                    if row_number > written_through:
                        stage_lines.append(stage_line(row))
                else:
                    rejected += 1
                    thai, english = row_message("duplicate_id", "national_id", first_row=first)
                    duplicate = RowError(
                        "national_id", row.national_id, "duplicate_id", thai, english
                    )
                    error_lines.append(error_line(row_number, id_column, duplicate))
            else:
                rejected += 1
                for error in errors:
                    error_lines.append(
                        error_line(row_number, column_names.get(error.field, error.field), error)
                    )
        return stage_lines, error_lines, rejected

    def create_stage(self) -> None:
        staging.create_staging_tables()

    def drop_stage(self) -> None:
        staging.drop_staging_tables()

    def write_staged(self, *, dry_run: bool):
        staged = staging.staged_count()
        if not staged:
            return 0, 0, 0, 0
        if dry_run:
            created, updated, unchanged = staging.preview_counts()
        else:
            # Everything a chunk writes is recorded in its own transaction (the importer commits
            # chunks): the new villages with their audit rows, the roll-ups it queues.
            villages = staging.create_missing_villages()
            for code in villages:
                record_audit_event(
                    actor=self.job.created_by,
                    action="area.village_created",
                    area_code=code,
                    details={"code": code, "import_job": str(self.job.public_id)},
                )
            self.villages.extend(villages)
            moved_from = staging.villages_moved_out_of()
            # The upsert's one foreign key is the area: the staged areas are locked and the
            # row-by-row check skipped where the role allows it (about 3 s of a million rows).
            # It never changes a registrant's id, the only key other tables reference.
            with references_kept_by_caller([(Area, set(staging.staged_area_codes()))]):
                created, updated, written_to = staging.upsert_registrants(job_id=self.job_id)
            # Both ends of every change, queued in the chunk's transaction: a job that fails or
            # stops after some chunks leaves no village's figures stale.
            queue_changes(village_codes=sorted({*moved_from, *written_to}))
            unchanged = staged - created - updated
        staging.clear_stage()
        return staged, created, updated, unchanged

    def after_first_chunk(self, job, *, staged: int, changed: int) -> None:
        # The rest of a file at least as large as the registry is written without the secondary
        # indexes, built again in end_writes (index_upkeep.py).
        rows_left = job.rows_total - job.written_through_row  # the reader's estimate
        if index_upkeep.should_defer(rows_left=rows_left, changed=changed, staged=staged):
            self.deferred_indexes = index_upkeep.drop_indexes(kind=self.job.kind)

    def end_writes(self) -> None:
        index_upkeep.release_deferral()
        index_upkeep.restore_indexes()

    def after_write(self, job) -> dict:
        return {"villages_created": len(self.villages), "indexes_deferred": self.deferred_indexes}


welfare_registry_importer = WelfareRegistryImporter()
