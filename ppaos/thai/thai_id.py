"""Thai 13-digit national ID (เลขประจำตัวประชาชน): normalisation, checksum, display.

Checksum (mod 11), over digits ``d[0..12]``::

    s = sum(d[i] * (13 - i) for i in range(12))     # weights 13, 12, ..., 2
    check = (11 - s % 11) % 10
    valid iff check == d[12]

The first digit (person type) is not checked: IDs starting with 0 that pass the checksum are
valid (persons without registration status).

Error messages never contain the ID itself, so they can be logged and shown in import error
reports without leaking personal data (PDPA).
"""

import decimal
import math
import numbers
import operator
import re

from ppaos.thai.thai_digits import to_arabic_digits

ID_LENGTH = 13

MESSAGES_EN: dict[str, str] = {
    "empty": "National ID is required.",
    "scientific_notation": (
        "National ID is in scientific notation (e.g. 1.10170E+12), so its digits were lost. "
        "Format the spreadsheet column as text and enter the full 13-digit ID again."
    ),
    "bad_characters": (
        "National ID may contain only digits; spaces and dashes are allowed as separators."
    ),
    "wrong_length": "National ID must have 13 digits.",
    "bad_checksum": "National ID is invalid: the check digit does not match. Please check it.",
}

MESSAGES_TH: dict[str, str] = {
    "empty": "กรุณากรอกเลขประจำตัวประชาชน",
    "scientific_notation": (
        "เลขประจำตัวประชาชนอยู่ในรูปแบบสัญกรณ์วิทยาศาสตร์ (เช่น 1.10170E+12) ทำให้ตัวเลขสูญหาย "
        "กรุณาตั้งรูปแบบคอลัมน์ในสเปรดชีตเป็นข้อความ แล้วกรอกเลข 13 หลักใหม่"
    ),
    "bad_characters": "เลขประจำตัวประชาชนต้องเป็นตัวเลขเท่านั้น (เว้นวรรคหรือขีดคั่นได้)",
    "wrong_length": "เลขประจำตัวประชาชนต้องมี 13 หลัก",
    "bad_checksum": "เลขประจำตัวประชาชนไม่ถูกต้อง (หลักตรวจสอบไม่ตรง) กรุณาตรวจสอบอีกครั้ง",
}

# Largest integer up to which every integer is exactly representable as an IEEE-754 double.
_FLOAT_EXACT_LIMIT = 2**53

# Whitespace str.split() does not know about but that copy-paste from web pages and PDFs brings.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_SEPARATORS_TABLE = str.maketrans("", "", _DASHES + ".")

# "1.10170E+12", "1.1017E12", "1,10170E+12" (decimal comma), "1.10170e+012".
_SCIENTIFIC_RE = re.compile(r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+")
# Spreadsheet text of an integer: "1101700207030.0". A single dot followed only by zeros.
_INTEGER_WITH_ZERO_FRACTION_RE = re.compile(r"(\d+)\.0+")
_ASCII_DIGITS_RE = re.compile(r"[0-9]+")


class NationalIdError(ValueError):
    """A value is not a valid Thai national ID.

    ``code`` is one of ``MESSAGES_EN`` keys ("empty", "scientific_notation", "bad_characters",
    "wrong_length", "bad_checksum"); callers translate by code (``MESSAGES_TH[code]``).
    """

    def __init__(self, code: str, message: str | None = None) -> None:
        if code not in MESSAGES_EN:
            raise ValueError(f"unknown NationalIdError code: {code!r}")
        self.code = code
        self.message = message or MESSAGES_EN[code]
        super().__init__(self.message)

    @property
    def message_th(self) -> str:
        """The Thai message for this error's code."""
        return MESSAGES_TH[self.code]


_WEIGHTS = tuple(range(13, 1, -1))
# The bytes of ASCII digits are the digits plus 48 ("0"): their weighted sum is 48 * 90 more.
_ZERO_WEIGHT = ord("0") * sum(_WEIGHTS)


def _checksum_digit(first12: str) -> int:
    # 12 ASCII digits (the callers check). map/mul over the bytes rather than int() per digit:
    # the bulk import checks a million IDs per file.
    total = sum(map(operator.mul, first12.encode("ascii"), _WEIGHTS)) - _ZERO_WEIGHT
    return (11 - total % 11) % 10


def has_valid_check_digit(digits: str) -> bool:
    """Whether the 13th digit is the check digit of the first 12, for a value that is already
    exactly 13 ASCII digits (the caller checks; this is the bulk import's fast path, with no
    clean-up). Anything else: use ``normalize_national_id`` / ``is_valid_national_id``."""
    codes = digits.encode("ascii")
    total = sum(map(operator.mul, codes, _WEIGHTS)) - _ZERO_WEIGHT
    return (11 - total % 11) % 10 == codes[12] - 48


def _digits_from_int(value: int) -> str:
    if value < 0:
        raise NationalIdError("bad_characters")
    digits = str(value)
    if len(digits) != ID_LENGTH:
        raise NationalIdError("wrong_length")
    return digits


def _digits_from_float(value: float) -> str:
    # NaN is how pandas represents an empty spreadsheet cell.
    if math.isnan(value):
        raise NationalIdError("empty")
    if math.isinf(value) or not value.is_integer():
        raise NationalIdError("bad_characters")
    # Above 2**53 a double cannot hold every integer, so the value may already have been rounded
    # by the spreadsheet or reader and its last digits cannot be trusted. (Any such number also has
    # 16+ digits, so it could never be an ID; the guard keeps that reasoning explicit.)
    if abs(value) > _FLOAT_EXACT_LIMIT:
        raise NationalIdError("wrong_length")
    # int() of an integral float below 2**53 is exact: 1101700207030.0 -> 1101700207030.
    return _digits_from_int(int(value))


def _digits_from_str(value: str) -> str:
    text = to_arabic_digits(value)
    # Remove every kind of whitespace (spaces, tabs, no-break spaces...) and zero-width characters.
    text = "".join(char for char in text if not char.isspace() and char not in _ZERO_WIDTH)
    if not text:
        raise NationalIdError("empty")
    if _SCIENTIFIC_RE.fullmatch(text):
        raise NationalIdError("scientific_notation")
    # A single dot followed only by zeros is a decimal number, not a group separator:
    # "1101700207030.0" -> "1101700207030". A dot-grouped ID ("1.1017.00207.03.0") has several
    # dots and falls through to separator removal below.
    zero_fraction = _INTEGER_WITH_ZERO_FRACTION_RE.fullmatch(text)
    if zero_fraction:
        text = zero_fraction.group(1)
    else:
        text = text.translate(_SEPARATORS_TABLE)
        if not text:
            raise NationalIdError("empty")
    if not _ASCII_DIGITS_RE.fullmatch(text):
        raise NationalIdError("bad_characters")
    if len(text) != ID_LENGTH:
        raise NationalIdError("wrong_length")
    return text


def _thirteen_digits(value: object) -> str:
    """Clean ``value`` to 13 ASCII digits without checking the checksum."""
    if value is None:
        raise NationalIdError("empty")
    if isinstance(value, str):
        return _digits_from_str(value)
    if isinstance(value, bool):
        raise NationalIdError("bad_characters")
    if isinstance(value, numbers.Integral):
        return _digits_from_int(int(value))
    if isinstance(value, decimal.Decimal):
        if value.is_nan():
            raise NationalIdError("empty")
        if not value.is_finite() or value != value.to_integral_value():
            raise NationalIdError("bad_characters")
        return _digits_from_int(int(value))
    if isinstance(value, numbers.Real):
        return _digits_from_float(float(value))
    raise NationalIdError("bad_characters")


def normalize_national_id(value: object) -> str:
    """Return the 13-digit string for a Thai national ID, or raise ``NationalIdError``.

    Rules, in order:

    * ``None`` or a blank string -> ``empty`` (so does a float NaN: pandas' empty cell).
    * ``str``: Thai digits become 0–9; all whitespace (incl. no-break and zero-width spaces) is
      removed. Scientific notation ("1.10170E+12", "1.1017E12", "1,10170E+12", "1.10170e+012")
      -> ``scientific_notation``: the spreadsheet already dropped digits, nothing can be
      recovered. A single trailing ".0" (spreadsheet text of an integer, "1101700207030.0") is
      dropped. Otherwise dashes (- – — ‑ and similar) and dots are group separators and removed.
      Anything left that is not 0–9 (letters, commas, signs, apostrophes...) -> ``bad_characters``.
    * ``int``: must be positive and exactly 13 digits long. An ID with a leading 0 stored as a
      number has lost that 0 and is rejected (``wrong_length``): we cannot know the 0 was there.
    * ``float`` (e.g. 1101700207030.0 from a spreadsheet cell): accepted only when finite,
      integral and at most 2**53 (beyond that a double cannot represent every integer, so the
      digits may have been rounded); then treated as the int. ``decimal.Decimal`` likewise.
    * Not exactly 13 digits -> ``wrong_length``; checksum mismatch -> ``bad_checksum``.
    """
    digits = _thirteen_digits(value)
    if _checksum_digit(digits[:12]) != int(digits[12]):
        raise NationalIdError("bad_checksum")
    return digits


def is_valid_national_id(value: object) -> bool:
    """True when ``normalize_national_id(value)`` succeeds; never raises."""
    try:
        normalize_national_id(value)
    except NationalIdError:
        return False
    return True


def national_id_check_digit(first12: str) -> int:
    """Return the check digit (13th digit) for the first 12 digits of an ID.

    Thai digits are accepted. Raises ``NationalIdError`` (``bad_characters`` / ``wrong_length``)
    unless ``first12`` is exactly 12 digits.
    """
    digits = to_arabic_digits(first12)
    if not _ASCII_DIGITS_RE.fullmatch(digits):
        raise NationalIdError("bad_characters")
    if len(digits) != ID_LENGTH - 1:
        raise NationalIdError("wrong_length", "The first 12 digits of a national ID are needed.")
    return _checksum_digit(digits)


def format_national_id(nid: object) -> str:
    """Format an ID in the official 1-4-5-2-1 grouping: "1-1017-00207-03-0".

    Accepts whatever ``normalize_national_id`` accepts. The checksum is deliberately not
    checked, so legacy records with a wrong check digit can still be displayed; anything that is
    not 13 digits raises ``NationalIdError``.
    """
    d = _thirteen_digits(nid)
    return f"{d[0]}-{d[1:5]}-{d[5:10]}-{d[10:12]}-{d[12]}"


def mask_national_id(nid: object) -> str:
    """Mask an ID for lists and exports (PDPA): "1-1017-xxxxx-xx-0".

    Keeps the first 5 digits (person type and registration office) and the check digit; hides the
    7 digits that identify the person. Same input rules as ``format_national_id``.
    """
    d = _thirteen_digits(nid)
    return f"{d[0]}-{d[1:5]}-xxxxx-xx-{d[12]}"
