"""The one rule for showing dates, datetimes and amounts in pages and exports.

Thai: Buddhist era with Thai month abbreviations ("1 ธ.ค. 2569", "1 ธ.ค. 2569 14:05").
English: Christian era, day-month-year, never US order ("1 Dec 2026", "1 Dec 2026 14:05").
Amounts: thousands separators, never scientific notation ("1,000", "2,500.50").
API JSON keeps ISO dates; this module is for what people read.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import timezone, translation

from ppaos.thai.thai_dates import format_thai_date

_ENGLISH_MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def _is_thai(language: str | None) -> bool:
    language = language or translation.get_language() or "th"
    return language.split("-")[0] == "th"


def format_date(value, language: str | None = None) -> str:
    """A date (or the local date of a datetime) as people read it; "" for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, dt.date):
        return str(value)
    if _is_thai(language):
        return format_thai_date(value, style="short")
    return f"{value.day} {_ENGLISH_MONTH_ABBREVIATIONS[value.month - 1]} {value.year}"


def format_datetime(value, language: str | None = None) -> str:
    """A datetime in local time with hours and minutes: "1 ธ.ค. 2569 14:05"; "" for None."""
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.datetime):
        return format_date(value, language)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{format_date(value.date(), language)} {value:%H:%M}"


def format_amount(value, places: int | None = None) -> str:
    """An amount with thousands separators and no exponent: 1000 → "1,000", 2500.5 → "2,500.50".

    Whole amounts show no decimals; others show two, unless ``places`` says otherwise.
    """
    if value is None or value == "":
        return ""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if places is None:
        places = 0 if number == number.to_integral_value() else 2
    return f"{number:,.{places}f}"


def plain_amount(value) -> str:
    """An amount for a form input: digits without exponent or separators ("1000", "2500.5")."""
    if value is None or value == "":
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
