"""Buddhist-era (พ.ศ.) dates: parsing what Thai users and spreadsheets write, and formatting.

Buddhist era year = CE year + 543 (for the whole year: Thailand moved New Year to 1 January in
CE 1941, so modern dates need no month-dependent offset).

The year is always converted to CE *before* a ``date`` is built. Never give a BE year to
``strptime`` or ``date()``: BE 2543 is not a Gregorian leap year, but 29/02/2543 is CE
2000-02-29, a real date.
"""

import datetime as dt
import decimal
import math
import numbers
import re

from ppaos.thai.thai_digits import to_arabic_digits

BE_OFFSET = 543
# Years from this value on are Buddhist era (BE 2400 = CE 1857); below it they are CE.
BE_THRESHOLD = 2400
# Parsed dates must fall in these CE years; anything else is a typo or a wrong era.
MIN_CE_YEAR = 1800
MAX_CE_YEAR = 2199

# Excel's 1900 date system. Serial 1 = 1900-01-01. Excel copies a Lotus 1-2-3 bug and treats 1900
# as a leap year, so serial 60 is the fictitious 1900-02-29 and every serial after it is one day
# ahead of a plain day count. Serials are accepted only with at most 5 integer digits
# (1..99999 = 1900-01-01..2173-10-13), so an 8-digit "25301225" is never taken for a serial.
EXCEL_FAKE_LEAP_DAY_SERIAL = 60
MIN_SERIAL = 1
MAX_SERIAL = 99_999
_EXCEL_EPOCH_BEFORE_LEAP_BUG = dt.date(1899, 12, 31)  # serials 1..59
_EXCEL_EPOCH_AFTER_LEAP_BUG = dt.date(1899, 12, 30)  # serials 61..

THAI_MONTHS: tuple[str, ...] = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)

THAI_MONTH_ABBREVIATIONS: tuple[str, ...] = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)

_ENGLISH_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

MESSAGES_EN: dict[str, str] = {
    "empty": "Date is required.",
    "unparseable": "Date is not in a recognised format (e.g. 25/12/2530 or 25 ธ.ค. 2530).",
    "out_of_range": "Date year is out of range; check the year and its era (B.E. or C.E.).",
    "invalid_day": "This date does not exist in the calendar (check the day and month).",
}

MESSAGES_TH: dict[str, str] = {
    "empty": "กรุณากรอกวันที่",
    "unparseable": "รูปแบบวันที่ไม่ถูกต้อง (ตัวอย่าง 25/12/2530 หรือ 25 ธ.ค. 2530)",
    "out_of_range": "ปีไม่อยู่ในช่วงที่รับได้ กรุณาตรวจสอบปีและศักราช (พ.ศ. หรือ ค.ศ.)",
    "invalid_day": "วันที่นี้ไม่มีอยู่จริงในปฏิทิน กรุณาตรวจสอบวันและเดือน",
}


class ThaiDateError(ValueError):
    """A value cannot be read as a date.

    ``code`` is one of "empty", "unparseable", "out_of_range", "invalid_day"; callers translate
    by code (``MESSAGES_TH[code]``).
    """

    def __init__(self, code: str, message: str | None = None) -> None:
        if code not in MESSAGES_EN:
            raise ValueError(f"unknown ThaiDateError code: {code!r}")
        self.code = code
        self.message = message or MESSAGES_EN[code]
        super().__init__(self.message)

    @property
    def message_th(self) -> str:
        """The Thai message for this error's code."""
        return MESSAGES_TH[self.code]


def _month_lookup() -> dict[str, int]:
    lookup: dict[str, int] = {}
    for number, (full, abbreviation) in enumerate(
        zip(THAI_MONTHS, THAI_MONTH_ABBREVIATIONS, strict=True), start=1
    ):
        lookup[full] = number
        lookup[abbreviation.replace(".", "")] = number
    for number, name in enumerate(_ENGLISH_MONTHS, start=1):
        lookup[name] = number
        lookup[name[:3]] = number
    lookup["sept"] = 9
    # Common misspellings: ฏ for ฎ in กรกฎาคม; the silent ์ left off กุมภาพันธ์.
    lookup["กรกฏาคม"] = 7
    lookup["กุมภาพันธ"] = 2
    return lookup


_MONTHS_BY_NAME = _month_lookup()


def be_to_ce(year: int) -> int:
    """Buddhist-era year -> CE year (subtract 543)."""
    return year - BE_OFFSET


def ce_to_be(year: int) -> int:
    """CE year -> Buddhist-era year (add 543)."""
    return year + BE_OFFSET


def fiscal_year_be(d: dt.date) -> int:
    """Thai government fiscal year (ปีงบประมาณ, BE) of a date.

    The fiscal year starts on 1 October and is named after the calendar year it ends in:
    2026-09-30 is in FY 2569, 2026-10-01 is in FY 2570.
    """
    return ce_to_be(d.year + (1 if d.month >= 10 else 0))


def format_thai_date(d: dt.date, *, style: str = "short") -> str:
    """Format a date with a BE year: "short" -> "25 ธ.ค. 2530", "long" -> "25 ธันวาคม 2530"."""
    if style == "short":
        month = THAI_MONTH_ABBREVIATIONS[d.month - 1]
    elif style == "long":
        month = THAI_MONTHS[d.month - 1]
    else:
        raise ValueError(f"style must be 'short' or 'long', not {style!r}")
    return f"{d.day} {month} {ce_to_be(d.year)}"


# --- parsing ---------------------------------------------------------------------------------

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_SERIAL_RE = re.compile(r"\d{1,5}(?:\.\d+)?")
# A time after the date, as spreadsheets export it: "25/12/2530 0:00:00", "1987-12-25T10:30".
_TRAILING_TIME_RE = re.compile(r"(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_THAI_WEEKDAY_PREFIX_RE = re.compile(
    r"^(?:วัน\s*(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)?\s*)?(?:ที่\s*)?"
)
_ENGLISH_WEEKDAY_PREFIX_RE = re.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)\.?,?\s+",
    re.IGNORECASE,
)
_BE_MARKER_RE = re.compile(r"พ\.?\s*ศ\.?|(?<![A-Za-z])B\.?\s?E\.?(?![A-Za-z])", re.IGNORECASE)
_CE_MARKER_RE = re.compile(
    r"ค\.?\s*ศ\.?|(?<![A-Za-z])(?:C\.?\s?E|A\.?\s?D)\.?(?![A-Za-z])", re.IGNORECASE
)
_ORDINAL_SUFFIX_RE = re.compile(r"(?<=\d)(?:st|nd|rd|th)(?![A-Za-z])", re.IGNORECASE)
_YEAR_WORD_RE = re.compile(r"(?<![\u0e01-\u0e4f])ปี(?![\u0e01-\u0e4f])")
# Digits | Thai word (letters and dots: "ธ.ค.") | English word | separators.
_TOKEN_RE = re.compile(
    r"(?P<num>\d+)"
    r"|(?P<thai>[\u0e01-\u0e4f][\u0e01-\u0e4f.]*)"
    r"|(?P<latin>[A-Za-z]+)\.?"
    r"|(?P<sep>[\s/.,\-\u2010-\u2015]+)"
)


def _from_date_object(value: dt.date) -> dt.date:
    year = value.year
    if year >= BE_THRESHOLD:
        # A BE year stored in a date column (e.g. a spreadsheet cell typed 25/12/2530 and read as
        # a real date in year 2530). Convert only if the CE date exists.
        try:
            value = value.replace(year=be_to_ce(year))
        except ValueError:
            raise ThaiDateError("invalid_day") from None
    return _check_range(value)


def _check_range(value: dt.date) -> dt.date:
    if not MIN_CE_YEAR <= value.year <= MAX_CE_YEAR:
        raise ThaiDateError("out_of_range")
    return value


def _from_serial(serial: float) -> dt.date:
    if not MIN_SERIAL <= serial < MAX_SERIAL + 1:
        raise ThaiDateError("out_of_range")
    whole_days = math.floor(serial)  # the fraction is the time of day
    if whole_days == EXCEL_FAKE_LEAP_DAY_SERIAL:
        raise ThaiDateError("invalid_day")
    if whole_days < EXCEL_FAKE_LEAP_DAY_SERIAL:
        return _EXCEL_EPOCH_BEFORE_LEAP_BUG + dt.timedelta(days=whole_days)
    return _EXCEL_EPOCH_AFTER_LEAP_BUG + dt.timedelta(days=whole_days)


def _month_number(word: str) -> int:
    key = word.replace(".", "").replace(" ", "").lower()
    key = key.removeprefix("เดือน")
    try:
        return _MONTHS_BY_NAME[key]
    except KeyError:
        raise ThaiDateError("unparseable") from None


def _small_number(text: str) -> int:
    if len(text) > 2:
        raise ThaiDateError("unparseable")
    return int(text)


def _ce_year(text: str, era: str | None) -> int:
    """Resolve a written year to CE.

    Two digits are a BE year 25xx (30 -> 2530 -> CE 1987); Thai users write short BE years, and
    25xx covers CE 1957–2056. Four digits: an explicit พ.ศ./ค.ศ. marker decides; otherwise years
    >= 2400 are BE and the rest CE. Other lengths are not years.
    """
    if len(text) == 2:
        if era == "CE":
            raise ThaiDateError("unparseable", "A two-digit C.E. year is ambiguous.")
        year = be_to_ce(2500 + int(text))
    elif len(text) == 4:
        year = int(text)
        if era == "BE" or (era is None and year >= BE_THRESHOLD):
            year = be_to_ce(year)
    else:
        raise ThaiDateError("unparseable")
    if not MIN_CE_YEAR <= year <= MAX_CE_YEAR:
        raise ThaiDateError("out_of_range")
    return year


def _build_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ThaiDateError("invalid_day") from None


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if not match:
            raise ThaiDateError("unparseable")
        position = match.end()
        kind = match.lastgroup
        assert kind is not None
        if kind != "sep":
            tokens.append((kind, match.group(kind)))
    return tokens


def _parse_text(value: str) -> dt.date:
    text = to_arabic_digits(value)
    text = "".join(char for char in text if char not in _ZERO_WIDTH)
    text = " ".join(text.split())
    if not text:
        raise ThaiDateError("empty")
    if _SERIAL_RE.fullmatch(text):
        return _from_serial(float(text))

    text = _TRAILING_TIME_RE.sub("", text)
    text = _THAI_WEEKDAY_PREFIX_RE.sub("", text, count=1)
    text = _ENGLISH_WEEKDAY_PREFIX_RE.sub("", text, count=1)
    text = _ORDINAL_SUFFIX_RE.sub("", text)

    era: str | None = None
    if _BE_MARKER_RE.search(text):
        era = "BE"
        text = _BE_MARKER_RE.sub(" ", text)
    if _CE_MARKER_RE.search(text):
        if era is not None:
            raise ThaiDateError("unparseable", "Date has both a B.E. and a C.E. marker.")
        era = "CE"
        text = _CE_MARKER_RE.sub(" ", text)
    text = _YEAR_WORD_RE.sub(" ", text)  # "ปี พ.ศ. 2530" -> "2530"

    tokens = _tokens(text.strip())
    kinds = tuple("num" if kind == "num" else "word" for kind, _ in tokens)
    words = [token for _, token in tokens]

    if kinds == ("num", "num", "num"):
        first, second, third = words
        if len(first) == 4:  # ISO order: 2530-12-25, 1987/12/25
            year, month, day = _ce_year(first, era), _small_number(second), _small_number(third)
        else:  # Thai order: day/month/year
            day, month, year = _small_number(first), _small_number(second), _ce_year(third, era)
    elif kinds == ("num", "word", "num"):
        first, month_word, third = words
        if len(first) == 4:  # 1987-Dec-25
            year, day = _ce_year(first, era), _small_number(third)
        else:  # 25 ธ.ค. 2530, 25-Dec-1987
            day, year = _small_number(first), _ce_year(third, era)
        month = _month_number(month_word)
    elif kinds == ("word", "num", "num"):  # December 25, 1987
        month_word, second, third = words
        month, day, year = _month_number(month_word), _small_number(second), _ce_year(third, era)
    else:
        raise ThaiDateError("unparseable")
    return _build_date(year, month, day)


def parse_thai_date(value: object, *, today: dt.date | None = None) -> dt.date:
    """Read a date as Thai users and spreadsheets write it; return a CE ``datetime.date``.

    Raises ``ThaiDateError`` with ``code`` "empty", "unparseable", "out_of_range" (CE year outside
    1800–2199 after era conversion) or "invalid_day" (no such day, e.g. 29/02/2542).

    Accepted:

    * ``date`` / ``datetime`` (a datetime gives its own ``.date()``, no timezone conversion). A year
      >= 2400 is a BE year stored by mistake and is converted (year - 543) when that CE date
      exists; otherwise "invalid_day".
    * Excel 1900-system serials: int or float (fraction = time of day, ignored) or a numeric
      string with at most 5 integer digits ("32482", "32482.0"). Serial 1 = 1900-01-01; serial 60
      is Excel's fictitious 1900-02-29 ("invalid_day"); later serials are shifted by one
      (32482 = 1988-12-05, 45292 = 2024-01-01). Only 1..99999 is accepted. A float NaN (pandas'
      empty cell) is "empty".
    * Day/month/year with "/", "-", "." or spaces: "25/12/2530", "25-12-2530", "5/1/30".
    * ISO year-month-day: "2530-12-25", "1987-12-25", "2530/12/25".
    * Month names: Thai full names and abbreviations with or without dots ("25 ธันวาคม 2530",
      "25 ธ.ค. 2530", "25 ธค 30", "25 ธ.ค.2530"), English names ("25 Dec 1987",
      "December 25, 1987"); an optional day-of-week prefix ("วันศุกร์ที่", "วันที่", "Friday,"),
      not cross-checked against the date; an optional trailing time ("0:00:00").
    * Thai digits anywhere.

    Year rule: an explicit era marker (พ.ศ./B.E. or ค.ศ./C.E./A.D.) decides. Otherwise a 4-digit
    year >= 2400 is BE and 1800–2399 is CE; a 2-digit year is always BE 25xx (30 -> 2530 -> 1987,
    i.e. CE 1957–2056), so older dates need a 4-digit year. The year is converted to CE before the
    date is built, so 29/02/2543 is 2000-02-29.

    Future dates are not rejected: this is a parser, and whether a date may be in the future is
    the caller's policy. ``today`` is accepted for API compatibility and is not used.
    """
    del today  # see docstring: no date policy in the parser
    if value is None:
        raise ThaiDateError("empty")
    if isinstance(value, dt.datetime):
        return _from_date_object(value.date())
    if isinstance(value, dt.date):
        return _from_date_object(value)
    if isinstance(value, str):
        return _parse_text(value)
    if isinstance(value, bool):
        raise ThaiDateError("unparseable")
    if isinstance(value, numbers.Integral):
        return _from_serial(int(value))
    if isinstance(value, decimal.Decimal | numbers.Real):
        number = float(value)
        if math.isnan(number):
            raise ThaiDateError("empty")
        if math.isinf(number):
            raise ThaiDateError("out_of_range")
        return _from_serial(number)
    raise ThaiDateError("unparseable")
