"""Date inputs that read both eras and say which one they show.

In Thai the box shows "01/12/2569" (พ.ศ.) and its placeholder says "วว/ดด/ปปปป (พ.ศ.)"; in
English "01/12/2026" (CE), placeholder "dd/mm/yyyy". Either era is accepted in either language:
a year from 2400 on is Buddhist era (ppaos/thai/thai_dates.py), as are "1 ธ.ค. 2569" and ISO.
"""

import datetime as dt

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ppaos.thai.thai_dates import ThaiDateError, ce_to_be, parse_thai_date


def _thai_active() -> bool:
    return (translation.get_language() or "th").split("-")[0] == "th"


class EraDateInput(forms.TextInput):
    """A text box (not type=date, whose calendar shows the browser's era) with an era hint."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", str(date_placeholder()))
        return context

    def format_value(self, value):
        if isinstance(value, dt.date):
            year = ce_to_be(value.year) if _thai_active() else value.year
            return f"{value.day:02d}/{value.month:02d}/{year}"
        return super().format_value(value)


def date_placeholder():
    return _("dd/mm/yyyy (BE)") if _thai_active() else _("dd/mm/yyyy")


class EraDateField(forms.DateField):
    """A date typed in either era: "01/12/2569", "1/12/2026", "1 ธ.ค. 2569", "2026-12-01"."""

    widget = EraDateInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "help_text", _("Day/month/year. A year from 2400 on is read as BE (พ.ศ.).")
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return parse_thai_date(str(value).strip())
        except (ThaiDateError, ValueError):
            raise forms.ValidationError(
                _("Enter a date as day/month/year, for example 01/12/2569."), code="invalid"
            ) from None
