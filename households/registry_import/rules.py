"""The welfare-registry importer's rules: columns, header synonyms, and how one row is read.

Pure Python (no Django): what the importer accepts is decided here and tested on its own.

Columns (DOMAIN.md §3). Required: national ID, first name, last name. Everything else is
optional; a column that is absent or a cell that is empty never overwrites what the database
already holds (the upsert keeps the old value).

Header synonyms
---------------
A header cell is matched after `header_key()` clean-up (ppaos/imports/columns.py: Thai digits to
Arabic, lower case, spaces and punctuation removed, so "เลขประจำตัวประชาชน (13 หลัก)" and
"National_ID" both match; the text before a bracket is tried too). The table below is the
documentation: add a spelling here and every import learns it. A layout whose headers are not
all known can be mapped by the admin once; that mapping is remembered for the layout
(`ColumnMapping`) and wins over this table.

====================  ==========================================================================
field                 accepted headers (after clean-up)
====================  ==========================================================================
national_id           เลขประจำตัวประชาชน, เลขบัตรประชาชน, เลขบัตรประจำตัวประชาชน, เลขที่บัตรประชาชน,
                      รหัสประจำตัวประชาชน, เลขประชาชน, บัตรประชาชน, pid, cid, citizenid,
                      nationalid, idcard, idcardno, idno, nid
title                 คำนำหน้า, คำนำหน้าชื่อ, คำนำหน้านาม, title, prefix, prename
first_name            ชื่อ, ชื่อจริง, firstname, name, fname, givenname
last_name             นามสกุล, สกุล, lastname, surname, lname, familyname
birth_date            วันเกิด, วันเดือนปีเกิด, วันที่เกิด, วดปเกิด, birthdate, dateofbirth, dob, birthday
sex                   เพศ, sex, gender
house_number          บ้านเลขที่, เลขที่บ้าน, เลขที่, houseno, housenumber, addressno
village_number        หมู่, หมู่ที่, หมู่บ้านที่, ม, moo, villageno, villagenumber
subdistrict           ตำบล, ตำบลแขวง, แขวง, รหัสตำบล, subdistrict, subdistrictcode, tambon
district              อำเภอ, อำเภอเขต, เขต, รหัสอำเภอ, district, districtcode, amphoe, amphur
province              จังหวัด, รหัสจังหวัด, province, provincecode, changwat
postal_code           รหัสไปรษณีย์, ไปรษณีย์, postalcode, postcode, zipcode, zip
phone                 โทรศัพท์, เบอร์โทร, เบอร์โทรศัพท์, หมายเลขโทรศัพท์, โทร, phone, telephone, tel,
                      mobile
annual_income         รายได้ต่อปี, รายได้, รายได้บาทต่อปี, รายได้ต่อปีบาท, annualincome, income
card_status           สถานะ, สถานะบัตร, สถานะบัตรสวัสดิการ, ผลการลงทะเบียน, cardstatus, status
registration_date     วันที่ลงทะเบียน, วันลงทะเบียน, registrationdate, registereddate, registeredon
====================  ==========================================================================

Normalising rules (each failure is a row error with a Thai and an English message; the row is
rejected and the others go on)
-------------------------------------------------------------------------------------------------
* National ID: dashes, spaces, Thai digits and spreadsheet numbers are accepted
  (`ppaos.thai.thai_id`); scientific notation and a failed checksum are rejected.
* Dates: Buddhist era or CE, text or spreadsheet serials (`ppaos.thai.thai_dates`); a birth date
  in the future is rejected.
* Sex: ชาย/หญิง/ช/ญ/male/female/m/f/1/2; when empty it follows an unambiguous title (นาย → male).
* Village number: 1–99 ("หมู่ 5", "ม.5", "๕" are read as 5).
* Address: subdistrict, district and province as names or codes, narrowed by the postal code,
  resolved with geothai. The area is the village (subdistrict code + หมู่) when the village
  number is known, else the lowest level given. No match, or several, is a row error.
* Postal code: 5 digits. Phone: 9–10 digits starting with 0 (a leading 0 the spreadsheet dropped
  is restored). Income: a non-negative number, "12,000" and "12000 บาท" accepted.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import geothai

from ppaos.imports.columns import ColumnPlan, HeaderMatcher, RowError
from ppaos.imports.columns import ImportField as Field
from ppaos.thai import thai_dates, thai_id
from ppaos.thai.thai_digits import to_arabic_digits

# --------------------------------------------------------------------------------------------
# Fields


FIELDS: tuple[Field, ...] = (
    Field("national_id", "National ID", "เลขประจำตัวประชาชน", required=True),
    Field("title", "Title", "คำนำหน้า"),
    Field("first_name", "First name", "ชื่อ", required=True),
    Field("last_name", "Last name", "นามสกุล", required=True),
    Field("birth_date", "Birth date", "วันเกิด"),
    Field("sex", "Sex", "เพศ"),
    Field("house_number", "House number", "บ้านเลขที่"),
    Field("village_number", "Village number", "หมู่ที่"),
    Field("subdistrict", "Subdistrict", "ตำบล"),
    Field("district", "District", "อำเภอ"),
    Field("province", "Province", "จังหวัด"),
    Field("postal_code", "Postal code", "รหัสไปรษณีย์"),
    Field("phone", "Phone", "โทรศัพท์"),
    Field("annual_income", "Annual income", "รายได้ต่อปี"),
    Field("card_status", "Card status", "สถานะบัตร"),
    Field("registration_date", "Registration date", "วันที่ลงทะเบียน"),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
REQUIRED_FIELDS = tuple(f.name for f in FIELDS if f.required)
ADDRESS_FIELDS = ("subdistrict", "district", "province")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "national_id": (
        "เลขประจำตัวประชาชน",
        "เลขบัตรประชาชน",
        "เลขบัตรประจำตัวประชาชน",
        "เลขที่บัตรประชาชน",
        "รหัสประจำตัวประชาชน",
        "เลขประชาชน",
        "บัตรประชาชน",
        "pid",
        "cid",
        "citizenid",
        "nationalid",
        "idcard",
        "idcardno",
        "idno",
        "nid",
    ),
    "title": ("คำนำหน้า", "คำนำหน้าชื่อ", "คำนำหน้านาม", "title", "prefix", "prename"),
    "first_name": ("ชื่อ", "ชื่อจริง", "firstname", "name", "fname", "givenname"),
    "last_name": ("นามสกุล", "สกุล", "lastname", "surname", "lname", "familyname"),
    "birth_date": (
        "วันเกิด",
        "วันเดือนปีเกิด",
        "วันที่เกิด",
        "วดปเกิด",
        "birthdate",
        "dateofbirth",
        "dob",
        "birthday",
    ),
    "sex": ("เพศ", "sex", "gender"),
    "house_number": ("บ้านเลขที่", "เลขที่บ้าน", "เลขที่", "houseno", "housenumber", "addressno"),
    "village_number": ("หมู่", "หมู่ที่", "หมู่บ้านที่", "ม", "moo", "villageno", "villagenumber"),
    "subdistrict": (
        "ตำบล",
        "ตำบลแขวง",
        "แขวง",
        "รหัสตำบล",
        "subdistrict",
        "subdistrictcode",
        "tambon",
    ),
    "district": (
        "อำเภอ",
        "อำเภอเขต",
        "เขต",
        "รหัสอำเภอ",
        "district",
        "districtcode",
        "amphoe",
        "amphur",
    ),
    "province": ("จังหวัด", "รหัสจังหวัด", "province", "provincecode", "changwat"),
    "postal_code": ("รหัสไปรษณีย์", "ไปรษณีย์", "postalcode", "postcode", "zipcode", "zip"),
    "phone": (
        "โทรศัพท์",
        "เบอร์โทร",
        "เบอร์โทรศัพท์",
        "หมายเลขโทรศัพท์",
        "โทร",
        "phone",
        "telephone",
        "tel",
        "mobile",
    ),
    "annual_income": (
        "รายได้ต่อปี",
        "รายได้",
        "รายได้บาทต่อปี",
        "รายได้ต่อปีบาท",
        "annualincome",
        "income",
    ),
    "card_status": (
        "สถานะ",
        "สถานะบัตร",
        "สถานะบัตรสวัสดิการ",
        "ผลการลงทะเบียน",
        "cardstatus",
        "status",
    ),
    "registration_date": (
        "วันที่ลงทะเบียน",
        "วันลงทะเบียน",
        "registrationdate",
        "registereddate",
        "registeredon",
    ),
}

_MATCHER = HeaderMatcher(FIELDS, SYNONYMS)
field_for_header = _MATCHER.field_for_header  # the field a header names, or None
plan_columns = _MATCHER.plan_columns  # header cells → ColumnPlan (remembered mapping first)
header_score = _MATCHER.header_score  # how many cells of a row are known headers


def has_address(plan: ColumnPlan) -> bool:
    """Whether the file names an address column (a registrant must be placed in an area)."""
    return any(name in plan.columns for name in ADDRESS_FIELDS)


# --------------------------------------------------------------------------------------------
# Messages (Thai for the admins who fix the rows; English alongside)

ROW_MESSAGES: dict[str, tuple[str, str]] = {
    # code: (Thai, English)
    "required": ("ต้องกรอก{label_th}", "{label_en} is required."),
    "too_long": (
        "{label_th}ยาวเกิน {limit} ตัวอักษร",
        "{label_en} is longer than {limit} characters.",
    ),
    "bad_date": ("{label_th}: {detail_th}", "{label_en}: {detail_en}"),
    "future_date": ("{label_th}อยู่ในอนาคต", "{label_en} is in the future."),
    "bad_sex": (
        "เพศไม่ถูกต้อง (ใช้ ชาย หรือ หญิง)",
        "Sex is not recognised (use male or female, ชาย or หญิง).",
    ),
    "bad_village": ("หมู่ที่ต้องเป็นตัวเลข 1–99", "Village number must be a number from 1 to 99."),
    "bad_postal_code": ("รหัสไปรษณีย์ต้องมี 5 หลัก", "Postal code must have 5 digits."),
    "bad_phone": (
        "หมายเลขโทรศัพท์ต้องมี 9–10 หลักและขึ้นต้นด้วย 0",
        "Phone number must have 9–10 digits and start with 0.",
    ),
    "bad_income": (
        "รายได้ต้องเป็นจำนวนเงินที่ไม่ติดลบ",
        "Annual income must be a non-negative amount.",
    ),
    "address_missing": (
        "ไม่มีที่อยู่ (ตำบล อำเภอ หรือจังหวัด)",
        "The address is missing (subdistrict, district or province).",
    ),
    "address_not_found": (
        "ไม่พบที่อยู่นี้ในทะเบียนพื้นที่ กรุณาตรวจสอบชื่อตำบล อำเภอ จังหวัด",
        "This address does not match any official area; check the subdistrict, district and "
        "province names.",
    ),
    "address_ambiguous": (
        "ชื่อตำบลนี้ซ้ำกับหลายพื้นที่ กรุณาระบุอำเภอและจังหวัด",
        "This subdistrict name matches several areas; add the district and province.",
    ),
    "duplicate_id": (
        "เลขประจำตัวประชาชนซ้ำกับแถวที่ {first_row} ในไฟล์เดียวกัน (เก็บแถวที่ {first_row} ไว้)",
        "The same national ID appears in row {first_row} of this file (row {first_row} is kept).",
    ),
}


def row_message(code: str, field: str = "", **params) -> tuple[str, str]:
    """(Thai, English) message for a row error code."""
    spec = FIELDS_BY_NAME.get(field)
    params.setdefault("label_th", spec.label_th if spec else field)
    params.setdefault("label_en", spec.label_en if spec else field)
    thai, english = ROW_MESSAGES[code]
    return thai.format(**params), english.format(**params)


def _error(field: str, value: object, code: str, **params) -> RowError:
    thai, english = row_message(code, field, **params)
    return RowError(field, _display(value), code, thai, english)


def _display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)[:200]


# --------------------------------------------------------------------------------------------
# Addresses


class AddressResolver:
    """Resolves written addresses to area codes with geothai, remembering every answer (a
    registry export repeats a few hundred addresses a million times)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, str, str], tuple[str, str] | str] = {}

    def resolve(self, subdistrict: str, district: str, province: str, postal: str):
        """(area code, level) or an error code ("address_missing", "address_not_found",
        "address_ambiguous")."""
        key = (subdistrict, district, province, postal)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._resolve(subdistrict, district, province, postal)
        return cached

    @staticmethod
    def _name_of_code(text: str, getter: Callable, length: int) -> tuple[str | None, str]:
        """For a code-looking value: (code, "") when it exists, else (None, "")."""
        if len(text) == length and text.isdigit():
            found = getter(text)
            return (found.code if found else None), ""
        return None, text

    def _resolve(self, subdistrict: str, district: str, province: str, postal: str):
        if not (subdistrict or district or province):
            return "address_missing"
        province_code = district_code = None
        if province.isdigit():
            province_code, province = self._name_of_code(province, geothai.province, 2)
            if province_code is None:
                return "address_not_found"
        if district.isdigit():
            district_code, district = self._name_of_code(district, geothai.district, 4)
            if district_code is None:
                return "address_not_found"
        if subdistrict.isdigit():
            found = geothai.subdistrict(subdistrict) if len(subdistrict) == 6 else None
            if found is None:
                return "address_not_found"
            candidates = [found.code]
        elif subdistrict:
            matches = geothai.match(
                subdistrict,
                district=district or None,
                province=province or None,
                postal_code=postal or None,
            )
            candidates = [a.subdistrict.code for a in matches]
        else:
            candidates = []
        if subdistrict:
            candidates = [
                c
                for c in candidates
                if (district_code is None or c.startswith(district_code))
                and (province_code is None or c.startswith(province_code))
            ]
            if not candidates:
                return "address_not_found"
            if len(candidates) > 1:
                return "address_ambiguous"
            return candidates[0], "subdistrict"
        # No subdistrict: the lowest level given.
        if district_code:
            if province_code and not district_code.startswith(province_code):
                return "address_not_found"
            return district_code, "district"
        if district:
            provinces = [
                p
                for p in geothai.provinces()
                if not (province or province_code) or _same_province(p, province, province_code)
            ]
            found = [
                d.code
                for p in provinces
                for d in geothai.districts(p.code)
                if _clean_place(district) in {_clean_place(d.name_th), _clean_place(d.name_en)}
                or (_clean_place(district) == "เมือง" and d.name_th.startswith("เมือง"))
            ]
            if len(found) == 1:
                return found[0], "district"
            return "address_ambiguous" if found else "address_not_found"
        if province_code:
            return province_code, "province"
        found = [p.code for p in geothai.provinces() if _same_province(p, province, None)]
        return (found[0], "province") if found else "address_not_found"


_PLACE_PREFIX_RE = re.compile(r"^(จังหวัด|จ\.|อำเภอ|อ\.|เขต|ตำบล|ต\.|แขวง)\s*")


def _clean_place(text: str) -> str:
    return _PLACE_PREFIX_RE.sub("", text.strip()).replace(" ", "").lower()


def _same_province(province, name: str, code: str | None) -> bool:
    if code:
        return province.code == code
    cleaned = _clean_place(name)
    return cleaned in {_clean_place(province.name_th), _clean_place(province.name_en)}


# --------------------------------------------------------------------------------------------
# Cells

_SPACES_RE = re.compile(r"\s+")
_DIGITS_RE = re.compile(r"\d+")
_MALE = frozenset({"ชาย", "ช", "male", "m", "1", "นาย", "ด.ช.", "เด็กชาย"})
_FEMALE = frozenset({"หญิง", "ญ", "female", "f", "2", "นาง", "นางสาว", "น.ส.", "ด.ญ.", "เด็กหญิง"})
_TITLE_SEX = {
    "นาย": "male",
    "เด็กชาย": "male",
    "ด.ช.": "male",
    "mr": "male",
    "mr.": "male",
    "นาง": "female",
    "นางสาว": "female",
    "น.ส.": "female",
    "เด็กหญิง": "female",
    "ด.ญ.": "female",
    "mrs": "female",
    "mrs.": "female",
    "ms": "female",
    "ms.": "female",
    "miss": "female",
}


def _text(value: object) -> str:
    """A cell as clean text: Thai digits to Arabic, whitespace collapsed, integral floats whole."""
    if value is None:
        return ""
    if isinstance(value, str):
        if not value:
            return ""
        text = to_arabic_digits(value) if not value.isascii() else value
        text = text.strip()
        if "  " in text or "\n" in text or "\t" in text:
            text = _SPACES_RE.sub(" ", text)
        return text
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


@dataclass(slots=True)
class RegistrantRow:
    """One valid row, ready for staging. Optional values are None when not given."""

    row_number: int
    national_id: str
    title: str | None
    first_name: str
    last_name: str
    birth_date: dt.date | None
    sex: str | None
    house_number: str | None
    village_number: int | None
    area_code: str
    postal_code: str | None
    phone: str | None
    annual_income: decimal.Decimal | None
    card_status: str | None
    registration_date: dt.date | None


_TEXT_LIMITS = {
    "title": 30,
    "first_name": 100,
    "last_name": 100,
    "house_number": 20,
    "card_status": 50,
}


_FIELD_ORDER = tuple(f.name for f in FIELDS)
_MEMO_LIMIT = 300_000  # distinct cell values remembered per field and file
_TWO_DIGITS = tuple(f"{n:02d}" for n in range(100))


class _Memo(dict):
    """cell value → `parse(value)`, remembered for text cells (and None, and datetimes when
    asked): a registry export repeats its names, places, dates and titles endlessly.

    Only keys that equal nothing of another type are stored (str, None, datetime), so a lookup
    with a number or a bool never finds a text's answer (True == 1 == 1.0 in Python).
    """

    __slots__ = ("parse", "kinds")

    def __init__(self, parse: Callable, *, dates: bool = False) -> None:
        super().__init__()
        self.parse = parse
        self.kinds = (str, type(None), dt.datetime) if dates else (str, type(None))

    def __missing__(self, value):
        result = self.parse(value)
        if value.__class__ in self.kinds and len(self) < _MEMO_LIMIT:
            self[value] = result
        return result


class _NoMemo:
    """Stands in for `_Memo` for a row with an unhashable cell (never from the readers)."""

    __slots__ = ("parse",)

    def __init__(self, memo: _Memo) -> None:
        self.parse = memo.parse

    def __getitem__(self, value):
        return self.parse(value)


def _text_field(name: str) -> Callable:
    limit = _TEXT_LIMITS[name]

    def parse(raw: object) -> tuple[str, RowError | None]:
        text = _text(raw)
        return text, (_error(name, raw, "too_long", limit=limit) if len(text) > limit else None)

    return parse


def _title_field(raw: object) -> tuple[str, RowError | None, str | None]:
    """(title, too-long error, the sex the title implies)."""
    text, error = _text_field("title")(raw)
    return text, error, _TITLE_SEX.get(text.lower()) if text else None


def _sex_field(raw: object) -> tuple[str | None, RowError | None]:
    """(sex, error); (None, None) when empty (the title may then tell)."""
    key = _text(raw)
    if not key:
        return None, None
    key = key.lower()
    if key in _MALE:
        return "male", None
    if key in _FEMALE:
        return "female", None
    return None, _error("sex", raw, "bad_sex")


def _village_field(raw: object) -> tuple[int | None, RowError | None]:
    if raw is None or raw == "":
        return None, None
    number = None
    if raw.__class__ is float and raw.is_integer():
        whole = int(raw)
        number = whole if 1 <= whole <= 99 else None
    else:
        digits = _DIGITS_RE.findall(_text(raw))
        if len(digits) == 1 and 1 <= int(digits[0]) <= 99:
            number = int(digits[0])
    return number, (_error("village_number", raw, "bad_village") if number is None else None)


def _postal_field(raw: object) -> tuple[str | None, RowError | None]:
    postal = _text(raw)
    if not postal:
        return None, None
    postal = postal.replace(" ", "")
    if len(postal) == 5 and postal.isdigit():
        return postal, None
    return None, _error("postal_code", raw, "bad_postal_code")


def _phone_field(raw: object) -> tuple[str | None, RowError | None]:
    if raw is None or raw == "":
        return None, None
    digits = "".join(_DIGITS_RE.findall(_text(raw)))
    if raw.__class__ is not str and len(digits) in (8, 9) and digits[0] != "0":
        digits = "0" + digits  # a number cell drops the leading 0
    if len(digits) in (9, 10) and digits[0] == "0":
        return digits, None
    return None, _error("phone", raw, "bad_phone")


def _income_field(raw: object) -> tuple[decimal.Decimal | None, RowError | None]:
    if raw is None or raw == "" or not _text(raw):
        return None, None
    amount = _money(raw)
    return amount, (_error("annual_income", raw, "bad_income") if amount is None else None)


class RowReader:
    """Reads data rows with a fixed column plan; `read(row_number, cells)` → (row or None, errors).

    Built once per file: the cells of a row are picked in one C call, and what each field's
    cell means (cleaned text, date, sex, village, postal code, amount, address, or the row
    error it causes) is remembered per distinct value, so a well-formed row costs a few dict
    look-ups. The rules themselves are the `_*_field` functions above.
    """

    def __init__(
        self, plan: ColumnPlan, *, today: dt.date, resolver: AddressResolver | None = None
    ):
        self.columns = plan.columns
        self.today = today
        self.resolver = resolver or AddressResolver()
        # Unmapped fields read a padding cell past the last mapped column.
        self.width = max(plan.columns.values(), default=-1) + 2
        pad = self.width - 1
        self._padding = [None] * self.width
        self._pick = operator.itemgetter(*(plan.columns.get(f, pad) for f in _FIELD_ORDER))
        # Every field mapped: a row long enough is picked from directly, without padding.
        self._direct = all(f in plan.columns for f in _FIELD_ORDER)
        self._money: dict[float, decimal.Decimal | None] = {}
        self._memos = (
            _Memo(_title_field),
            _Memo(_text_field("first_name")),
            _Memo(_text_field("last_name")),
            _Memo(_text_field("house_number")),
            _Memo(_text_field("card_status")),
            _Memo(self._date_field("birth_date"), dates=True),
            _Memo(self._date_field("registration_date"), dates=True),
            _Memo(_sex_field),
            _Memo(_village_field),
            _Memo(_postal_field),
            _Memo(_phone_field),
            _Memo(self._income_field),
        )
        self._addresses: dict[tuple, tuple[str, str] | RowError] = {}

    def _date_field(self, name: str) -> Callable:
        today = self.today

        def parse(raw: object) -> tuple[dt.date | None, RowError | None]:
            if raw is None or raw == "":
                return None, None
            try:
                parsed = thai_dates.parse_thai_date(raw.strip() if raw.__class__ is str else raw)
            except thai_dates.ThaiDateError as exc:
                if exc.code == "empty":
                    return None, None
                return None, _error(
                    name,
                    raw,
                    "bad_date",
                    detail_th=thai_dates.MESSAGES_TH[exc.code],
                    detail_en=thai_dates.MESSAGES_EN[exc.code],
                )
            if parsed > today:
                return None, _error(name, raw, "future_date")
            return parsed, None

        return parse

    def _income_field(self, raw: object) -> tuple[decimal.Decimal | None, RowError | None]:
        if raw.__class__ is float:  # numbers repeat too; floats are remembered apart from text
            try:
                return self._money[raw]
            except KeyError:
                result = _income_field(raw)
                if raw == raw and len(self._money) < _MEMO_LIMIT:
                    self._money[raw] = result
                return result
        return _income_field(raw)

    def _address(self, raw_sub, raw_district, raw_province, postal: str):
        """(area code, level) or the row error, remembered for text cells."""
        key = (raw_sub, raw_district, raw_province, postal)
        try:
            return self._addresses[key]
        except KeyError:
            pass
        except TypeError:
            key = None
        address = (_text(raw_sub), _text(raw_district), _text(raw_province))
        resolved = self.resolver.resolve(*address, postal)
        if resolved.__class__ is str:
            column = next(
                (n for n, v in zip(ADDRESS_FIELDS, address, strict=True) if v), "subdistrict"
            )
            resolved = _error(column, " / ".join(v for v in address if v), resolved)
        if (
            key is not None
            and len(self._addresses) < _MEMO_LIMIT
            and all(v is None or v.__class__ is str for v in key[:3])
        ):
            self._addresses[key] = resolved
        return resolved

    def read(self, row_number: int, cells: Sequence[object]):
        if self._direct and len(cells) >= self.width - 1:
            picked = self._pick(cells)
        else:
            # Cut the row after the last mapped column and pad it: unmapped fields read None.
            padded = list(cells[: self.width - 1])
            padded.extend(self._padding[: self.width - len(padded)])
            picked = self._pick(padded)
        try:
            return self._read(row_number, picked, self._memos)
        except TypeError:  # an unhashable cell: nothing remembered for this row
            return self._read(row_number, picked, tuple(_NoMemo(m) for m in self._memos))

    def _read(self, row_number: int, picked: tuple, memos: tuple):
        (
            raw_id, raw_title, raw_first, raw_last, raw_birth, raw_sex, raw_house, raw_village,
            raw_sub, raw_district, raw_province, raw_postal, raw_phone, raw_income, raw_status,
            raw_registered,
        ) = picked  # fmt: skip
        (
            titles, first_names, last_names, houses, statuses, births, registrations, sexes,
            villages, postals, phones, incomes,
        ) = memos  # fmt: skip
        errors: list[RowError] = []

        national_id = _national_id(raw_id, errors)

        # Errors in the order of the rules: too long (by field), required, dates, sex, ...
        title, error, title_sex = titles[raw_title]
        if error is not None:
            errors.append(error)
        first_name, error = first_names[raw_first]
        if error is not None:
            errors.append(error)
        last_name, error = last_names[raw_last]
        if error is not None:
            errors.append(error)
        house_number, error = houses[raw_house]
        if error is not None:
            errors.append(error)
        card_status, error = statuses[raw_status]
        if error is not None:
            errors.append(error)
        if not first_name:
            errors.append(_error("first_name", raw_first, "required"))
        if not last_name:
            errors.append(_error("last_name", raw_last, "required"))

        birth_date, error = births[raw_birth]
        if error is not None:
            errors.append(error)
        registration_date, error = registrations[raw_registered]
        if error is not None:
            errors.append(error)

        sex, error = sexes[raw_sex]
        if error is not None:
            errors.append(error)
        elif sex is None:
            sex = title_sex

        if raw_village.__class__ is float and raw_village.is_integer() and 1 <= raw_village <= 99:
            village_number = int(raw_village)
        else:
            village_number, error = villages[raw_village]
            if error is not None:
                errors.append(error)

        postal_code, error = postals[raw_postal]
        if error is not None:
            errors.append(error)

        if (
            raw_phone.__class__ is str
            and len(raw_phone) == 10
            and raw_phone[0] == "0"
            and raw_phone.isdigit()
            and raw_phone.isascii()
        ):
            phone = raw_phone  # the usual mobile number, already clean
        else:
            phone, error = phones[raw_phone]
            if error is not None:
                errors.append(error)

        if raw_income.__class__ is float:  # amounts are number cells: remembered apart
            outcome = self._money.get(raw_income)
            income, error = outcome if outcome is not None else self._income_field(raw_income)
        else:
            income, error = incomes[raw_income]
        if error is not None:
            errors.append(error)

        resolved = self._address(raw_sub, raw_district, raw_province, postal_code or "")
        area_code = ""
        if resolved.__class__ is RowError:
            errors.append(resolved)
        else:
            area_code, level = resolved
            if village_number is not None and level == "subdistrict":
                area_code += _TWO_DIGITS[village_number]

        if errors:
            return None, errors
        return (
            RegistrantRow(
                row_number,
                national_id,
                title or None,
                first_name,
                last_name,
                birth_date,
                sex,
                house_number or None,
                village_number,
                area_code,
                postal_code,
                phone,
                income,
                card_status or None,
                registration_date,
            ),
            errors,
        )


_CHECKSUM_ERROR = (
    thai_id.MESSAGES_TH["bad_checksum"],
    thai_id.MESSAGES_EN["bad_checksum"],
)


def _national_id(raw: object, errors: list) -> str:
    """The 13 digits of a national ID cell, or "" with the row error added."""
    if raw.__class__ is str:
        # The usual cells: 13 digits, or 13 digits with dashes ("1-4901-00234-56-7").
        digits = raw if len(raw) == 13 else raw.replace("-", "")
        if len(digits) == 13 and digits.isdigit() and digits.isascii():
            if thai_id.has_valid_check_digit(digits):
                return digits
            errors.append(RowError("national_id", raw[:200], "bad_checksum", *_CHECKSUM_ERROR))
            return ""
    try:
        return thai_id.normalize_national_id(raw)
    except thai_id.NationalIdError as exc:
        if exc.code == "empty":
            errors.append(_error("national_id", raw, "required"))
        else:
            errors.append(
                RowError("national_id", _display(raw), exc.code, exc.message_th, exc.message)
            )
        return ""


_MONEY_JUNK_RE = re.compile(r"[,\s]|บาท|฿")


def _money(value: object) -> decimal.Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return None
        amount = decimal.Decimal(str(value))
    else:
        text = _MONEY_JUNK_RE.sub("", _text(value))
        try:
            amount = decimal.Decimal(text)
        except decimal.InvalidOperation:
            return None
    if not amount.is_finite() or amount < 0 or amount >= decimal.Decimal("1e10"):
        return None
    return amount.quantize(decimal.Decimal("0.01"))
