import datetime as dt
import decimal

import pytest

from ppaos.thai.thai_dates import (
    MESSAGES_EN,
    MESSAGES_TH,
    THAI_MONTH_ABBREVIATIONS,
    THAI_MONTHS,
    ThaiDateError,
    be_to_ce,
    ce_to_be,
    fiscal_year_be,
    format_thai_date,
    parse_thai_date,
)

DEC_25_1987 = dt.date(1987, 12, 25)
ERROR_CODES = {"empty", "unparseable", "out_of_range", "invalid_day"}


def error_code(value):
    with pytest.raises(ThaiDateError) as excinfo:
        parse_thai_date(value)
    return excinfo.value.code


# --- era conversion ---------------------------------------------------------------------------


@pytest.mark.parametrize(("be", "ce"), [(2530, 1987), (2543, 2000), (2568, 2025), (2400, 1857)])
def test_be_to_ce_subtracts_543(be, ce):
    assert be_to_ce(be) == ce


@pytest.mark.parametrize(("ce", "be"), [(1987, 2530), (2000, 2543), (2026, 2569)])
def test_ce_to_be_adds_543(ce, be):
    assert ce_to_be(ce) == be


# --- date objects -----------------------------------------------------------------------------


def test_date_object_in_ce_is_returned():
    assert parse_thai_date(DEC_25_1987) == DEC_25_1987


def test_datetime_returns_its_date():
    value = dt.datetime(1987, 12, 25, 10, 30, tzinfo=dt.UTC)
    assert parse_thai_date(value) == DEC_25_1987


def test_date_object_with_be_year_is_converted():
    assert parse_thai_date(dt.date(2530, 12, 25)) == DEC_25_1987


def test_datetime_with_be_year_is_converted():
    value = dt.datetime(2530, 12, 25, tzinfo=dt.UTC)
    assert parse_thai_date(value) == DEC_25_1987


def test_date_object_with_be_year_whose_ce_date_does_not_exist_is_invalid_day():
    # BE 2544 is a Gregorian leap year but CE 2001 is not.
    assert error_code(dt.date(2544, 2, 29)) == "invalid_day"


@pytest.mark.parametrize("value", [dt.date(1700, 1, 1), dt.date(2300, 1, 1), dt.date(2800, 1, 1)])
def test_date_object_out_of_range(value):
    assert error_code(value) == "out_of_range"


# --- spreadsheet serials ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, dt.date(1900, 1, 1)),
        (59, dt.date(1900, 2, 28)),
        (61, dt.date(1900, 3, 1)),  # the day after Excel's fictitious 1900-02-29
        (32482, dt.date(1988, 12, 5)),
        (45292, dt.date(2024, 1, 1)),  # known reference: =DATE(2024,1,1) is 45292 in Excel
        (99999, dt.date(2173, 10, 13)),
    ],
)
def test_int_serial(serial, expected):
    assert parse_thai_date(serial) == expected


@pytest.mark.parametrize("value", [45292.0, 45292.75, decimal.Decimal("45292.5")])
def test_float_serial_ignores_time_fraction(value):
    assert parse_thai_date(value) == dt.date(2024, 1, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("32482", dt.date(1988, 12, 5)),
        ("32482.0", dt.date(1988, 12, 5)),
        (" 45292 ", dt.date(2024, 1, 1)),
        ("45292.5", dt.date(2024, 1, 1)),
        ("๓๒๔๘๒", dt.date(1988, 12, 5)),
        ("61", dt.date(1900, 3, 1)),
    ],
)
def test_numeric_string_serial(value, expected):
    assert parse_thai_date(value) == expected


@pytest.mark.parametrize("value", [60, 60.5, "60", "60.0"])
def test_serial_60_is_excels_fictitious_leap_day(value):
    assert error_code(value) == "invalid_day"


@pytest.mark.parametrize("value", [0, -1, 0.5, 100000, 2958465, 25301225, float("inf")])
def test_number_outside_serial_range_is_out_of_range(value):
    assert error_code(value) == "out_of_range"


@pytest.mark.parametrize("value", ["25301225", "123456", "32,482", "32 482", "-5"])
def test_numeric_strings_longer_than_5_digits_or_with_separators_are_not_serials(value):
    assert error_code(value) == "unparseable"


def test_bool_is_not_a_serial():
    assert error_code(True) == "unparseable"


# --- numeric day/month/year -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "25/12/2530",
        "25-12-2530",
        "25.12.2530",
        "25 12 2530",
        "25/12/1987",
        "25-12-1987",
        " 25 / 12 / 2530 ",
        "25/12/2530 0:00:00",
        "25/12/2530 10:30",
    ],
)
def test_day_month_year(value):
    assert parse_thai_date(value) == DEC_25_1987


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5/1/2530", dt.date(1987, 1, 5)),
        ("05/01/2530", dt.date(1987, 1, 5)),
        ("5.1.1987", dt.date(1987, 1, 5)),
    ],
)
def test_day_and_month_with_one_or_two_digits(value, expected):
    assert parse_thai_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5/1/30", dt.date(1987, 1, 5)),  # BE 2530
        ("25/12/30", DEC_25_1987),
        ("1/1/00", dt.date(1957, 1, 1)),  # BE 2500
        ("1/1/43", dt.date(2000, 1, 1)),  # BE 2543
        ("31/12/99", dt.date(2056, 12, 31)),  # BE 2599
        ("25-Dec-87", dt.date(2044, 12, 25)),  # BE 2587, even with an English month
    ],
)
def test_two_digit_year_is_be_25xx(value, expected):
    assert parse_thai_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1/1/2400", dt.date(1857, 1, 1)),  # lowest BE year
        ("31/12/2742", dt.date(2199, 12, 31)),  # highest BE year in range
        ("1/1/1800", dt.date(1800, 1, 1)),
        ("31/12/2199", dt.date(2199, 12, 31)),
        ("25/12/2025", dt.date(2025, 12, 25)),
    ],
)
def test_four_digit_year_is_be_from_2400_and_ce_below(value, expected):
    assert parse_thai_date(value) == expected


@pytest.mark.parametrize(
    "value", ["31/12/1799", "1/1/2200", "31/12/2399", "1/1/2743", "1/1/1000", "1/1/9999"]
)
def test_year_outside_ce_1800_2199_after_conversion_is_out_of_range(value):
    assert error_code(value) == "out_of_range"


@pytest.mark.parametrize("value", ["1/1/5", "1/1/530", "1/1/25300", "123/1/2530", "1/123/2530"])
def test_numbers_with_wrong_digit_counts_are_unparseable(value):
    assert error_code(value) == "unparseable"


def test_future_dates_are_not_rejected():
    assert parse_thai_date("1/1/2700") == dt.date(2157, 1, 1)


def test_today_argument_does_not_reject_future_dates():
    assert parse_thai_date("1/1/2600", today=dt.date(2024, 1, 1)) == dt.date(2057, 1, 1)


# --- ISO order --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["2530-12-25", "1987-12-25", "2530/12/25", "1987/12/25", "1987-12-25T00:00:00"]
)
def test_iso_year_month_day(value):
    assert parse_thai_date(value) == DEC_25_1987


# --- leap days and impossible dates -----------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["29/02/2543", "29-02-2543", "2543-02-29", "29 ก.พ. 2543", "29 กุมภาพันธ์ 2543"]
)
def test_leap_day_of_be_2543_is_ce_2000_02_29(value):
    # BE 2543 is not itself a Gregorian leap year: the year must be converted first.
    assert parse_thai_date(value) == dt.date(2000, 2, 29)


@pytest.mark.parametrize("value", ["29/02/2542", "29 ก.พ. 2542", "29/02/1999", "29/02/2544"])
def test_leap_day_in_a_non_leap_ce_year_is_invalid_day(value):
    assert error_code(value) == "invalid_day"


@pytest.mark.parametrize(
    "value", ["32/12/2530", "0/12/2530", "31/04/2530", "25/13/2530", "25/0/2530", "30 ก.พ. 2530"]
)
def test_impossible_day_or_month_is_invalid_day(value):
    assert error_code(value) == "invalid_day"


# --- Thai month names -------------------------------------------------------------------------


@pytest.mark.parametrize("month", range(1, 13))
def test_every_thai_full_month_name(month):
    assert parse_thai_date(f"1 {THAI_MONTHS[month - 1]} 2543") == dt.date(2000, month, 1)


@pytest.mark.parametrize(
    ("abbreviation", "month"),
    [
        ("ม.ค.", 1),
        ("ก.พ.", 2),
        ("มี.ค.", 3),
        ("เม.ย.", 4),
        ("พ.ค.", 5),
        ("มิ.ย.", 6),
        ("ก.ค.", 7),
        ("ส.ค.", 8),
        ("ก.ย.", 9),
        ("ต.ค.", 10),
        ("พ.ย.", 11),
        ("ธ.ค.", 12),
    ],
)
def test_every_thai_month_abbreviation(abbreviation, month):
    assert parse_thai_date(f"1 {abbreviation} 2543") == dt.date(2000, month, 1)


@pytest.mark.parametrize(
    ("abbreviation", "month"),
    [
        ("มค", 1),
        ("กพ", 2),
        ("มีค", 3),
        ("เมย", 4),
        ("พค", 5),
        ("มิย", 6),
        ("กค", 7),
        ("สค", 8),
        ("กย", 9),
        ("ตค", 10),
        ("พย", 11),
        ("ธค", 12),
    ],
)
def test_every_thai_month_abbreviation_without_dots(abbreviation, month):
    assert parse_thai_date(f"1 {abbreviation} 43") == dt.date(2000, month, 1)


@pytest.mark.parametrize(
    "value",
    [
        "25 ธันวาคม 2530",
        "25 ธ.ค. 2530",
        "25 ธ.ค.2530",
        "25ธ.ค.2530",
        "25 ธ.ค 2530",
        "25 ธค 2530",
        "25 ธค 30",
        "25 ธ.ค. 30",
        "25-ธ.ค.-2530",
        "25 เดือนธันวาคม 2530",
    ],
)
def test_thai_month_with_and_without_dots_and_spaces(value):
    assert parse_thai_date(value) == DEC_25_1987


@pytest.mark.parametrize("value", ["25 กรกฏาคม 2530", "25 กรกฎาคม 2530"])
def test_common_misspelling_of_july_is_accepted(value):
    assert parse_thai_date(value) == dt.date(1987, 7, 25)


@pytest.mark.parametrize("value", ["25 ธันวา 2530", "25 ธ. 2530", "25 xyz 2530"])
def test_unknown_month_word_is_unparseable(value):
    assert error_code(value) == "unparseable"


# --- era markers and day-of-week prefix -------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "25 ธันวาคม พ.ศ. 2530",
        "25 ธ.ค. พ.ศ.2530",
        "25 ธันวาคม พศ 2530",
        "25 ธันวาคม ปี พ.ศ. 2530",
        "25 ธันวาคม ค.ศ. 1987",
        "25 ธันวาคม คศ 1987",
        "25 Dec 1987 A.D.",
        "25 Dec 2530 B.E.",
    ],
)
def test_era_markers_are_accepted(value):
    assert parse_thai_date(value) == DEC_25_1987


def test_be_marker_forces_be_for_a_four_digit_year_below_2400():
    # "พ.ศ. 2343" is BE even though 2343 alone would be read as CE.
    assert parse_thai_date("1 ม.ค. พ.ศ. 2343") == dt.date(1800, 1, 1)


def test_be_marker_with_two_digit_year():
    assert parse_thai_date("25 ธ.ค. พ.ศ. 30") == DEC_25_1987


def test_ce_marker_with_be_sized_year_is_out_of_range():
    assert error_code("25 ธันวาคม ค.ศ. 2530") == "out_of_range"


@pytest.mark.parametrize("value", ["25 ธันวาคม ค.ศ. 87", "25 ธ.ค. พ.ศ. 2530 ค.ศ. 1987"])
def test_ambiguous_era_is_unparseable(value):
    assert error_code(value) == "unparseable"


@pytest.mark.parametrize(
    "value",
    [
        "วันศุกร์ที่ 25 ธันวาคม 2530",
        "วันศุกร์ที่ 25 ธันวาคม พ.ศ. 2530",
        "วันศุกร์ 25 ธ.ค. 2530",
        "วันที่ 25 ธันวาคม 2530",
        "ที่ 25 ธ.ค. 30",
        "วันพฤหัสบดีที่ 25 ธ.ค. 2530",  # the weekday is not cross-checked
    ],
)
def test_day_of_week_prefix_is_ignored(value):
    assert parse_thai_date(value) == DEC_25_1987


# --- Thai digits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "๒๕ ธันวาคม ๒๕๓๐",
        "๒๕ ธ.ค. ๒๕๓๐",
        "๒๕/๑๒/๒๕๓๐",
        "๒๕๓๐-๑๒-๒๕",
        "วันศุกร์ที่ ๒๕ ธันวาคม พ.ศ. ๒๕๓๐",
        "25/๑๒/2530",
    ],
)
def test_thai_digits_are_converted(value):
    assert parse_thai_date(value) == DEC_25_1987


def test_thai_digits_in_leap_day():
    assert parse_thai_date("๒๙/๐๒/๒๕๔๓") == dt.date(2000, 2, 29)


def test_thai_new_year_2543():
    assert parse_thai_date("1 ม.ค. 2543") == dt.date(2000, 1, 1)


# --- English month names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "25 Dec 1987",
        "25 December 1987",
        "25 dec 1987",
        "25 DEC. 1987",
        "25-Dec-1987",
        "25 Dec 2530",
        "December 25, 1987",
        "Dec 25 1987",
        "Dec. 25, 1987",
        "Friday, 25 December 1987",
        "Friday, December 25th, 1987",
        "1987-Dec-25",
    ],
)
def test_english_month_names(value):
    assert parse_thai_date(value) == DEC_25_1987


@pytest.mark.parametrize(
    ("name", "month"), [("Sept", 9), ("September", 9), ("May", 5), ("Feb", 2), ("July", 7)]
)
def test_english_month_variants(name, month):
    assert parse_thai_date(f"1 {name} 2000") == dt.date(2000, month, 1)


# --- empty and garbage ------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", "\u200b", float("nan")])
def test_empty_input(value):
    assert error_code(value) == "empty"


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "25/12",
        "ธันวาคม 2530",
        "25 ธันวาคม",
        "25/12/2530/1",
        "25/12/2530 extra",
        "1.10170E+12",
        "25_12_2530",
        "12:30",
        b"25/12/2530",
        [25, 12, 2530],
    ],
)
def test_garbage_is_unparseable(value):
    assert error_code(value) == "unparseable"


def test_four_digit_string_is_a_serial():
    # Up to 5 bare digits are a spreadsheet serial, so a bare year is read as a day count.
    assert parse_thai_date("2530") == dt.date(1906, 12, 4)


def test_error_is_a_value_error_with_code_and_messages():
    with pytest.raises(ThaiDateError) as excinfo:
        parse_thai_date("abc")
    error = excinfo.value
    assert isinstance(error, ValueError)
    assert error.code == "unparseable"
    assert str(error) == MESSAGES_EN["unparseable"]
    assert error.message_th == MESSAGES_TH["unparseable"]


def test_messages_exist_for_every_code_in_both_languages():
    assert set(MESSAGES_EN) == ERROR_CODES
    assert set(MESSAGES_TH) == ERROR_CODES


def test_unknown_error_code_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        ThaiDateError("nope")


# --- formatting -------------------------------------------------------------------------------


def test_month_tuples_have_twelve_entries():
    assert len(THAI_MONTHS) == 12
    assert len(THAI_MONTH_ABBREVIATIONS) == 12


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (DEC_25_1987, "25 ธ.ค. 2530"),
        (dt.date(2000, 1, 1), "1 ม.ค. 2543"),
        (dt.date(2000, 2, 29), "29 ก.พ. 2543"),
    ],
)
def test_format_thai_date_short(value, expected):
    assert format_thai_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (DEC_25_1987, "25 ธันวาคม 2530"),
        (dt.date(2000, 1, 1), "1 มกราคม 2543"),
    ],
)
def test_format_thai_date_long(value, expected):
    assert format_thai_date(value, style="long") == expected


def test_format_thai_date_rejects_unknown_style():
    with pytest.raises(ValueError, match="style"):
        format_thai_date(DEC_25_1987, style="medium")


@pytest.mark.parametrize("month", range(1, 13))
@pytest.mark.parametrize("style", ["short", "long"])
def test_format_then_parse_round_trips(month, style):
    value = dt.date(2000, month, 28)
    assert parse_thai_date(format_thai_date(value, style=style)) == value


# --- fiscal year ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2026, 9, 30), 2569),
        (dt.date(2026, 10, 1), 2570),
        (dt.date(2026, 1, 1), 2569),
        (dt.date(2025, 12, 31), 2569),
        (dt.date(2025, 10, 1), 2569),
        (dt.date(2025, 9, 30), 2568),
    ],
)
def test_fiscal_year_starts_on_1_october(value, expected):
    assert fiscal_year_be(value) == expected
