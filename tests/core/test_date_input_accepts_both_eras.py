"""Date inputs read either era (a year from 2400 on is Buddhist era) and say which era they show."""

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from ppaos.core.date_inputs import EraDateField


class VisitForm(forms.Form):
    visited_on = EraDateField(required=False)


@pytest.mark.parametrize(
    "typed",
    ["01/12/2569", "1/12/2026", "1 ธ.ค. 2569", "2026-12-01", "๐๑/๑๒/๒๕๖๙", "1 Dec 2026"],
)
def test_either_era_reads_as_the_same_day(typed):
    with translation.override("th"):
        form = VisitForm({"visited_on": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["visited_on"] == dt.date(2026, 12, 1)


def test_a_blank_date_is_none_and_nonsense_is_refused():
    assert VisitForm({"visited_on": ""}).is_valid()
    with translation.override("th"):
        form = VisitForm({"visited_on": "31/02/2569"})
        assert not form.is_valid()
        assert "01/12/2569" in str(form.errors)


def test_thai_input_shows_be_and_says_so():
    with translation.override("th"):
        html = str(VisitForm(initial={"visited_on": dt.date(2026, 12, 1)})["visited_on"])
    assert 'value="01/12/2569"' in html
    assert 'placeholder="วว/ดด/ปปปป (พ.ศ.)"' in html


def test_english_input_shows_ce():
    with translation.override("en"):
        html = str(VisitForm(initial={"visited_on": dt.date(2026, 12, 1)})["visited_on"])
    assert 'value="01/12/2026"' in html
    assert 'placeholder="dd/mm/yyyy"' in html


def test_household_forms_use_the_era_field():
    from households.forms import AddMemberForm, MoveOutForm
    from households.surveys.forms import ConsentForm

    assert isinstance(ConsentForm.base_fields["surveyed_on"], EraDateField)
    assert isinstance(AddMemberForm.base_fields["birth_date"], EraDateField)
    assert isinstance(MoveOutForm.base_fields["left_on"], EraDateField)
