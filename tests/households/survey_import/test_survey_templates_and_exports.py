"""The xlsx template and the XLSForm are generated from the current instrument; the exports of
KoboToolbox and ODK Central import directly, keyed by the submission's UUID."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from households.models import Household, Membership, Person, Survey, SurveySourceKey
from households.survey_import.importer import survey_importer
from households.surveys.selectors import current_instrument, instrument_parts
from ppaos.imports.models import ImportStatus
from tests.households.survey_import.files import (
    household,
    write_kobo_xlsx,
    write_odk_zip,
    write_template_xlsx,
)
from tests.households.survey_import.test_survey_import_basics import run, state

pytestmark = pytest.mark.django_db


def download_template(client, user) -> bytes:
    client.force_login(user)
    response = client.get(reverse("imports:import_template", args=["surveys"]))
    assert response.status_code == 200
    return b"".join(response) if response.streaming else response.content


def test_the_template_has_thai_headers_drop_downs_instructions_and_the_users_villages(
    client, facilitator
):
    workbook = load_workbook(io.BytesIO(download_template(client, facilitator)))
    assert workbook.sheetnames == ["คำอธิบาย", "ครัวเรือน", "สมาชิก", "รหัส"]
    headers = [c.value for c in workbook["ครัวเรือน"][1]]
    parts = instrument_parts(current_instrument())
    assert "รหัสครัวเรือนในไฟล์" in headers and "วันที่สำรวจ" in headers
    for item in parts.items:  # every capital item of the current instrument
        assert f"{item.code} {item.text_th}" in headers
    assert len(headers) == len(survey_importer.household_columns)
    member_headers = [c.value for c in workbook["สมาชิก"][1]]
    assert "เลขประจำตัวประชาชน" in member_headers
    validations = workbook["ครัวเรือน"].data_validations.dataValidation
    assert len(validations) >= len(parts.items)  # every capital item, yes/no, indicators …
    codes = [row[0].value for row in workbook["รหัส"].iter_rows(min_row=2)]
    assert "49010101" in codes and "49010102" in codes
    assert "49010201" not in codes  # a village of another subdistrict
    guide = " ".join(str(c.value) for row in workbook["คำอธิบาย"].iter_rows() for c in row)
    assert "ความยินยอม" in guide


def test_the_guide_marks_every_answer_a_survey_cannot_be_submitted_without(
    client, facilitator, tmp_path
):
    """The guide's column จำเป็น says ต้องตอบจึงส่งได้ where a blank is read but leaves the
    survey incomplete, so the household is refused: one household per such column left blank
    is refused, and one with every other optional column blank is imported."""
    template = download_template(client, facilitator)
    guide = load_workbook(io.BytesIO(template))["คำอธิบาย"].iter_rows(values_only=True)
    marks = {(row[0], row[1]): row[3] for row in guide if row[0] in ("ครัวเรือน", "สมาชิก")}
    names = {c.field.label_th: c.name for c in survey_importer.household_columns}
    member_names = {c.field.label_th: c.name for c in survey_importer.member_columns}
    needed = [
        names[label]
        for (sheet, label), m in marks.items()
        if sheet == "ครัวเรือน" and m == "ต้องตอบจึงส่งได้"
    ]
    optional = [names[label] for (sheet, label), m in marks.items() if sheet == "ครัวเรือน" and not m]
    parts = instrument_parts(current_instrument())
    assert "notice_given" in needed and "lawful_basis" in optional  # blank: public task
    assert {f"cap_{item.code}" for item in parts.items} <= set(needed)
    assert {f"ind_{i.code}" for i in parts.household_indicators} <= set(needed)
    assert all(
        m == "ต้องตอบจึงส่งได้"
        for (sheet, label), m in marks.items()
        if sheet == "สมาชิก" and member_names[label].startswith("ind_")
    )
    households = []
    for n, name in enumerate(needed, 1):
        values, people = household(n)
        values[name] = None
        households.append((values, people))
    values, people = household(len(needed) + 1)
    for name in optional:
        if name != "village_code":  # or the village's name: one of the two
            values[name] = None
    households.append((values, people))
    job = run(facilitator, write_template_xlsx(tmp_path / "f.xlsx", households, template=template))
    assert (job.created_count, job.rejected_count) == (1, len(needed))
    assert Survey.objects.get().household.house_number == ""


def test_the_xlsform_converts_with_pyxform(client, facilitator, tmp_path):
    """pyxform's xls2xform turns the generated XLSForm into an XForm. ODK Validate (a Java
    program) is not run: validate=False; the conversion itself checks the XLSForm's syntax,
    names, choice lists, repeat and relevance expressions."""
    from pyxform.xls2xform import convert

    client.force_login(facilitator)
    response = client.get(reverse("households:survey_xlsform"))
    assert response.status_code == 200
    path = tmp_path / "form.xlsx"
    path.write_bytes(response.content)
    result = convert(str(path), validate=False)
    xform = result.xform
    assert '<repeat nodeset="/data/members">' in xform
    assert 'id="ppaos_household_survey"' in xform  # the form id ODK Central names its csv by
    assert "national_id" in xform and "cap_H1" in xform
    assert "${sensitive_consent}" not in xform  # relevance became an XPath expression


def test_a_filled_template_imports(client, facilitator, tmp_path):
    template = download_template(client, facilitator)
    path = write_template_xlsx(tmp_path / "filled.xlsx", [household(1)], template=template)
    job = run(facilitator, path)
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 1)


def test_a_kobo_export_of_the_same_households_duplicates_nothing(facilitator, tmp_path):
    rows = [household(n) for n in range(1, 5)]
    run(facilitator, write_template_xlsx(tmp_path / "typed.xlsx", rows))
    before = state()
    job = run(facilitator, write_kobo_xlsx(tmp_path / "kobo.xlsx", rows, numbers=[1, 2, 3, 4]))
    assert job.status == ImportStatus.SUCCEEDED, job.error_summary
    assert (job.created_count, job.unchanged_count) == (0, 4)
    assert state() == before


def test_a_kobo_export_imports_and_again_changes_nothing(facilitator, tmp_path):
    rows = [household(n) for n in range(1, 4)]
    path = write_kobo_xlsx(tmp_path / "kobo.xlsx", rows, numbers=[1, 2, 3])
    job = run(facilitator, path)
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 3), job.error_summary
    assert SurveySourceKey.objects.count() == 3
    assert Membership.objects.count() == 9
    before = state()
    again = run(facilitator, path)
    assert (again.created_count, again.unchanged_count) == (0, 3)
    assert state() == before


def test_an_odk_central_csv_zip_imports_keyed_by_the_submission(facilitator, tmp_path):
    rows = [household(n) for n in range(1, 4)]
    rows[2][1][0]["national_id"] = "1111111111111"  # bad checksum: that household only
    job = run(facilitator, write_odk_zip(tmp_path / "odk.zip", rows, numbers=[1, 2, 3]))
    assert (job.created_count, job.rejected_count) == (2, 1), job.error_summary
    keys = set(SurveySourceKey.objects.values_list("key", flat=True))
    assert all(key.startswith("uuid:") for key in keys) and len(keys) == 2
    assert Household.objects.count() == 2
    assert Person.objects.count() == 6
    assert Survey.objects.count() == 2


def test_field_staff_see_only_their_own_jobs(client, facilitator, neighbour_facilitator, tmp_path):
    job = run(facilitator, write_template_xlsx(tmp_path / "mine.xlsx", [household(1)]))
    client.force_login(neighbour_facilitator)
    assert client.get(reverse("imports:job_detail", args=[job.public_id])).status_code == 404
    assert client.get(reverse("imports:error_report", args=[job.public_id])).status_code == 404
    client.force_login(facilitator)
    assert client.get(reverse("imports:job_detail", args=[job.public_id])).status_code == 200


def test_who_may_import_surveys(client, provincial_officer, no_role_user, admin_user, area_manager):
    for user in (provincial_officer, no_role_user):
        client.force_login(user)
        assert client.get(reverse("imports:upload")).status_code == 403
        assert client.get(reverse("households:survey_xlsform")).status_code == 403
    client.force_login(area_manager)
    page = client.get(reverse("imports:upload"))
    assert page.status_code == 200 and b'data-testid="template-surveys"' in page.content
    assert b"welfare_registry" not in page.content  # the registry import stays the admin's


def test_the_survey_list_links_field_staff_to_the_import(client, facilitator):
    client.force_login(facilitator)
    page = client.get(reverse("households:survey_list"))
    assert b'data-testid="import-surveys"' in page.content
