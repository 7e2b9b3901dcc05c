import pytest

from ppaos.thai.thai_digits import THAI_DIGITS, has_thai_digits, to_arabic_digits, to_thai_digits


def test_thai_digits_constant_is_zero_to_nine_in_order():
    assert THAI_DIGITS == "๐๑๒๓๔๕๖๗๘๙"
    assert [ord(char) - ord("๐") for char in THAI_DIGITS] == list(range(10))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("๐๑๒๓๔๕๖๗๘๙", "0123456789"),
        ("๑-๑๐๑๗-๐๐๒๐๗-๐๓-๐", "1-1017-00207-03-0"),
        ("บ้านเลขที่ ๑๒/๓ หมู่ ๔", "บ้านเลขที่ 12/3 หมู่ 4"),
        ("25 ธ.ค. ๒๕๓๐", "25 ธ.ค. 2530"),
    ],
)
def test_to_arabic_digits_replaces_thai_digits_anywhere(text, expected):
    assert to_arabic_digits(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "0123456789", "ธันวาคม", "١٢٣", "１２３"])
def test_to_arabic_digits_leaves_other_characters_unchanged(text):
    assert to_arabic_digits(text) == text


def test_to_thai_digits_replaces_arabic_digits():
    assert to_thai_digits("25 ธ.ค. 2530") == "๒๕ ธ.ค. ๒๕๓๐"


def test_digit_conversions_round_trip():
    text = "เลขที่ 0123456789"
    assert to_arabic_digits(to_thai_digits(text)) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("๑", True),
        ("abc ๙", True),
        ("", False),
        ("123", False),
        ("ธันวาคม", False),
    ],
)
def test_has_thai_digits(text, expected):
    assert has_thai_digits(text) is expected
