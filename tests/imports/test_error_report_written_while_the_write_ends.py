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
from tests.imports.helpers import run_in_process, stored_names

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


def test_a_result_not_recorded_leaves_no_report_behind(tmp_path, admin_user, monkeypatch):
    """The report's thread stores its file before the job's result is recorded; when recording
    fails (a query after the index build, the job's own update), the thread is waited for and
    the file it stored deleted: no report of rejected values that no job names."""
    from ppaos.imports.models import ImportJob

    storage = ImportJob._meta.get_field("error_report").storage
    stored = stored_names(monkeypatch, storage)
    write_report = services._write_error_report

    def slow(job, errors):  # still writing when the result fails
        threading.Event().wait(0.5)
        return write_report(job, errors)

    def failing():
        raise RuntimeError("the connection was lost")

    monkeypatch.setattr(services, "_write_error_report", slow)
    monkeypatch.setattr(copy_staging, "error_groups", failing)
    job = run_in_process(admin_user, file_with_errors(tmp_path))
    assert job.status == ImportStatus.FAILED and not job.error_report
    reports = [name for name in stored if name.startswith("imports/errors/")]
    assert reports and not any(storage.exists(name) for name in reports)
    assert not any(t.name.startswith("import-report-") for t in threading.enumerate())


@pytest.mark.parametrize("dry_run", [False, True], ids=["chunks committed", "one transaction"])
def test_a_result_failing_after_its_report_was_stored_deletes_it(
    tmp_path, admin_user, monkeypatch, dry_run
):
    """The job's own update fails once the report is stored (written ahead by the thread, or in
    the job's one transaction for a dry run): the transaction rolls back, and the file with it."""
    from ppaos.imports.models import ImportJob

    storage = ImportJob._meta.get_field("error_report").storage
    stored = stored_names(monkeypatch, storage)

    def failing(*args, **kwargs):
        raise RuntimeError("the job row could not be updated")

    monkeypatch.setattr(services, "_finish", failing)
    job = run_in_process(admin_user, file_with_errors(tmp_path), dry_run=dry_run)
    assert job.status == ImportStatus.FAILED and not job.error_report
    reports = [name for name in stored if name.startswith("imports/errors/")]
    assert reports and not any(storage.exists(name) for name in reports)


def test_a_control_character_in_a_rejected_value_is_reported_not_fatal(tmp_path, admin_user):
    """An xlsx cannot hold U+0000–U+001F (but tab, line feed, carriage return): openpyxl would
    refuse the report, naming the value. The value is reported with U+FFFD in their place."""
    from tests.imports.files import write_csv

    rows = [good_row(n) for n in range(1, 4)]
    bad = good_row(9)
    bad[1] = "1\x0b234\x01"
    path = write_csv(tmp_path / "control.csv", [*rows, bad])
    job = run_in_process(admin_user, path)
    assert (job.status, job.created_count, job.rejected_count) == (
        ImportStatus.PARTLY_SUCCEEDED, 3, 1,
    )  # fmt: skip
    values = [row[2].value for row in load_workbook(job.error_report.path).active.iter_rows()]
    assert values[1:] == ["1\ufffd234\ufffd"]
