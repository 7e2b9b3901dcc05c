"""The columns of a survey import, built from the instrument, and how one cell is read.

Pure Python (no Django): the fields come from the instrument's parts (capital items and
basic-needs indicators, passed in), so the xlsx template, the XLSForm and the importer always
agree with the current instrument. A field's `name` is also its XLSForm name, so the exports of
KoboToolbox (xlsx, repeat group "members" as its own sheet, joined by `_index` /
`_parent_index`) and ODK Central (csv zip, joined by `KEY` / `PARENT_KEY`) match by name; group
prefixes ("members/national_id", "members-national_id") are accepted too.

Reading a cell gives a value or a RowError; nothing here decides whether a survey is complete or
allowed: that is the survey services' job (households/surveys/services.py), the same as for a
typed survey.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from dataclasses import dataclass

from ppaos.imports.columns import ImportField, RowError
from ppaos.thai.thai_dates import ThaiDateError, parse_thai_date
from ppaos.thai.thai_digits import to_arabic_digits

MEMBERS_GROUP = "members"  # the XLSForm repeat, the Kobo sheet, the ODK csv suffix
HOUSEHOLD_SHEETS = ("households", "ครัวเรือน")
MEMBER_SHEETS = (MEMBERS_GROUP, "สมาชิก")

ACCOUNT_LABELS = {
    # field: (Thai, English)
    "income_farming": ("รายได้จากการเกษตร (บาท/เดือน)", "Income from farming (baht/month)"),
    "income_wages": ("รายได้จากค่าจ้าง (บาท/เดือน)", "Income from wages (baht/month)"),
    "income_business": ("รายได้จากค้าขาย/ธุรกิจ (บาท/เดือน)", "Income from business (baht/month)"),
    "income_welfare": ("รายได้จากเบี้ยยังชีพ/สวัสดิการ (บาท/เดือน)", "Allowances (baht/month)"),
    "income_remittances": ("เงินที่ญาติส่งให้ (บาท/เดือน)", "Remittances (baht/month)"),
    "income_other": ("รายได้อื่น (บาท/เดือน)", "Other income (baht/month)"),
    "expense_consumption": ("รายจ่ายครัวเรือน (บาท/เดือน)", "Living expenses (baht/month)"),
    "expense_production": ("รายจ่ายเพื่อการผลิต (บาท/เดือน)", "Production expenses (baht/month)"),
    "debt_formal": ("หนี้ในระบบ (บาท)", "Debt to banks, funds, cooperatives (baht)"),
    "debt_informal": ("หนี้นอกระบบ (บาท)", "Debt to money lenders and others (baht)"),
    "savings": ("เงินออม (บาท)", "Savings (baht)"),
}

YES_NO = {"yes": ("ใช่", "Yes"), "no": ("ไม่ใช่", "No")}
INDICATOR_ANSWERS = {
    "pass": ("ผ่าน", "Passes"),
    "fail": ("ไม่ผ่าน", "Fails"),
    "na": ("ไม่เกี่ยวข้อง", "Not applicable"),
}
LAWFUL_BASES = {
    "public_task": ("ภารกิจของรัฐ (มาตรา 24(4))", "Public task (PDPA s.24(4))"),
    "legal_obligation": ("หน้าที่ตามกฎหมาย (มาตรา 24(6))", "Legal obligation (PDPA s.24(6))"),
    "consent": ("ความยินยอม (มาตรา 19)", "Consent (PDPA s.19)"),
}
RELATIONS = {
    "head": ("หัวหน้าครัวเรือน", "Head of household"),
    "spouse": ("คู่สมรส", "Spouse"),
    "child": ("บุตร", "Child"),
    "parent": ("บิดา/มารดา", "Parent"),
    "grandchild": ("หลาน", "Grandchild"),
    "sibling": ("พี่น้อง", "Sibling"),
    "relative": ("ญาติอื่น", "Other relative"),
    "other": ("ผู้อาศัย (ไม่ใช่ญาติ)", "Not related"),
}
SEXES = {"male": ("ชาย", "Male"), "female": ("หญิง", "Female")}
NEEDS = {
    "housing": ("ที่อยู่อาศัย/ซ่อมบ้าน", "Housing"),
    "occupation": ("อาชีพ/ทักษะการทำงาน", "Work and occupation"),
    "debt": ("แก้ปัญหาหนี้", "Debts"),
    "health": ("สุขภาพ", "Health care"),
    "care": ("ดูแลผู้สูงอายุ/ผู้พิการ/ผู้ป่วยติดเตียง", "Care of a member"),
    "education": ("การศึกษาของเด็ก", "Schooling"),
    "water": ("น้ำกินน้ำใช้/น้ำเพื่อการเกษตร", "Water"),
    "land": ("ที่ดินทำกิน/ที่อยู่", "Land"),
    "allowance": ("เบี้ยยังชีพและสิทธิสวัสดิการ", "Allowances and welfare rights"),
    "food": ("อาหารและของใช้จำเป็น", "Food and daily needs"),
    "other": ("อื่น ๆ", "Something else"),
}
PERSON_KEYS = ("title", "first_name", "last_name", "birth_date", "sex", "education",
               "occupation", "welfare_card_holder")  # fmt: skip


def person_data(member: dict, national_id: str) -> dict:
    """The person fields of a members row (as read, in its payload) for the registry."""
    values = member["values"]
    data = {"national_id": national_id}
    for key in PERSON_KEYS:
        if key in values:
            data[key] = values[key]
    if "birth_date" in data:
        data["birth_date"] = dt.date.fromisoformat(data["birth_date"])
    return data


# Health and disability data (PDPA s.26): only with the household's explicit consent.
SENSITIVE_MEMBER_FIELDS = ("disability", "chronic_illness", "bedridden")


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the import field, its XLSForm type and the coded answers."""

    field: ImportField
    kind: str  # text | date | integer | decimal | yes_no | choice | multiple | score
    choices: dict[str, tuple[str, str]] | None = None
    hint_th: str = ""
    # Blank is read, but a survey left without it is incomplete and cannot be submitted
    # (`completeness_problems`), so the household is refused: the template's guide says so.
    needed_to_submit: bool = False

    @property
    def name(self) -> str:
        return self.field.name


def _f(name, th, en, required=False):
    return ImportField(name, en, th, required=required)


def household_columns(items, indicators) -> list[Column]:
    """The households sheet. `items`: capital items (code, text_th, text_en); `indicators`: the
    household-level basic-needs indicators that are asked (code, number, text_th, text_en)."""
    columns = [
        Column(
            _f("household_key", "รหัสครัวเรือนในไฟล์", "Household key", True),
            "text",
            hint_th="เลขใดก็ได้ที่ไม่ซ้ำกันในไฟล์ ใช้จับคู่กับแผ่นงานสมาชิก",
        ),
        Column(
            _f("submission_uuid", "รหัสแบบสำรวจ (UUID)", "Submission UUID"),
            "text",
            hint_th="KoboToolbox / ODK ใส่ให้เอง เว้นว่างได้",
        ),
        Column(
            _f("village_code", "รหัสหมู่บ้าน (8 หลัก)", "Village code"),
            "text",
            hint_th="เลือกจากรายการหมู่บ้านในพื้นที่ของท่าน",
        ),
        Column(
            _f("village_name", "ชื่อหมู่บ้าน", "Village name"),
            "text",
            hint_th="ใช้เมื่อไม่มีรหัสหมู่บ้าน (ชื่อต้องไม่ซ้ำในพื้นที่ของท่าน)",
        ),
        Column(_f("house_number", "บ้านเลขที่", "House number"), "text"),
        Column(_f("house_registration_code", "รหัสประจำบ้าน", "House registration code"), "text"),
        Column(
            _f("fiscal_year", "รอบการสำรวจ (ปีงบประมาณ พ.ศ.)", "Round (fiscal year BE)", True),
            "integer",
            hint_th="เช่น 2569",
        ),
        Column(
            _f("surveyed_on", "วันที่สำรวจ", "Visit date", True),
            "date",
            hint_th="วัน/เดือน/ปี พ.ศ. เช่น 15/11/2568",
        ),
        Column(
            _f("surveyor", "ผู้สำรวจ (ชื่อผู้ใช้)", "Surveyor (username)"),
            "text",
            hint_th="เว้นว่าง = ผู้อัปโหลด",
        ),
        Column(
            _f("notice_given", "แจ้งประกาศความเป็นส่วนตัวแล้ว", "Privacy notice given"),
            "yes_no",
            YES_NO,
            needed_to_submit=True,
        ),
        Column(
            _f("lawful_basis", "ฐานทางกฎหมาย", "Lawful basis"),
            "choice",
            LAWFUL_BASES,
            hint_th=f"เว้นว่าง = {LAWFUL_BASES['public_task'][0]}",
        ),
        Column(
            _f(
                "sensitive_consent",
                "ยินยอมให้บันทึกข้อมูลสุขภาพและความพิการ",
                "Explicit consent to health and disability data",
            ),
            "yes_no",
            YES_NO,
        ),
        Column(_f("consent_given_by", "ผู้ให้ความยินยอม", "Consent given by"), "text"),
        Column(
            _f("welfare_card_in_household", "มีผู้ถือบัตรสวัสดิการแห่งรัฐ", "Welfare card in the household"),
            "yes_no",
            YES_NO,
        ),
    ]
    for indicator in indicators:
        columns.append(
            Column(
                _f(
                    f"ind_{indicator.code}",
                    f"จปฐ.{indicator.number} {indicator.text_th}",
                    f"Indicator {indicator.number}: {indicator.text_en}",
                ),
                "choice",
                INDICATOR_ANSWERS,
                needed_to_submit=True,
            )
        )
    for item in items:
        columns.append(
            Column(
                _f(
                    f"cap_{item.code}", f"{item.code} {item.text_th}", f"{item.code} {item.text_en}"
                ),
                "score",
                {str(n): tuple(option) for n, option in enumerate(item.options, 1)},
                needed_to_submit=True,
            )
        )
    for name, (th, en) in ACCOUNT_LABELS.items():
        columns.append(
            Column(_f(name, th, en), "decimal", hint_th="ไม่มีให้ใส่ 0", needed_to_submit=True)
        )
    columns.append(
        Column(
            _f("needs", "ความต้องการ (รหัส คั่นด้วยเว้นวรรคหรือจุลภาค)", "Needs (codes)"), "multiple", NEEDS
        )
    )
    columns.append(Column(_f("needs_note", "ความต้องการอื่น ๆ", "Other needs"), "text"))
    return columns  # fmt: skip


def member_columns(indicators) -> list[Column]:
    """The members sheet; `indicators`: the member-level basic-needs indicators."""
    columns = [
        Column(_f("household_key", "รหัสครัวเรือนในไฟล์", "Household key", True), "text"),
        Column(_f("national_id", "เลขประจำตัวประชาชน", "National ID", True), "text"),
        Column(_f("title", "คำนำหน้า", "Title"), "text"),
        Column(_f("first_name", "ชื่อ", "First name", True), "text"),
        Column(_f("last_name", "นามสกุล", "Last name", True), "text"),
        Column(_f("birth_date", "วันเกิด", "Birth date"), "date", hint_th="วัน/เดือน/ปี พ.ศ."),
        Column(_f("sex", "เพศ", "Sex"), "choice", SEXES),
        Column(
            _f("relation", "ความสัมพันธ์กับหัวหน้าครัวเรือน", "Relation to head", True), "choice", RELATIONS
        ),
        Column(_f("education", "การศึกษา", "Education"), "text"),
        Column(_f("occupation", "อาชีพ", "Occupation"), "text"),
        Column(
            _f("welfare_card_holder", "ถือบัตรสวัสดิการแห่งรัฐ", "Welfare card holder"), "yes_no", YES_NO
        ),
        Column(
            _f("disability", "มีความพิการ", "Disability"),
            "yes_no",
            YES_NO,
            hint_th="ต้องได้รับความยินยอมก่อน",
        ),
        Column(
            _f("chronic_illness", "มีโรคเรื้อรัง", "Chronic illness"),
            "yes_no",
            YES_NO,
            hint_th="ต้องได้รับความยินยอมก่อน",
        ),
        Column(
            _f("bedridden", "ป่วยติดเตียง", "Bedridden"),
            "yes_no",
            YES_NO,
            hint_th="ต้องได้รับความยินยอมก่อน",
        ),
    ]
    for indicator in indicators:
        columns.append(
            Column(
                _f(
                    f"ind_{indicator.code}",
                    f"จปฐ.{indicator.number} {indicator.text_th}",
                    f"Indicator {indicator.number}: {indicator.text_en}",
                ),
                "choice",
                INDICATOR_ANSWERS,
                hint_th="เฉพาะสมาชิกที่ตัวชี้วัดนี้ใช้ได้ (ตามอายุ)",
                needed_to_submit=True,
            )
        )
    return columns  # fmt: skip


def synonyms_for(columns: list[Column], *, member: bool) -> dict[str, list[str]]:
    """Header spellings: the Thai label, the English label, the field name, the name with the
    repeat group's prefix (Kobo "members/…", ODK "members-…"), and the join keys of the tools."""
    synonyms: dict[str, list[str]] = {}
    for column in columns:
        name = column.name
        spellings = [column.field.label_th, column.field.label_en, name]
        if member:
            spellings += [f"{MEMBERS_GROUP}/{name}", f"{MEMBERS_GROUP}-{name}"]
        synonyms[name] = spellings
    if member:
        synonyms["household_key"] += ["_parent_index", "PARENT_KEY"]
    else:
        synonyms["household_key"] += ["_index", "KEY"]
        synonyms["submission_uuid"] += ["_uuid", "meta/instanceID", "meta-instanceID"]
    return synonyms


# ---- reading one cell --------------------------------------------------------------------


class CellError(ValueError):
    def __init__(self, code: str, message_th: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code, self.message_th, self.message_en = code, message_th, message_en


_TRUE = {"yes", "y", "true", "1", "ใช่", "มี", "x", "✓", "ให้", "ยินยอม"}
_FALSE = {"no", "n", "false", "0", "ไม่", "ไม่ใช่", "ไม่มี", "ไม่ให้", "ไม่ยินยอม"}
_SPLIT = re.compile(r"[\s,;]+")


def _plain(value) -> str:
    kind = type(value)
    if kind is str:  # most cells: ASCII text has no Thai digit to convert
        return (value if value.isascii() else to_arabic_digits(value)).strip()
    if value is None:
        return ""
    if kind is int:
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return to_arabic_digits(str(value)).strip()


_LOOKUPS: dict[int, tuple[dict, dict[str, str]]] = {}


def _choice_lookup(choices: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Spelling (lower case) → code; built once per choices dict (read for every cell)."""
    cached = _LOOKUPS.get(id(choices))
    if cached is not None and cached[0] is choices:
        return cached[1]
    lookup = {}
    for code, (th, en) in choices.items():
        for spelling in (code, th, en):
            lookup[spelling.strip().lower()] = code
    _LOOKUPS[id(choices)] = (choices, lookup)
    return lookup


def read_cell(column: Column, raw, *, today: dt.date):
    """The value of one cell (None when blank), or CellError."""
    text = _plain(raw)
    if text == "" and not isinstance(raw, (dt.date, dt.datetime)):
        return None
    kind = column.kind
    if kind == "text":
        return text
    if kind == "yes_no":
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise CellError("bad_yes_no", "ตอบได้เพียง ใช่ หรือ ไม่ใช่", "Answer yes or no.")
    if kind in ("choice", "score"):
        code = _choice_lookup(column.choices or {}).get(text.lower())
        if code is None:
            if kind == "score":
                raise CellError("bad_score", "เลือกคำตอบ 1 ถึง 4", "Choose an answer from 1 to 4.")
            raise CellError(
                "bad_choice",
                "คำตอบไม่อยู่ในรายการ: " + ", ".join(column.choices or {}),
                "Not one of the answers: " + ", ".join(column.choices or {}),
            )
        return int(code) if kind == "score" else code
    if kind == "multiple":
        lookup = _choice_lookup(column.choices or {})
        codes = []
        for part in _SPLIT.split(text):
            if not part:
                continue
            code = lookup.get(part.lower())
            if code is None:
                raise CellError(
                    "bad_choice",
                    "รหัสความต้องการไม่อยู่ในรายการ: " + part,
                    "Unknown need code: " + part,
                )
            if code not in codes:
                codes.append(code)
        return codes
    if kind == "integer":
        try:
            return int(decimal.Decimal(text.replace(",", "")))
        except (decimal.InvalidOperation, ValueError):
            raise CellError("bad_number", "ต้องเป็นตัวเลข", "Enter a number.") from None
    if kind == "decimal":
        try:
            amount = decimal.Decimal(text.replace(",", ""))
        except decimal.InvalidOperation:
            raise CellError("bad_amount", "จำนวนเงินต้องเป็นตัวเลข", "Enter an amount.") from None
        if not amount.is_finite() or abs(amount) >= 10**10:
            raise CellError("bad_amount", "จำนวนเงินไม่ถูกต้อง", "The amount is not valid.")
        return str(amount.quantize(decimal.Decimal("0.01")))
    if kind == "date":
        try:
            return parse_thai_date(raw, today=today).isoformat()
        except ThaiDateError:
            raise CellError(
                "bad_date",
                "วันที่อ่านไม่ได้ ใช้รูปแบบ วัน/เดือน/ปี พ.ศ. เช่น 15/11/2568",
                "The date cannot be read; use day/month/year BE, such as 15/11/2568.",
            ) from None
    raise AssertionError(kind)


_READ_PLANS: dict[tuple[int, int], tuple] = {}
# Kinds whose cells repeat a few values over a file (answers, codes, amounts, dates): their
# values are remembered per column, by the cell's type and value, for the run.
_REMEMBERED_KINDS = {"yes_no", "choice", "score", "multiple", "integer", "decimal", "date"}
_REMEMBER_AT_MOST = 20_000  # values remembered per column


def forget_read_plans() -> None:
    """Drop the remembered plans and values (a run starts with this and ends with it, so a
    worker process keeps no earlier job's values)."""
    _READ_PLANS.clear()


def _read_plan(columns: list[Column], plan_columns: dict[str, int], today: dt.date):
    """((name, index, column, remembered values or None) of the mapped columns, the required
    columns); built once per (columns, plan, today): read_row runs for every row of the file."""
    cache_key = (id(columns), id(plan_columns))
    cached = _READ_PLANS.get(cache_key)
    if (
        cached is not None
        and cached[0] is columns
        and cached[1] is plan_columns
        and cached[2] == today
    ):
        return cached[3], cached[4]
    mapped = [
        (
            column.name,
            plan_columns[column.name],
            column,
            {} if column.kind in _REMEMBERED_KINDS else None,
        )
        for column in columns
        if plan_columns.get(column.name) is not None
    ]
    required = [column for column in columns if column.field.required]
    if len(_READ_PLANS) > 64:
        _READ_PLANS.clear()
    _READ_PLANS[cache_key] = (columns, plan_columns, today, mapped, required)
    return mapped, required


def read_row(columns: list[Column], plan_columns: dict[str, int], cells, *, today: dt.date):
    """(values by field, [RowError]) for one row of a sheet."""
    values: dict = {}
    errors: list[RowError] = []
    width = len(cells)
    mapped, required = _read_plan(columns, plan_columns, today)
    for name, index, column, remembered in mapped:
        if index >= width:
            continue
        raw = cells[index]
        if raw is None or raw == "":
            continue  # blank: read_cell's None
        if remembered is not None:
            key = (type(raw), raw)  # 1, 1.0 and True read differently
            try:
                value = remembered[key]
            except KeyError:
                pass
            except TypeError:  # not hashable: read as it is
                key = None
            else:
                if value is not None:
                    values[name] = list(value) if type(value) is list else value
                continue
        try:
            value = read_cell(column, raw, today=today)
            if remembered is not None and key is not None and len(remembered) < _REMEMBER_AT_MOST:
                remembered[key] = list(value) if type(value) is list else value
        except CellError as error:
            errors.append(
                RowError(column.name, _plain(raw)[:200], error.code, error.message_th,
                         error.message_en)
            )  # fmt: skip
            continue
        if value is not None:
            values[name] = value
    for column in required:
        if column.name not in values and not any(e.field == column.name for e in errors):
            errors.append(
                RowError(column.name, "", "required", f"ต้องกรอก {column.field.label_th}",
                         f"{column.field.label_en} is required.")
            )  # fmt: skip
    return values, errors
