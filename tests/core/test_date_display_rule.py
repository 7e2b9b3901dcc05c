"""The one display rule: Thai shows Buddhist-era dates with Thai month abbreviations, English
shows CE day-month-year (never US order); datetimes in local time with hours and minutes."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from ppaos.core.display import format_date, format_datetime

DATE = dt.date(2026, 12, 1)
# 07:05 UTC is 14:05 in Bangkok (TIME_ZONE).
MOMENT = dt.datetime(2026, 12, 1, 7, 5, tzinfo=dt.UTC)


def test_thai_dates_are_buddhist_era_with_thai_months():
    assert format_date(DATE, "th") == "1 ธ.ค. 2569"
    assert format_date(dt.date(2027, 1, 31), "th") == "31 ม.ค. 2570"


def test_english_dates_are_ce_day_month_year():
    assert format_date(DATE, "en") == "1 Dec 2026"


def test_datetimes_show_local_time():
    assert format_datetime(MOMENT, "th") == "1 ธ.ค. 2569 14:05"
    assert format_datetime(MOMENT, "en") == "1 Dec 2026 14:05"


def test_a_datetime_shown_as_a_date_uses_the_local_day():
    late = dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.UTC)  # 1 Dec 03:00 in Bangkok
    assert format_date(late, "th") == "1 ธ.ค. 2569"


@pytest.mark.parametrize("empty", [None, ""])
def test_nothing_shows_nothing(empty):
    assert format_date(empty) == ""
    assert format_datetime(empty) == ""


def test_the_active_language_decides():
    with translation.override("th"):
        assert format_date(DATE) == "1 ธ.ค. 2569"
    with translation.override("en"):
        assert format_date(DATE) == "1 Dec 2026"


def test_template_filters_need_no_load():
    template = Template("{{ d|show_date }} | {{ t|show_datetime }} | {{ n|show_date }}")
    with translation.override("th"):
        text = template.render(Context({"d": DATE, "t": MOMENT, "n": None}))
    assert text == "1 ธ.ค. 2569 | 1 ธ.ค. 2569 14:05 | "


def test_django_formats_never_fall_back_to_us_order():
    from django.utils.formats import date_format

    with translation.override("en"):
        assert date_format(DATE, "SHORT_DATE_FORMAT") == "1 Dec 2026"
        assert date_format(DATE, "DATE_FORMAT") == "1 Dec 2026"
