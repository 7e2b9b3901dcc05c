"""Every file of the hostile corpus (tests/imports/hostile_files.py) gets its expected outcome
through a real import job: a clear Thai + English failure, its rows rejected with a message, or
its rows imported; and no value of the error report can run as a formula."""

import time
import zipfile

import pytest
from openpyxl import load_workbook

from ppaos.imports.models import ImportStatus
from ppaos.imports.readers import FILE_MESSAGES
from tests.imports.helpers import run_in_process
from tests.imports.hostile_files import CASES, FORMULAS, Failed, Imported, Rejected

pytestmark = pytest.mark.django_db


def test_the_corpus_holds_at_least_thirty_hostile_files():
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_hostile_file_gets_its_expected_outcome(case, tmp_path, admin_user):
    path = case.build(tmp_path)
    began = time.monotonic()
    job = run_in_process(admin_user, path)
    print(f"{case.name}: {job.status} {job.error_code} in {time.monotonic() - began:.2f} s")
    expected = case.expected
    if isinstance(expected, Failed):
        assert (job.status, job.error_code) == (ImportStatus.FAILED, expected.code), (
            job.error_message
        )
        thai, english = FILE_MESSAGES[expected.code]
        assert job.error_message_th and job.error_message
        assert job.error_message_th.split("{")[0][:10] == thai.split("{")[0][:10]
        assert job.error_message.split(" ")[0] == english.split(" ")[0]
        if expected.line is not None:
            assert f"line {expected.line}" in job.error_message
            assert f"บรรทัดที่ {expected.line}" in job.error_message_th
        assert job.created_count == 0
    elif isinstance(expected, Rejected):
        assert job.status == ImportStatus.PARTLY_SUCCEEDED, job.error_message
        assert (job.rejected_count, job.created_count) == (expected.rows, expected.imported)
        if expected.code != "*":
            assert {group["code"] for group in job.error_summary} == {expected.code}
            assert all(group["message_th"] and group["message_en"] for group in job.error_summary)
    else:
        assert isinstance(expected, Imported)
        assert job.status == ImportStatus.SUCCEEDED, (job.error_code, job.error_summary)
        assert (job.created_count, job.rejected_count) == (expected.rows, 0)


@pytest.mark.parametrize("key", FORMULAS)
def test_a_formula_in_a_rejected_cell_comes_back_as_text_in_the_error_report(
    key, tmp_path, admin_user
):
    from tests.imports.hostile_files import formula_xlsx

    job = run_in_process(admin_user, formula_xlsx(key)(tmp_path))
    assert job.error_report
    with job.error_report.open("rb") as handle:
        data = handle.read()
    report = tmp_path / "report.xlsx"
    report.write_bytes(data)
    with zipfile.ZipFile(report) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere
    values = [cell for row in load_workbook(report).active.iter_rows() for cell in row]
    risky = [cell for cell in values if cell.value == FORMULAS[key]]
    assert risky, "the rejected value is in the report, as it was"
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in risky)
