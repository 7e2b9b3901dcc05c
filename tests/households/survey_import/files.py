"""Survey import files built by code: the xlsx template layout, a KoboToolbox xlsx export and
an ODK Central csv zip, from their documented layouts.

KoboToolbox xlsx export (kpi "xls" export, XML values and headers): the first sheet is the main
table, named after the form title (at most 31 characters), one row per submission, the question
columns by name (with "group/" prefixes when "include groups in headers" is chosen), then
`_id`, `_uuid`, `_submission_time`, `_validation_status`, `_notes`, `_status`, `_submitted_by`,
`__version__`, `_tags`, `_index`. Each repeat group is a sheet named after it, one row per
repeat instance, its question columns (here with the "members/" prefix), then `_index`,
`_parent_table_name`, `_parent_index` (the main row's `_index`), `_submission__id`,
`_submission__uuid`, …

ODK Central csv zip (Briefcase's format): `<form id>.csv`, the main table: `SubmissionDate`,
the fields (groups joined by "-"), `meta-instanceID`, `KEY` (= the instance ID, "uuid:…"),
`SubmitterID`, `SubmitterName`, `AttachmentsPresent`, `AttachmentsExpected`, `Status`,
`ReviewState`, `DeviceID`, `Edits`, `FormVersion`; each repeat is `<form id>-<repeat>.csv`
with its fields, `PARENT_KEY` (the parent's KEY) and `KEY` ("<PARENT_KEY>/<repeat>[n]",
1-based).

A household here is a dict of households-sheet values by field name and a list of member
dicts; `household(n)` makes a complete, valid one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook

from households.survey_import.importer import survey_importer
from households.survey_import.templates import FORM_ID
from tests.factories import make_national_id

VISIT = dt.date(2025, 11, 15)  # round 2569 (fiscal year BE: 1 Oct 2025 – 30 Sep 2026)
VISIT_BE = "15/11/2568"
ROUND = 2569


def household(n: int, *, village: str = "49010101", members: int = 3) -> tuple[dict, list]:
    """Household n: complete answers, a head and `members - 1` others, valid national IDs."""
    columns = survey_importer.household_columns
    values: dict = {
        "household_key": f"H{n}",
        "village_code": village,
        "house_number": f"{n}/9",
        "fiscal_year": ROUND,
        "surveyed_on": VISIT_BE,
        "notice_given": "ใช่",
        "lawful_basis": "public_task",
        "sensitive_consent": "ไม่ใช่",
        "welfare_card_in_household": "ไม่ใช่",
        "needs": "housing debt",
        "needs_note": "ซ่อมหลังคา",
    }
    for column in columns:
        if column.name.startswith("ind_"):
            values[column.name] = "ผ่าน"
        elif column.name.startswith("cap_"):
            values[column.name] = 2 + n % 3
        elif column.kind == "decimal":
            values[column.name] = 1000 + n
    people = []
    relations = ["head", "spouse", "child", "child", "parent"]
    births = ["12/03/2523", "02/05/2526", "09/07/2558", "01/01/2560", "20/01/2498"]
    for m in range(members):
        person = {
            "household_key": f"H{n}",
            "national_id": make_national_id(700000 + n * 10 + m),
            "title": "นาย" if m % 2 == 0 else "นาง",
            "first_name": f"สมาชิก{m}",
            "last_name": f"ครัวเรือน{n}",
            "birth_date": births[m % len(births)],
            "sex": "ชาย" if m % 2 == 0 else "หญิง",
            "relation": relations[m % len(relations)],
        }
        for column in survey_importer.member_columns:
            if column.name.startswith("ind_"):
                person[column.name] = "ผ่าน"
        people.append(person)
    return values, people


def _header_cells(columns) -> list[str]:
    return [column.field.label_th for column in columns]


def write_template_xlsx(path: Path, households: list, *, template: bytes | None = None) -> Path:
    """The households written into the template layout (the downloaded template when given:
    its sheets and Thai headers kept, rows appended)."""
    hh_columns = survey_importer.household_columns
    member_columns = survey_importer.member_columns
    if template is not None:
        workbook = load_workbook(io.BytesIO(template))
        hh_sheet, member_sheet = workbook["ครัวเรือน"], workbook["สมาชิก"]
        hh_headers = [c.value for c in hh_sheet[1]]
        member_headers = [c.value for c in member_sheet[1]]
    else:
        workbook = Workbook()
        hh_sheet = workbook.active
        hh_sheet.title = "ครัวเรือน"
        member_sheet = workbook.create_sheet("สมาชิก")
        hh_headers, member_headers = _header_cells(hh_columns), _header_cells(member_columns)
        hh_sheet.append(hh_headers)
        member_sheet.append(member_headers)
    by_label = {c.field.label_th: c.name for c in hh_columns}
    member_by_label = {c.field.label_th: c.name for c in member_columns}
    for values, people in households:
        hh_sheet.append([values.get(by_label.get(h, ""), None) for h in hh_headers])
        for person in people:
            member_sheet.append(
                [person.get(member_by_label.get(h, ""), None) for h in member_headers]
            )
    workbook.save(path)
    return path


def _kobo_value(column, value):
    """What Kobo exports for an answer: the choice's name (XML value), dates as ISO."""
    if value is None:
        return None
    if column.kind == "date":
        day, month, year = (int(p) for p in str(value).split("/"))
        return dt.date(year - 543, month, day).isoformat()
    if column.kind == "yes_no":
        return "yes" if value in ("ใช่", True, "yes") else "no"
    if column.choices and column.kind in ("choice",):
        for code, (th, _en) in column.choices.items():
            if value in (code, th):
                return code
    return value


FORM_COLUMNS_SKIPPED = {"household_key", "submission_uuid", "village_name"}


def submission_uuid(n: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"ppaos-test-submission-{n}"))


def write_kobo_xlsx(path: Path, households: list, *, numbers: list[int]) -> Path:
    """A KoboToolbox xlsx export of the generated XLSForm (`numbers`: the households' n, for
    their submission UUIDs)."""
    hh_columns = [
        c for c in survey_importer.household_columns if c.name not in FORM_COLUMNS_SKIPPED
    ]
    member_columns = [
        c for c in survey_importer.member_columns if c.name not in FORM_COLUMNS_SKIPPED
    ]
    workbook = Workbook()
    main = workbook.active
    main.title = "แบบสำรวจครัวเรือน ทุน 5 มิติ และ"[:31]
    meta = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
            "_submitted_by", "__version__", "_tags", "_index"]  # fmt: skip
    main.append(["start", "end", *[c.name for c in hh_columns], *meta])
    members = workbook.create_sheet("members")
    members.append(
        [*[f"members/{c.name}" for c in member_columns], "_index", "_parent_table_name",
         "_parent_index", "_submission__id", "_submission__uuid", "_submission__submission_time",
         "_submission__validation_status", "_submission__notes", "_submission__status",
         "_submission__submitted_by", "_submission___version__", "_submission__tags"]
    )  # fmt: skip
    member_index = 0
    for index, ((values, people), n) in enumerate(zip(households, numbers, strict=True), 1):
        uid = submission_uuid(n)
        main.append(
            ["2025-11-15T09:00:00.000+07:00", "2025-11-15T09:40:00.000+07:00",
             *[_kobo_value(c, values.get(c.name)) for c in hh_columns],
             1000 + index, uid, "2025-11-15T10:00:00", "", "", "submitted_via_web", "",
             "vAbCdEf", "", index]
        )  # fmt: skip
        for person in people:
            member_index += 1
            members.append(
                [*[_kobo_value(c, person.get(c.name)) for c in member_columns], member_index,
                 main.title, index, 1000 + index, uid, "2025-11-15T10:00:00", "", "",
                 "submitted_via_web", "", "vAbCdEf", ""]
            )  # fmt: skip
    workbook.save(path)
    return path


def write_odk_zip(path: Path, households: list, *, numbers: list[int]) -> Path:
    """An ODK Central csv zip export of the generated XLSForm."""
    hh_columns = [
        c for c in survey_importer.household_columns if c.name not in FORM_COLUMNS_SKIPPED
    ]
    member_columns = [
        c for c in survey_importer.member_columns if c.name not in FORM_COLUMNS_SKIPPED
    ]
    main_buffer, member_buffer = io.StringIO(), io.StringIO()
    main, members = csv.writer(main_buffer), csv.writer(member_buffer)
    main.writerow(
        ["SubmissionDate", *[c.name for c in hh_columns], "meta-instanceID", "KEY",
         "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
         "ReviewState", "DeviceID", "Edits", "FormVersion"]
    )  # fmt: skip
    members.writerow([*[c.name for c in member_columns], "PARENT_KEY", "KEY"])
    for (values, people), n in zip(households, numbers, strict=True):
        key = f"uuid:{submission_uuid(n)}"
        main.writerow(
            ["2025-11-15T03:00:00.000Z", *[_kobo_value(c, values.get(c.name)) for c in hh_columns],
             key, key, "7", "enumerator", "0", "0", "", "", "collect:abc", "0", "ppaos-1"]
        )  # fmt: skip
        for position, person in enumerate(people, 1):
            members.writerow(
                [*[_kobo_value(c, person.get(c.name)) for c in member_columns], key,
                 f"{key}/members[{position}]"]
            )  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{FORM_ID}.csv", main_buffer.getvalue())
        archive.writestr(f"{FORM_ID}-members.csv", member_buffer.getvalue())
    return path
