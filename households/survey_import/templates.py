"""The two forms a survey import is filled in, both generated from the CURRENT instrument (the
same columns as the importer, columns.py):

- `survey_template(user)`: the xlsx to fill by hand — sheets "ครัวเรือน" (households) and
  "สมาชิก" (members) with Thai headers, drop-downs (data validation) for every coded answer,
  the codes of the user's villages, and an instructions sheet;
- `survey_xlsform(user)`: an XLSForm (survey / choices / settings sheets) a province deploys on
  KoboToolbox or ODK Central; the field names are the importer's field names and the members
  are the repeat group "members", so the tools' exports import directly.

Every cell is written through ppaos/core/xlsx_cells.py (formula-like text stays text).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ppaos.accounts.policy import Action
from ppaos.core.xlsx_cells import safe_row, text_cell

from ..selectors import villages_for
from . import columns as cols
from .importer import survey_importer

DATA_ROWS = 1000
FORM_ID = "ppaos_household_survey"
CODES_SHEET = "รหัส"


def _villages(user):
    return list(villages_for(user, Action.IMPORT_SURVEYS).values_list("code", "name_th"))


def survey_template(user) -> bytes:
    households = survey_importer.household_columns
    members = survey_importer.member_columns
    villages = _villages(user)
    workbook = Workbook()
    guide = workbook.active
    guide.title = "คำอธิบาย"
    house_sheet = workbook.create_sheet("ครัวเรือน")
    member_sheet = workbook.create_sheet("สมาชิก")
    codes = workbook.create_sheet(CODES_SHEET)

    # Code lists, one per column of the codes sheet: (title, [values]).
    lists: dict[str, tuple[int, int]] = {}  # list name → (column, length)

    def add_list(name: str, title: str, values: list[str], labels: list[str] | None = None):
        column = len(lists) * 2 + 1
        codes.cell(row=1, column=column, value=text_cell(codes, title))
        for offset, value in enumerate(values, 2):
            codes.cell(row=offset, column=column, value=value)
            if labels:
                codes.cell(
                    row=offset, column=column + 1, value=text_cell(codes, labels[offset - 2])
                )
        lists[name] = (column, len(values))

    add_list("villages", "รหัสหมู่บ้าน / ชื่อ", [c for c, _n in villages], [n for _c, n in villages])

    def validation_for(sheet, column: cols.Column, index: int):
        if column.name == "village_code":
            name = "villages"
        elif column.choices:
            name = "choices:" + "|".join(column.choices)
            if column.kind == "score":
                name += ":" + column.name  # each item has its own wording of 1–4
            if name not in lists:
                if column.kind == "score":
                    values = list(column.choices)
                    labels = [th for th, _en in column.choices.values()]
                else:
                    values = [th for th, _en in column.choices.values()]
                    labels = list(column.choices)
                add_list(name, column.field.label_th[:40], values, labels)
        else:
            return
        if column.kind == "multiple":
            return  # several codes in one cell: listed in the instructions, not one choice
        list_column, length = lists[name]
        letter = get_column_letter(list_column)
        validation = DataValidation(
            type="list",
            formula1=f"'{CODES_SHEET}'!${letter}$2:${letter}${max(length, 1) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="คำตอบไม่อยู่ในรายการ",
            error="กรุณาเลือกจากรายการ",
        )
        cell_letter = get_column_letter(index)
        validation.add(f"{cell_letter}2:{cell_letter}{DATA_ROWS + 1}")
        sheet.add_data_validation(validation)

    for sheet, columns in ((house_sheet, households), (member_sheet, members)):
        sheet.append(safe_row(sheet, [c.field.label_th for c in columns]))
        for index, column in enumerate(columns, 1):
            sheet.column_dimensions[get_column_letter(index)].width = 22
            validation_for(sheet, column, index)
        sheet.freeze_panes = "A2"

    guide.append(safe_row(guide, ["แบบนำเข้าแบบสำรวจครัวเรือน (ทุน 5 มิติ และ จปฐ.)"]))
    guide.append([])
    for line in (
        "1. กรอกหนึ่งแถวต่อหนึ่งครัวเรือนในแผ่นงาน “ครัวเรือน” และหนึ่งแถวต่อสมาชิกหนึ่งคนในแผ่นงาน “สมาชิก”",
        "2. “รหัสครัวเรือนในไฟล์” เป็นเลขใดก็ได้ที่ไม่ซ้ำกันในไฟล์ ใช้จับคู่สมาชิกกับครัวเรือน",
        "3. แต่ละครัวเรือนต้องมีหัวหน้าครัวเรือนหนึ่งคน วันที่ใช้ วัน/เดือน/ปี พ.ศ.",
        "4. ข้อมูลความพิการ โรคเรื้อรัง และป่วยติดเตียง บันทึกได้เฉพาะเมื่อครัวเรือนให้ความยินยอม",
        "5. นำเข้าได้เฉพาะหมู่บ้านในพื้นที่ของท่าน (ดูแผ่นงาน “รหัส”) "
        "แบบสำรวจที่นำเข้าจะรอผู้จัดการพื้นที่ตรวจรับรอง ผู้สำรวจตรวจรับรองแบบสำรวจของตนเองไม่ได้",
        "6. ความต้องการ: ใส่รหัสคั่นด้วยเว้นวรรค เช่น housing debt",
        "7. แบบสำรวจต้องตอบครบจึงนำเข้าได้: ตัวชี้วัด จปฐ. ทุกข้อ (สมาชิกตามอายุ) คำถามทุนทุกข้อ "
        "และจำนวนเงินทุกช่อง (ไม่มีให้ใส่ 0) ดูคอลัมน์ “จำเป็น” ด้านล่าง",
    ):
        guide.append(safe_row(guide, [line]))
    guide.append([])
    guide.append(safe_row(guide, ["แผ่นงาน", "คอลัมน์", "Column", "จำเป็น", "คำอธิบาย / รหัส"]))
    for sheet_name, columns in (("ครัวเรือน", households), ("สมาชิก", members)):
        for column in columns:
            coded = ""
            if column.choices:
                coded = ", ".join(f"{code} = {th}" for code, (th, _en) in column.choices.items())
            guide.append(
                safe_row(
                    guide,
                    [
                        sheet_name,
                        column.field.label_th,
                        column.field.label_en,
                        _required_th(column),
                        " · ".join(t for t in (column.hint_th, coded) if t),
                    ],
                )
            )
    guide.column_dimensions["A"].width = 14
    guide.column_dimensions["B"].width = 40
    guide.column_dimensions["E"].width = 60
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()


def _required_th(column: cols.Column) -> str:
    if column.field.required:
        return "ใช่"
    return "ต้องตอบจึงส่งได้" if column.needed_to_submit else ""


# ---- XLSForm ---------------------------------------------------------------------------------

_XLS_TYPES = {
    "text": "text",
    "date": "date",
    "integer": "integer",
    "decimal": "decimal",
}
_SKIP_IN_FORM = {"household_key", "submission_uuid", "village_name"}


def survey_xlsform(user) -> bytes:
    """The XLSForm of the current instrument (KoboToolbox / ODK Central)."""
    from households.surveys.selectors import current_instrument

    instrument = current_instrument()
    households = survey_importer.household_columns
    members = survey_importer.member_columns
    choices: list[list[str]] = []
    lists_done: set[str] = set()

    def list_for(column: cols.Column) -> str:
        if column.name == "village_code":
            name = "villages"
            if name not in lists_done:
                for code, village in _villages(user):
                    choices.append([name, code, f"{code} {village}"])
        elif column.kind == "yes_no":
            name = "yes_no"
        elif column.kind == "score":
            name = f"score_{column.name}"
        elif column.name.startswith("ind_"):
            name = "indicator"
        else:
            name = column.name
        if name not in lists_done and name != "villages":
            for code, (th, _en) in (column.choices or {}).items():
                choices.append([name, code, th])
        lists_done.add(name)
        return name

    rows: list[list[str]] = []

    def add(column: cols.Column, relevant: str = "") -> None:
        if column.name in _SKIP_IN_FORM:
            return
        if column.name == "village_code" or column.choices:
            kind = "select_multiple" if column.kind == "multiple" else "select_one"
            qtype = f"{kind} {list_for(column)}"
        else:
            qtype = _XLS_TYPES[column.kind]
        required = "yes" if column.field.required or column.name == "village_code" else ""
        rows.append([qtype, column.name, column.field.label_th, required, relevant,
                     column.hint_th])  # fmt: skip

    for column in households:
        relevant = "${sensitive_consent} = 'yes'" if column.name == "consent_given_by" else ""
        add(column, relevant)
    rows.append(["begin_repeat", cols.MEMBERS_GROUP, "สมาชิกในครัวเรือน", "", "", ""])
    for column in members:
        relevant = ""
        if column.name in cols.SENSITIVE_MEMBER_FIELDS:
            relevant = "${sensitive_consent} = 'yes'"
        add(column, relevant)
    rows.append(["end_repeat", "", "", "", "", ""])

    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", "label", "required", "relevant", "hint"])
    for row in rows:
        survey.append(safe_row(survey, row))
    choice_sheet = workbook.create_sheet("choices")
    choice_sheet.append(["list_name", "name", "label"])
    for row in choices:
        choice_sheet.append(safe_row(choice_sheet, row))
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(
        safe_row(settings, [instrument.title_th, FORM_ID, f"ppaos-{instrument.version}", "th"])
    )
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()
