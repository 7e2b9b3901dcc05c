"""The bulk survey importer, as the import framework runs it (ppaos/imports/importers.py).

Reading (the framework's reading thread): every households row and members row is read cell by
cell (columns.py) and staged as JSON in a TEMP table keyed by the household key; a households
row whose cells cannot be read is rejected at once. Writing (one transaction with the job's
result, writing.py): once the whole file is staged, each household is written through the SAME
services as a typed survey — household and members (national ID checksum, one person in one
household, duplicate-person flags), start, draft (consent gate), submit (completeness) — in a
savepoint of its own, so a bad household never blocks the good ones. A dry run does the same
writes and rolls each page of households back, so its counts are exactly what the import would
do. Registered in HouseholdsConfig.ready().
"""

from __future__ import annotations

import json

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ppaos.accounts.policy import Action
from ppaos.imports.columns import HeaderMatcher, RowError, cell_too_long
from ppaos.imports.copy_staging import error_line, plain, text
from ppaos.imports.importers import Importer, ImportRun
from ppaos.imports.xlsx_stream import MAX_CELL_CHARS

from . import columns as cols
from .source import EndOfFile, MemberHeader, MemberRow, open_survey_tables

STAGE = "ppaos_survey_import_stage"
STAGE_COLUMNS = ("kind", "hh_key", "row_number", "payload")


def _instrument_columns():
    """(households columns, members columns) of the current instrument."""
    from households.surveys.selectors import current_instrument, instrument_parts

    instrument = current_instrument()
    parts = instrument_parts(instrument)
    return (
        instrument.version,
        cols.household_columns(parts.items, parts.household_indicators),
        cols.member_columns(parts.member_indicators),
    )


class SurveyImporter(Importer):
    kind = "surveys"
    label = _("Household surveys")
    help_text = _(
        "Upload the filled survey template (.xlsx: a households sheet and a members sheet), a "
        "KoboToolbox xlsx export or an ODK Central csv zip of the PPAOS form. Only households of "
        "villages in your own areas are imported; each survey goes to the area manager for "
        "review, as a survey typed on the phone does. Nobody reviews a survey they surveyed, and "
        "a blank surveyor column means you: another area manager reviews those."
    )
    required_columns_message = _("Choose a column for the household key, round and visit date.")
    action = Action.IMPORT_SURVEYS
    # Households and persons are shared rows: overlapping survey imports write one after the
    # other (the framework's write lock, taken only for the write phase).
    serial_writes = True
    accepted_suffixes = (".xlsx", ".csv", ".zip")

    _cache: dict = {}

    def _columns(self):
        from households.surveys.selectors import current_instrument

        version = current_instrument().version
        cached = self._cache.get("columns")
        if cached is None or cached[0] != version:
            cached = _instrument_columns()
            self._cache["columns"] = cached
            self._cache.pop("matchers", None)
        return cached

    @property
    def household_columns(self) -> list[cols.Column]:
        return self._columns()[1]

    @property
    def member_columns(self) -> list[cols.Column]:
        return self._columns()[2]

    @property
    def fields(self):  # type: ignore[override]
        return [column.field for column in self.household_columns]

    @property
    def synonyms(self):  # type: ignore[override]
        return cols.synonyms_for(self.household_columns, member=False)

    @property
    def matcher(self) -> HeaderMatcher:  # type: ignore[override]
        self._columns()
        matchers = self._cache.get("matchers")
        if matchers is None:
            matchers = (
                HeaderMatcher(self.fields, self.synonyms),
                HeaderMatcher(
                    [c.field for c in self.member_columns],
                    cols.synonyms_for(self.member_columns, member=True),
                ),
            )
            self._cache["matchers"] = matchers
        return matchers[0]

    @property
    def member_matcher(self) -> HeaderMatcher:
        self.matcher  # noqa: B018 - builds both
        return self._cache["matchers"][1]

    def open_table(self, path: str):
        return open_survey_tables(path)

    def template_workbook(self, user) -> bytes:
        from .templates import survey_template

        return survey_template(user)

    rows_label = _("Rows (households and members)")
    extra_downloads = (
        ("households:survey_xlsform", _("Download the XLSForm for KoboToolbox / ODK")),
    )

    def start(self, *, job, plan) -> SurveyImportRun:
        return SurveyImportRun(self, job, plan)


class SurveyImportRun(ImportRun):
    stage_table = STAGE
    stage_columns = STAGE_COLUMNS

    def __init__(self, importer: SurveyImporter, job, plan) -> None:
        cols.forget_read_plans()
        self.importer = importer
        self.job = job
        self.plan_columns = dict(plan.columns)
        self.column_names = plan.column_names()
        self.household_columns = importer.household_columns
        self.member_columns = importer.member_columns
        self.member_plan: dict[str, int] | None = None
        self.member_names: dict[str, str] = {}
        self.today = timezone.localdate()
        self.first_row_of: dict[str, int] = {}
        self.summary = {"surveys_created": 0, "surveys_updated": 0}

    # ---- reading thread ----------------------------------------------------------------

    def check_rows(self, rows):
        stage_lines: list[str] = []
        error_lines: list[str] = []
        rejected = 0
        for row_number, cells in rows:
            kind = type(cells)
            if kind is MemberHeader:
                plan = self.importer.member_matcher.plan_columns(cells)
                self.member_plan = dict(plan.columns)
                self.member_names = plan.column_names()
                continue
            if kind is EndOfFile:
                stage_lines.append("e\t\\N\t0\t{}\n")
                continue
            if kind is MemberRow:
                stage_lines.append(self._member_line(cells))
                continue
            values, errors = cols.read_row(
                self.household_columns, self.plan_columns, cells, today=self.today
            )
            key = values.get("household_key")
            if key is not None:
                first = self.first_row_of.setdefault(key, row_number)
                if first != row_number:
                    errors.append(
                        RowError(
                            "household_key", key, "duplicate_key",
                            f"รหัสครัวเรือนนี้ซ้ำกับแถวที่ {first}",
                            f"This household key repeats row {first}.",
                        )
                    )  # fmt: skip
            if errors:
                rejected += 1
                for error in errors:
                    column = self.column_names.get(error.field, error.field)
                    error_lines.append(error_line(row_number, column, error))
                continue
            stage_lines.append(
                f"h\t{text(key)}\t{row_number}\t{text(json.dumps(values, ensure_ascii=False))}\n"
            )
        return stage_lines, error_lines, rejected

    def _member_line(self, cells: MemberRow) -> str:
        if self.member_plan is None:
            self.member_plan = {}
        values, errors = cols.read_row(
            self.member_columns, self.member_plan, cells, today=self.today
        )
        if cells.too_long is not None:
            column, length = cells.too_long
            field = next((f for f, i in self.member_plan.items() if i == column), f"#{column + 1}")
            # Said first, instead of what the blanked cell would be taken for ("required").
            errors = [cell_too_long(length, MAX_CELL_CHARS, field=field)] + [
                e for e in errors if e.field != field
            ]
        payload = {
            "values": values,
            "sheet_row": cells.sheet_row,
            "errors": [
                [self.member_names.get(e.field, e.field), e.value, e.code, e.message_th,
                 e.message_en]
                for e in errors
            ],
        }  # fmt: skip
        key = values.get("household_key")
        return (
            f"m\t{text(key)}\t{plain(cells.sheet_row)}\t"
            f"{text(json.dumps(payload, ensure_ascii=False))}\n"
        )

    # ---- writing thread ----------------------------------------------------------------

    def create_stage(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(
                f"""CREATE TEMP TABLE {STAGE} (
                        kind char(1) NOT NULL, hh_key text, row_number integer NOT NULL,
                        payload jsonb NOT NULL)"""
            )

    def drop_stage(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")

    def write_staged(self, *, dry_run: bool):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {STAGE} WHERE kind = 'e' LIMIT 1")
            if cursor.fetchone() is None:
                return 0, 0, 0, 0  # members still to come: write once the file is read
            cursor.execute(f"CREATE INDEX ON {STAGE} (kind, hh_key)")
            cursor.execute(f"CREATE INDEX ON {STAGE} (kind, row_number)")
            # Autovacuum never analyzes a TEMP table: without statistics each page's query
            # (the next 2,000 households by row number) read every household row after it.
            cursor.execute(f"ANALYZE {STAGE}")
        from .writing import write_staged_households

        counts = write_staged_households(
            stage=STAGE,
            job=self.job,
            dry_run=dry_run,
            column_names=self.column_names,
            seen_keys=set(self.first_row_of),
        )
        self.summary["surveys_created"] += counts.created
        self.summary["surveys_updated"] += counts.updated
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {STAGE}")
        return counts.staged, counts.created, counts.updated, counts.unchanged

    def after_write(self, job) -> dict:
        cols.forget_read_plans()
        return dict(self.summary)


survey_importer = SurveyImporter()
