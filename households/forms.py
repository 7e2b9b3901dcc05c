"""Browser forms of the household registry: input shape only; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ppaos.core.date_inputs import EraDateField

from .models import DuplicateStatus, Finding, Level, Relation, Sex
from .services import PERSON_IDENTITY_FIELDS

NON_HEAD_RELATIONS = [(value, label) for value, label in Relation.choices if value != Relation.HEAD]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("National ID or name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("e.g. 1-1017-00207-03-0 or สมศรี ใจดี"),
                "data-testid": "search-input",
            }
        ),
    )
    village = forms.ChoiceField(label=_("Village"), required=False)
    house_number = forms.CharField(label=_("House number"), required=False, max_length=20)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("Any level")), *Level.choices]
    )

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("Any village"))] + [
            (area.code, f"{area.name_th} · {area.code}") for area in villages
        ]


class FindingForm(forms.Form):
    finding = forms.ChoiceField(
        label=_("What did you find?"), choices=Finding.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required unless the person was found."),
    )
    new_address = forms.CharField(label=_("New address (if moved)"), required=False, max_length=300)
    village = forms.ChoiceField(
        label=_("Village where the household lives"),
        required=False,
        help_text=_("Needed when the registry gives no village."),
    )

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", "—")] + [
            (area.code, f"{area.name_th} · {area.code}") for area in villages
        ]


class PersonFieldsForm(forms.Form):
    """A member's personal details. Health and disability are recorded on the survey, with the
    household's explicit consent (PDPA s.26), not here."""

    national_id = forms.CharField(
        label=_("National ID"),
        max_length=30,
        help_text=_("13 digits; dashes, spaces and Thai digits are fine."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=30)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = EraDateField(label=_("Birth date"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=Sex.choices)
    education = forms.CharField(label=_("Education"), required=False, max_length=100)
    occupation = forms.CharField(label=_("Occupation"), required=False, max_length=100)
    welfare_card_holder = forms.BooleanField(label=_("Holds a state welfare card"), required=False)

    PERSON_FIELD_NAMES = (*PERSON_IDENTITY_FIELDS, "welfare_card_holder")

    def person_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.PERSON_FIELD_NAMES}


class HouseholdForm(forms.Form):
    house_number = forms.CharField(label=_("House number"), required=False, max_length=20)
    house_registration_code = forms.CharField(
        label=_("House registration code"),
        required=False,
        max_length=11,
        help_text=_("11 digits, from the house registration book, when known."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, max_digits=9, decimal_places=6
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, max_digits=9, decimal_places=6
    )


class NewHouseholdForm(HouseholdForm, PersonFieldsForm):
    village = forms.ChoiceField(label=_("Village"))

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", "—")] + [
            (area.code, f"{area.name_th} · {area.code}") for area in villages
        ]


class AddMemberForm(PersonFieldsForm):
    relation = forms.ChoiceField(label=_("Relation to the head"), choices=NON_HEAD_RELATIONS)
    joined_on = EraDateField(label=_("Living here since"), required=False)


class EditMemberForm(PersonFieldsForm):
    relation = forms.ChoiceField(label=_("Relation to the head"), choices=Relation.choices)


class MoveOutForm(forms.Form):
    left_on = EraDateField(label=_("Moved out on"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class ProgrammeExitForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the household leaves the programme"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    occurred_on = EraDateField(label=_("Left on"), required=False)


class MakeHeadForm(forms.Form):
    former_head_relation = forms.ChoiceField(
        label=_("The former head's relation to the new head"), choices=NON_HEAD_RELATIONS
    )


class DuplicateReviewForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (DuplicateStatus.CONFIRMED_DISTINCT, DuplicateStatus.CONFIRMED_DISTINCT.label),
            (DuplicateStatus.MERGED_BY_HAND, DuplicateStatus.MERGED_BY_HAND.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransferDecisionForm(forms.Form):
    """Approve or reject a person transfer request (the submit button names the decision)."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=_("Note (shown only to those who may see the person)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
