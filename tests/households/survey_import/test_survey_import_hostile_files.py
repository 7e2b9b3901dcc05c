"""Hostile survey files: the survey layouts (the template's two sheets, a Kobo xlsx export, an
ODK Central csv zip) are read by the framework's hardened readers too, members table included.
Each file gets the answer the registry corpus (tests/imports/hostile_files.py) gives its kind."""

import csv
import io
import re
import time
import zipfile

import pytest
from openpyxl import load_workbook

from households.models import Membership, Survey
from households.survey_import.templates import FORM_ID
from ppaos.imports import services
from ppaos.imports.models import ImportStatus
from ppaos.imports.readers import FILE_MESSAGES
from tests.households.survey_import.files import (
    household,
    write_kobo_xlsx,
    write_odk_zip,
    write_template_xlsx,
)
from tests.imports.helpers import upload
from tests.imports.hostile_files import FORMULAS, _repeat

pytestmark = pytest.mark.django_db


def run(user, path):
    job = services.create_import_job(actor=user, uploaded_file=upload(path), kind="surveys")
    services.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    return job


def assert_failed(job, code: str) -> None:
    assert (job.status, job.error_code) == (ImportStatus.FAILED, code), job.error_message
    thai, english = FILE_MESSAGES[code]
    assert job.error_message_th.split("{")[0][:10] == thai.split("{")[0][:10]
    assert job.error_message.split(" ")[0] == english.split(" ")[0]
    assert Survey.objects.count() == 0 and Membership.objects.count() == 0


def _rezip(path, replace: dict[str, bytes]):
    """The same zip with some members' bytes replaced (or added)."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members.update(replace)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _odk_main_csv(tmp_path) -> bytes:
    """The main table of a one-household ODK Central export, to pack into a zip of one's own."""
    path = write_odk_zip(tmp_path / "odk.zip", [household(1)], numbers=[1])
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"{FORM_ID}.csv")


def test_an_odk_zip_whose_members_csv_is_a_bomb_fails_fast(facilitator, tmp_path):
    main = _odk_main_csv(tmp_path)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{FORM_ID}.csv", main)
        # The members table: 200 MiB of one repeated line in a few hundred KiB.
        with archive.open(f"{FORM_ID}-members.csv", "w", force_zip64=True) as handle:
            handle.write(b"national_id,first_name,PARENT_KEY,KEY\n")
            _repeat(b"1,a,b,c\n" * 512, 200 << 20)(handle)
    began = time.monotonic()
    job = run(facilitator, bomb)
    assert_failed(job, "zip_bomb")
    assert time.monotonic() - began < 60  # bounded, not the 200 MiB read (a generous bound)


def test_an_odk_members_csv_in_two_encodings_is_refused_naming_the_first_bad_line(
    facilitator, tmp_path
):
    households = [household(n) for n in (1, 2)]
    path = write_odk_zip(tmp_path / "odk.zip", households, numbers=[1, 2])
    with zipfile.ZipFile(path) as archive:
        text = archive.read(f"{FORM_ID}-members.csv").decode("utf-8")
    lines = text.splitlines(keepends=True)
    # Lines 1–3 UTF-8, the rest TIS-620 (a file pasted together from two exports).
    mixed = "".join(lines[:3]).encode("utf-8") + "".join(lines[3:]).encode("cp874")
    _rezip(path, {f"{FORM_ID}-members.csv": mixed})
    job = run(facilitator, path)
    assert_failed(job, "mixed_encoding")
    assert "line 4" in job.error_message and "บรรทัดที่ 4" in job.error_message_th


def test_an_entity_declaration_in_the_members_sheet_is_refused(facilitator, tmp_path):
    path = write_template_xlsx(tmp_path / "s.xlsx", [household(1)])
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    # The members sheet's part, through the workbook's relationships.
    rid = re.search(r'<sheet [^>]*name="สมาชิก"[^>]*r:id="(rId\d+)"', workbook).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="/?(?:xl/)?([^"]+)"', rels)
    if target is None:
        target = re.search(rf'Target="/?(?:xl/)?([^"]+)"[^>]*Id="{rid}"', rels)
    members_sheet = "xl/" + target.group(1)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(members_sheet).decode()
    prolog = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    at = xml.index("<worksheet")
    xml = xml[:at] + prolog + xml[at:]
    _rezip(path, {members_sheet: xml.encode()})
    job = run(facilitator, path)
    assert_failed(job, "xml_entities")


def test_a_kobo_export_with_a_hidden_first_sheet_imports_the_visible_main_table(
    facilitator, tmp_path
):
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", [household(1), household(2)], numbers=[1, 2])
    workbook = load_workbook(path)
    decoy = workbook.create_sheet("old export", 0)
    decoy.append(["village_code", "house_number"])
    decoy.append(["49010101", "999/9"])
    decoy.sheet_state = "hidden"
    workbook.active = 1
    workbook.save(path)
    job = run(facilitator, path)
    assert job.status == ImportStatus.SUCCEEDED, (job.error_code, job.error_summary)
    assert job.created_count == 2
    assert sorted(Survey.objects.values_list("household__house_number", flat=True)) == [
        "1/9",
        "2/9",
    ]


@pytest.mark.parametrize("key", ["cmd", "hyperlink", "at"])
def test_a_formula_in_a_rejected_survey_cell_comes_back_as_text_in_the_error_report(
    key, facilitator, tmp_path
):
    bad = household(2)
    bad[0]["surveyed_on"] = FORMULAS[key]  # not a date: the household is rejected
    path = write_template_xlsx(tmp_path / "s.xlsx", [household(1), bad, household(3)])
    # As a text cell (openpyxl would store a formula; a csv opened and saved gives text).
    workbook = load_workbook(path)
    for row in workbook["ครัวเรือน"].iter_rows():
        for cell in row:
            if cell.value == FORMULAS[key]:
                cell.data_type = "s"
    workbook.save(path)
    job = run(facilitator, path)
    assert job.status == ImportStatus.PARTLY_SUCCEEDED, (job.error_code, job.error_summary)
    assert (job.created_count, job.rejected_count) == (2, 1)
    report = tmp_path / "report.xlsx"
    with job.error_report.open("rb") as handle:
        report.write_bytes(handle.read())
    with zipfile.ZipFile(report) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    cells = [cell for row in load_workbook(report).active.iter_rows() for cell in row]
    risky = [cell for cell in cells if cell.value == FORMULAS[key]]
    assert risky, "the rejected value is in the report, as it was"
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in risky)


def test_a_member_cell_too_long_refuses_that_household_not_the_file(facilitator, tmp_path):
    households = [household(n) for n in (1, 2, 3)]
    path = write_odk_zip(tmp_path / "odk.zip", households, numbers=[1, 2, 3])
    with zipfile.ZipFile(path) as archive:
        rows = list(csv.reader(io.StringIO(archive.read(f"{FORM_ID}-members.csv").decode())))
    header = rows[0]
    first_name = header.index("first_name")
    rows[4][first_name] = "ก" * 200_000  # household 2's first member: one cell of 200,000
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    _rezip(path, {f"{FORM_ID}-members.csv": buffer.getvalue().encode()})
    job = run(facilitator, path)
    assert job.status == ImportStatus.PARTLY_SUCCEEDED, (job.error_code, job.error_message)
    assert (job.created_count, job.rejected_count) == (2, 1)
    assert "cell_too_long" in {group["code"] for group in job.error_summary}
    assert sorted(Survey.objects.values_list("household__house_number", flat=True)) == [
        "1/9",
        "3/9",
    ]


def test_an_odk_zip_whose_only_csv_climbs_out_of_the_archive_is_not_read(facilitator, tmp_path):
    main = _odk_main_csv(tmp_path)
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"../../{FORM_ID}.csv", main)
    job = run(facilitator, evil)
    assert (job.status, job.error_code) == (ImportStatus.FAILED, "no_survey_tables")
    assert job.error_message_th.startswith("ไม่พบตารางครัวเรือน")
    assert not (tmp_path.parent.parent / f"{FORM_ID}.csv").exists()
