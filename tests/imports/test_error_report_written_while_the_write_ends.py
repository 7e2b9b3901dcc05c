"""An import that commits chunks writes its error report in a thread while the importer ends its
bulk write (the registry's index build), from the staged errors copied out of the job's TEMP
table (ppaos/imports/services.py, `_ReportAhead`): the same rows as read from the table, every
character kept, and a failure of the report fails the job as it did before."""

import threading

import pytest
from openpyxl import load_workbook

from households.registry_import.importer import WelfareRegistryRun
from ppaos.imports import copy_staging, services
from ppaos.imports.columns import RowError
from ppaos.imports.models import ImportStatus
from tests.imports.files import bad_checksum, good_row, write_xlsx
from tests.imports.helpers import run_in_process

pytestmark = pytest.mark.django_db

AWKWARD = [
    "tab\there",
    "two\nlines",
    "carriage\rreturn",
    "back\\slash",
    "C:\\new\\table",
    "\\N",
    "bell\b form\f vertical\v",
    '=HYPERLINK("http://x";"y")',
    "ชื่อไทย ๑๒๓",
    "",
]


def test_the_errors_copied_out_read_back_as_the_table_gives_them(tmp_path):
    copy_staging.create_error_table()
    lines = [
        copy_staging.error_line(
            n, f"คอลัมน์{n}", RowError("field", text, "code", f"ข้อความ {text}", f"say {text}")
        )
        for n, text in enumerate(AWKWARD, start=2)
    ]
    copy_staging.copy_lines(copy_staging.ERRORS, copy_staging.ERROR_COLUMNS, lines)
    with open(tmp_path / "errors.txt", "w+", encoding="utf-8", newline="\n") as handle:
        copy_staging.export_errors(handle, limit=100)
        handle.seek(0)
        exported = list(copy_staging.read_exported_errors(handle))
    assert exported == list(copy_staging.iter_errors())
    assert [value for _row, _column, value, _thai, _english in exported] == AWKWARD
    with open(tmp_path / "first.txt", "w+", encoding="utf-8", newline="\n") as handle:
        copy_staging.export_errors(handle, limit=3)
        handle.seek(0)
        assert [row[0] for row in copy_staging.read_exported_errors(handle)] == [2, 3, 4]


def file_with_errors(tmp_path):
    rows = [good_row(n) for n in range(1, 9)]
    bad = good_row(20)
    bad[1] = bad_checksum(bad[1])
    formula = good_row(21)
    formula[1] = "+cmd|' /C calc'!A0"  # no national ID, and a formula once in a sheet
    return write_xlsx(tmp_path / "errors.xlsx", [*rows, bad, formula])


def test_the_report_is_written_while_the_importer_ends_its_write(tmp_path, admin_user, monkeypatch):
    seen: list[bool] = []
    ended = threading.Event()
    end_writes, write_report = WelfareRegistryRun.end_writes, services._write_error_report

    def recording(run):
        seen.append(any(t.name.startswith("import-report-") for t in threading.enumerate()))
        ended.set()
        return end_writes(run)

    def waiting(job, errors):  # still at work when the write ends (if written before it)
        ended.wait(timeout=10)
        return write_report(job, errors)

    monkeypatch.setattr(WelfareRegistryRun, "end_writes", recording)
    monkeypatch.setattr(services, "_write_error_report", waiting)
    job = run_in_process(admin_user, file_with_errors(tmp_path))
    assert (job.status, job.created_count, job.rejected_count) == (
        ImportStatus.PARTLY_SUCCEEDED, 8, 2,
    )  # fmt: skip
    assert seen[0] is True  # the report's thread was at work when the write ended
    sheet = load_workbook(job.error_report.path).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert tuple(rows[0]) == services.REPORT_HEADERS
    assert [row[0] for row in rows[1:]] == [10, 11]
    formula = sheet.cell(row=3, column=3)  # the value of the second bad row, as it was
    assert formula.value == "+cmd|' /C calc'!A0"
    assert formula.data_type == "s" and formula.quotePrefix  # text, never a formula


def test_a_report_that_cannot_be_written_fails_the_job(tmp_path, admin_user, monkeypatch):
    def failing(job, errors):
        raise OSError("No space left on device")

    monkeypatch.setattr(services, "_write_error_report", failing)
    job = run_in_process(admin_user, file_with_errors(tmp_path))
    assert job.status == ImportStatus.FAILED
    assert not job.error_report
