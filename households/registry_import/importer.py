"""The welfare-registry importer, as the import framework runs it (ppaos/imports/importers.py).

Its rules are in rules.py (columns, header synonyms, how one row is read), its SQL in staging.py
(the staging table and the upsert by national ID). Registered in HouseholdsConfig.ready().
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.rollup import queue_changes
from ppaos.audit.services import record_audit_event
from ppaos.imports.copy_staging import error_line
from ppaos.imports.importers import Importer, ImportRun
from ppaos.imports.readers import SpreadsheetError

from . import staging
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

    def check_columns(self, plan) -> None:
        super().check_columns(plan)
        if not has_address(plan):
            raise SpreadsheetError("no_address_columns", messages=NO_ADDRESS_COLUMNS)

    def start(self, *, job, plan) -> WelfareRegistryRun:
        return WelfareRegistryRun(job, plan)


class WelfareRegistryRun(ImportRun):
    """One registry file: rows read by a RowReader built for its columns, staged, upserted."""

    stage_table = staging.STAGE
    stage_columns = staging.STAGE_COLUMNS

    def __init__(self, job, plan) -> None:
        self.job_id = job.pk
        self.column_names = plan.column_names()
        self.reader = RowReader(plan, today=timezone.localdate(), resolver=AddressResolver())
        # The same national ID twice in a file: the first row is kept, later ones are rejected
        # naming it (the upsert cannot take one key twice).
        self.first_row_of: dict[int, int] = {}
        self.villages: list[str] = []

    def check_rows(self, rows):
        """Read and check a batch of rows: (COPY lines of valid rows, of errors, rows rejected)."""
        stage_lines: list[str] = []
        error_lines: list[str] = []
        rejected = 0
        first_row_of = self.first_row_of
        column_names = self.column_names
        id_column = column_names["national_id"]
        read = self.reader.read
        stage_line = staging.stage_line
        for row_number, cells in rows:
            row, errors = read(row_number, cells)
            if row is not None:
                first = first_row_of.setdefault(int(row.national_id), row_number)
                if first == row_number:
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
            self.villages.extend(staging.create_missing_villages())
            moved_from = staging.villages_moved_out_of()
            created, updated = staging.upsert_registrants(job_id=self.job_id)
            queue_changes(village_codes=moved_from)
            unchanged = staged - created - updated
        staging.clear_stage()
        return staged, created, updated, unchanged

    def after_write(self, job) -> dict:
        for code in self.villages:
            record_audit_event(
                actor=job.created_by,
                action="area.village_created",
                area_code=code,
                details={"code": code, "import_job": str(job.public_id)},
            )
        return {"villages_created": len(self.villages)}


welfare_registry_importer = WelfareRegistryImporter()
