import decimal

import pytest

from ppaos.thai.thai_id import (
    MESSAGES_EN,
    MESSAGES_TH,
    NationalIdError,
    format_national_id,
    is_valid_national_id,
    mask_national_id,
    national_id_check_digit,
    normalize_national_id,
)

VALID_IDS = ["1101700207030", "1112034563562", "3012304567082"]
# Starts with 0 (person without registration status) and passes mod 11.
LEADING_ZERO_ID = "0123456789016"
ERROR_CODES = {"empty", "scientific_notation", "bad_characters", "wrong_length", "bad_checksum"}


def error_code(value):
    with pytest.raises(NationalIdError) as excinfo:
        normalize_national_id(value)
    return excinfo.value.code


# --- valid values -----------------------------------------------------------------------------


@pytest.mark.parametrize("nid", VALID_IDS)
def test_valid_ids_are_returned_unchanged(nid):
    assert normalize_national_id(nid) == nid


def test_leading_zero_id_that_passes_checksum_is_valid():
    assert normalize_national_id(LEADING_ZERO_ID) == LEADING_ZERO_ID


@pytest.mark.parametrize(
    "value",
    [
        "1-1017-00207-03-0",
        "1 1017 00207 03 0",
        "1–1017–00207–03–0",  # en dash
        "1—1017—00207—03—0",  # em dash
        "1‑1017‑00207‑03‑0",  # non-breaking hyphen
        "1 - 1017 - 00207 - 03 - 0",
        "1.1017.00207.03.0",
    ],
)
def test_group_separators_are_removed(value):
    assert normalize_national_id(value) == "1101700207030"


@pytest.mark.parametrize(
    "value",
    [
        "  1101700207030  ",
        "\t1101700207030\n",
        "1101700207030\u00a0",  # no-break space
        "1\u00a01017\u00a000207\u00a003\u00a00",
        "1101700\u200b207030",  # zero-width space
        "\ufeff1101700207030",  # byte-order mark
    ],
)
def test_whitespace_including_no_break_and_zero_width_is_removed(value):
    assert normalize_national_id(value) == "1101700207030"


@pytest.mark.parametrize("value", ["๑๑๐๑๗๐๐๒๐๗๐๓๐", "๑-๑๐๑๗-๐๐๒๐๗-๐๓-๐", "11017๐๐2๐7๐3๐"])
def test_thai_digits_are_converted(value):
    assert normalize_national_id(value) == "1101700207030"


@pytest.mark.parametrize("value", ["1101700207030.0", "1101700207030.00", " 1101700207030.0 "])
def test_spreadsheet_text_with_trailing_zero_fraction_is_accepted(value):
    assert normalize_national_id(value) == "1101700207030"


def test_int_is_accepted():
    assert normalize_national_id(1101700207030) == "1101700207030"


def test_integral_float_from_spreadsheet_cell_is_accepted():
    assert normalize_national_id(1101700207030.0) == "1101700207030"


def test_integral_decimal_is_accepted():
    assert normalize_national_id(decimal.Decimal("1101700207030")) == "1101700207030"


# --- rejected values --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", "\u00a0", "\u200b", "---", float("nan")])
def test_empty_values_are_rejected_as_empty(value):
    assert error_code(value) == "empty"


@pytest.mark.parametrize(
    "value",
    [
        "1.10170E+12",
        "1.1017E12",
        "1,10170E+12",
        "1.10170e+012",
        "1.10170E+012",
        "1.10170 E+12",
        "1E+12",
        "๑.๑๐๑๗๐E+๑๒",
    ],
)
def test_scientific_notation_is_rejected(value):
    assert error_code(value) == "scientific_notation"


@pytest.mark.parametrize(
    "value",
    [
        "110170020703O",  # letter O for zero
        "ID1101700207030",
        "1101700207030x",
        "1,101,700,207,030",
        "'1101700207030",
        "+1101700207030",
        "1/1017/00207/03/0",
        "๑๑๐๑๗๐๐๒๐๗๐๓๐ก",
        "١١٠١٧٠٠٢٠٧٠٣٠",  # Arabic-Indic digits are not accepted
    ],
)
def test_other_characters_are_rejected_as_bad_characters(value):
    assert error_code(value) == "bad_characters"


@pytest.mark.parametrize(
    "value",
    [
        "110170020703",
        "11017002070300",
        "1-1017-00207-03",
        "1",
        "110170020703.0",  # 12 digits written as a decimal number
        "1101700207030.5",  # a dot that is not ".0" is a separator: 14 digits
    ],
)
def test_strings_that_are_not_13_digits_are_rejected_as_wrong_length(value):
    assert error_code(value) == "wrong_length"


@pytest.mark.parametrize("value", [110170020703, 11017002070300, 0, 123456789016])
def test_ints_that_are_not_13_digits_are_rejected_as_wrong_length(value):
    # 123456789016 is LEADING_ZERO_ID stored as a number: the leading 0 is lost.
    assert error_code(value) == "wrong_length"


def test_negative_int_is_rejected():
    assert error_code(-1101700207030) == "bad_characters"


def test_bool_is_rejected():
    assert error_code(True) == "bad_characters"


@pytest.mark.parametrize("value", [1101700207030.5, float("inf"), float("-inf"), -1101700207030.0])
def test_non_integral_infinite_or_negative_float_is_rejected(value):
    assert error_code(value) == "bad_characters"


def test_float_with_wrong_digit_count_is_rejected():
    assert error_code(110170020703.0) == "wrong_length"


def test_float_above_2_pow_53_is_rejected_as_possibly_mangled():
    assert error_code(float(2**53 + 2)) == "wrong_length"


def test_non_integral_decimal_is_rejected():
    assert error_code(decimal.Decimal("1101700207030.5")) == "bad_characters"


@pytest.mark.parametrize("value", [b"1101700207030", ["1101700207030"], object()])
def test_unsupported_types_are_rejected(value):
    assert error_code(value) == "bad_characters"


@pytest.mark.parametrize(
    "value", ["1101700230705", "1101700207031", 1101700207031, "1-1017-00207-03-1"]
)
def test_bad_checksum_is_rejected(value):
    assert error_code(value) == "bad_checksum"


# --- is_valid_national_id ---------------------------------------------------------------------


@pytest.mark.parametrize("value", [*VALID_IDS, LEADING_ZERO_ID, "1-1017-00207-03-0", 1101700207030])
def test_is_valid_national_id_true(value):
    assert is_valid_national_id(value) is True


@pytest.mark.parametrize(
    "value", [None, "", "1101700230705", "1.10170E+12", "abc", 12, 1.5, object(), float("nan")]
)
def test_is_valid_national_id_false_never_raises(value):
    assert is_valid_national_id(value) is False


# --- check digit ------------------------------------------------------------------------------


@pytest.mark.parametrize("nid", [*VALID_IDS, LEADING_ZERO_ID])
def test_check_digit_matches_last_digit_of_valid_ids(nid):
    assert national_id_check_digit(nid[:12]) == int(nid[12])


@pytest.mark.parametrize(
    ("first12", "expected"),
    [
        ("000000000000", 1),  # s = 0: (11 - 0) % 10 == 1
        ("000000000210", 1),  # s = 2*4 + 1*3 = 11: s % 11 == 0 -> 1
        ("000000000300", 0),  # s = 3*4 = 12: s % 11 == 1 -> (11 - 1) % 10 == 0
        ("000000000011", 6),  # s = 1*3 + 1*2 = 5 -> 6
        ("100000000000", 9),  # s = 13: s % 11 == 2 -> 9
    ],
)
def test_check_digit_formula_edges(first12, expected):
    assert national_id_check_digit(first12) == expected


def test_check_digit_accepts_thai_digits():
    assert national_id_check_digit("๑๑๐๑๗๐๐๒๐๗๐๓") == 0


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("11017002070", "wrong_length"),
        ("1101700207030", "wrong_length"),
        ("11017002070a", "bad_characters"),
        ("", "bad_characters"),
    ],
)
def test_check_digit_requires_exactly_12_digits(value, code):
    with pytest.raises(NationalIdError) as excinfo:
        national_id_check_digit(value)
    assert excinfo.value.code == code


# --- formatting and masking -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1101700207030", "1-1017-00207-03-0"),
        ("3012304567082", "3-0123-04567-08-2"),
        (1101700207030, "1-1017-00207-03-0"),
        ("๑๑๐๑๗๐๐๒๐๗๐๓๐", "1-1017-00207-03-0"),
        ("1 1017 00207 03 0", "1-1017-00207-03-0"),
        (LEADING_ZERO_ID, "0-1234-56789-01-6"),
    ],
)
def test_format_national_id_uses_1_4_5_2_1_grouping(value, expected):
    assert format_national_id(value) == expected


def test_format_national_id_does_not_check_checksum():
    assert format_national_id("1101700230705") == "1-1017-00230-70-5"


@pytest.mark.parametrize(
    ("value", "code"),
    [("123", "wrong_length"), ("", "empty"), ("1.10170E+12", "scientific_notation")],
)
def test_format_national_id_rejects_non_ids(value, code):
    with pytest.raises(NationalIdError) as excinfo:
        format_national_id(value)
    assert excinfo.value.code == code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1101700207030", "1-1017-xxxxx-xx-0"),
        ("1112034563562", "1-1120-xxxxx-xx-2"),
        ("1-1017-00207-03-0", "1-1017-xxxxx-xx-0"),
        (1101700207030, "1-1017-xxxxx-xx-0"),
    ],
)
def test_mask_national_id_keeps_first_five_and_check_digit(value, expected):
    assert mask_national_id(value) == expected


def test_mask_national_id_hides_the_personal_digits():
    masked = mask_national_id("1101700207030")
    assert "00207" not in masked
    assert masked.count("x") == 7


def test_mask_national_id_rejects_non_ids():
    with pytest.raises(NationalIdError):
        mask_national_id("12345")


# --- error object -----------------------------------------------------------------------------


def test_error_is_a_value_error_with_english_message():
    with pytest.raises(ValueError, match="13 digits"):
        normalize_national_id("123")


def test_error_exposes_thai_message():
    with pytest.raises(NationalIdError) as excinfo:
        normalize_national_id("123")
    assert excinfo.value.message_th == "เลขประจำตัวประชาชนต้องมี 13 หลัก"


def test_messages_exist_for_every_code_in_both_languages():
    assert set(MESSAGES_EN) == ERROR_CODES
    assert set(MESSAGES_TH) == ERROR_CODES


def test_error_message_does_not_contain_the_id():
    with pytest.raises(NationalIdError) as excinfo:
        normalize_national_id("1101700230705")
    assert "1101700230705" not in str(excinfo.value)


def test_unknown_error_code_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        NationalIdError("nope")
