import datetime as dt
from decimal import Decimal

import pytest

from households.registry_import.rules import (
    AddressResolver,
    RowReader,
    field_for_header,
    header_score,
    plan_columns,
)
from ppaos.imports.columns import layout_key
from tests.imports.files import THAI_HEADERS, bad_checksum, good_row, national_id

TODAY = dt.date(2026, 1, 15)


def reader(headers=THAI_HEADERS):
    return RowReader(plan_columns(headers), today=TODAY, resolver=AddressResolver())


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("เลขประจำตัวประชาชน", "national_id"),
        ("เลขประจำตัวประชาชน (13 หลัก)", "national_id"),
        ("National_ID", "national_id"),
        ("CID", "national_id"),
        (" ชื่อ ", "first_name"),
        ("First Name", "first_name"),
        ("นามสกุล", "last_name"),
        ("วัน/เดือน/ปีเกิด", "birth_date"),
        ("หมู่ที่", "village_number"),
        ("ม.", "village_number"),
        ("Tambon", "subdistrict"),
        ("รหัสไปรษณีย์", "postal_code"),
        ("รายได้ต่อปี (บาท)", "annual_income"),
        ("ลำดับ", None),
    ],
)
def test_headers_map_through_the_synonyms_table(header, field):
    assert field_for_header(header) == field


def test_a_title_row_scores_below_the_header_row():
    assert header_score(["ทะเบียนผู้มีสิทธิ์บัตรสวัสดิการแห่งรัฐ"]) == 0
    assert header_score(THAI_HEADERS) >= 10


def test_a_remembered_mapping_wins_over_synonyms():
    plan = plan_columns(
        ["เลขบัตร", "ชื่อ", "สกุล", "ที่อยู่ตำบล"], {"เลขบัตร": "national_id", "ที่อยู่ตำบล": "subdistrict"}
    )
    assert plan.columns == {"national_id": 0, "first_name": 1, "last_name": 2, "subdistrict": 3}
    assert plan.missing_required == ()


def test_unknown_and_missing_columns_are_reported():
    plan = plan_columns(["ชื่อ", "นามสกุล", "อาชีพหลัก"])
    assert plan.missing_required == ("national_id",)
    assert plan.unknown_headers == ("อาชีพหลัก",)


def test_layout_key_ignores_trailing_empty_headers_and_spacing():
    assert layout_key(["ชื่อ", "นามสกุล", "", ""]) == layout_key(["ชื่อ ", "นาม สกุล"])


def test_a_good_row_is_normalised():
    row, errors = reader().read(5, good_row(7, village=3))
    assert errors == []
    assert row.national_id == national_id(7)
    assert row.birth_date == dt.date(1977, 5, 12)  # BE 2520
    assert row.area_code == "49010103"  # subdistrict 490101 + หมู่ 3
    assert row.village_number == 3
    assert row.sex == "male"  # from the title นาย
    assert row.annual_income == Decimal("30000.00")
    assert row.row_number == 5


@pytest.mark.parametrize(
    "raw",
    ["1-4900-00000-07-2", "1 4900 00000 07 2", "๑๔๙๐๐๐๐๐๐๐๐๗๒", 1490000000072.0, 1490000000072],
)
def test_national_id_spellings_are_accepted(raw):
    assert national_id(7) == "1490000000072"
    cells = good_row(7)
    cells[1] = raw
    row, errors = reader().read(2, cells)
    assert errors == []
    assert row.national_id == "1490000000072"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1.49E+12", "scientific_notation"),
        (bad_checksum(national_id(7)), "bad_checksum"),
        ("", "required"),
    ],
)
def test_bad_national_ids_are_row_errors(raw, code):
    cells = good_row(7)
    cells[1] = raw
    row, errors = reader().read(2, cells)
    assert row is None
    assert [(e.field, e.code) for e in errors] == [("national_id", code)]
    assert errors[0].message_th and errors[0].message_en


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("29/02/2543", dt.date(2000, 2, 29)),  # BE leap day: CE 2000 is a leap year
        ("1987-12-25", dt.date(1987, 12, 25)),
        (32482, dt.date(1988, 12, 5)),  # spreadsheet serial
        ("๒๕ ธ.ค. ๒๕๓๐", dt.date(1987, 12, 25)),
        (dt.datetime(2530, 12, 25), dt.date(1987, 12, 25)),
    ],
)
def test_birth_dates_in_either_era_text_or_serial(raw, expected):
    cells = good_row(7)
    cells[5] = raw
    row, errors = reader().read(2, cells)
    assert errors == []
    assert row.birth_date == expected


def test_a_future_or_impossible_birth_date_is_a_row_error():
    cells = good_row(7)
    cells[5] = "01/01/2600"
    _, errors = reader().read(2, cells)
    assert [e.code for e in errors] == ["future_date"]
    cells[5] = "31/02/2530"
    _, errors = reader().read(2, cells)
    assert [e.code for e in errors] == ["bad_date"]
    assert "วันที่นี้ไม่มีอยู่จริง" in errors[0].message_th


def test_thai_digits_anywhere():
    cells = good_row(7)
    cells[7] = "หมู่ ๕"
    cells[11] = "๔๙๐๐๐"
    cells[12] = "๑๒,๐๐๐ บาท"
    row, errors = reader().read(2, cells)
    assert errors == []
    assert (row.village_number, row.postal_code, row.annual_income) == (
        5,
        "49000",
        Decimal("12000.00"),
    )


def test_an_unresolvable_address_is_a_row_error_not_a_crash():
    cells = good_row(7, subdistrict="ไม่มีตำบลนี้")
    row, errors = reader().read(2, cells)
    assert row is None
    assert [(e.field, e.code) for e in errors] == [("subdistrict", "address_not_found")]


def test_an_ambiguous_subdistrict_name_needs_the_district():
    headers = ["เลขประจำตัวประชาชน", "ชื่อ", "นามสกุล", "ตำบล"]
    _, errors = reader(headers).read(2, [national_id(7), "ก", "ข", "โพนทราย"])
    assert [e.code for e in errors] == ["address_ambiguous"]


def test_address_by_codes():
    headers = ["เลขประจำตัวประชาชน", "ชื่อ", "นามสกุล", "รหัสตำบล", "หมู่"]
    row, errors = reader(headers).read(2, [national_id(7), "ก", "ข", "490102", 12])
    assert errors == []
    assert row.area_code == "49010212"


def test_several_errors_in_one_row_are_all_reported():
    cells = good_row(7)
    cells[3] = ""
    cells[7] = 120
    cells[11] = "4900"
    _, errors = reader().read(2, cells)
    assert {e.code for e in errors} == {"required", "bad_village", "bad_postal_code"}


def test_phone_keeps_the_leading_zero_a_number_cell_dropped():
    headers = ["เลขประจำตัวประชาชน", "ชื่อ", "นามสกุล", "ตำบล", "อำเภอ", "โทรศัพท์"]
    row, errors = reader(headers).read(
        2, [national_id(7), "ก", "ข", "มุกดาหาร", "เมืองมุกดาหาร", 812345678.0]
    )
    assert errors == []
    assert row.phone == "0812345678"


def test_columns_after_the_mapped_ones_never_fill_unmapped_fields():
    headers = ["เลขประจำตัวประชาชน", "ชื่อ", "นามสกุล", "ตำบล", "อำเภอ", "หมายเหตุ", "อื่น ๆ"]
    cells = [national_id(7), "ก", "ข", "มุกดาหาร", "เมืองมุกดาหาร", "x", "31/02/2530"]
    row, errors = reader(headers).read(2, cells)
    assert errors == []
    assert (row.title, row.birth_date, row.phone, row.card_status) == (None, None, None, None)
