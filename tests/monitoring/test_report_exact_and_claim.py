"""A report's every sheet follows report.exact (not the requester's rights when it is written),
and writing it is claimed once: a duplicate delivery of the task does nothing."""

import io
import os

import pytest
from openpyxl import load_workbook

from monitoring.models import Report, ReportStatus
from monitoring.reports import write_report
from monitoring.rollup import full_rebuild
from ppaos.areas.models import Area
from tests.monitoring.test_rollup_equals_hand_count import two_rounds  # noqa: F401


@pytest.fixture
def built(two_rounds):  # noqa: F811
    full_rebuild()
    return two_rounds


def _report(user, *, exact, status=ReportStatus.QUEUED):
    return Report.objects.create(
        requested_by=user,
        area=Area.objects.get(code="49"),
        fiscal_year=2568,
        from_year=2567,
        exact=exact,
        status=status,
    )


def test_a_report_marked_not_exact_has_no_exact_matrix(built, provincial_officer):
    """The officer works in the whole province (exact), but this report is a protected one: it
    may be read by anyone with the dashboard there, so no sheet may hold a 1–4."""
    report = write_report(_report(provincial_officer, exact=False).pk)
    assert report.status == ReportStatus.DONE
    with report.file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    sheet = book.worksheets[-1]  # the level changes
    cells = [v for row in sheet.iter_rows(min_row=3, values_only=True) for v in row[1:]]
    assert cells and not any(v in (1, 2, 3, 4) for v in cells), cells
    # the same officer's exact report shows the hand count (a, b in hardship in 2567)
    exact = write_report(_report(provincial_officer, exact=True).pk)
    with exact.file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).worksheets[-1]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0][1:3] == (1, 1)  # in hardship 2567 → in hardship / struggling 2568


def test_a_duplicate_delivery_does_nothing_and_stores_no_second_file(built, provincial_officer):
    report = write_report(_report(provincial_officer, exact=True).pk)
    assert report.status == ReportStatus.DONE
    name = report.file.name
    storage = report.file.storage
    folder = os.path.dirname(name)
    stored = len(storage.listdir(folder)[1])
    again = write_report(report.pk)
    assert again.file.name == name and len(storage.listdir(folder)[1]) == stored
    # a delivery while another worker writes it (RUNNING): nothing is written, nothing moves
    running = _report(provincial_officer, exact=True, status=ReportStatus.RUNNING)
    result = write_report(running.pk)
    assert result.status == ReportStatus.RUNNING and not result.file
    assert len(storage.listdir(folder)[1]) == stored
