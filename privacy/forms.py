from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BreachStatus, IdentityMethod, RequestKind


class DataRequestForm(forms.Form):
    national_id = forms.CharField(
        label=_("National ID of the person"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("Request"), choices=RequestKind.choices)
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    identity_method = forms.ChoiceField(
        label=_("How the identity was checked"), choices=IdentityMethod.choices
    )
    details = forms.CharField(
        label=_("What the person asks"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DataRequestAnswerForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome or legal reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class BreachForm(forms.Form):
    what_happened = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3})
    )
    found_at = forms.DateTimeField(
        label=_("Found at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    suspect_username = forms.CharField(
        label=_("User whose access may have leaked (username)"), required=False
    )
    window_start = forms.DateTimeField(
        label=_("Reads from"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    window_end = forms.DateTimeField(
        label=_("Reads until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class BreachStepForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Next step"), choices=BreachStatus.choices)
    note = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _correctable_choices():
    from households.models import Person
    from households.services import CORRECTABLE_PERSON_FIELDS

    return [(name, Person._meta.get_field(name).verbose_name) for name in CORRECTABLE_PERSON_FIELDS]


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(label=_("Field to correct"), choices=_correctable_choices)
    value = forms.CharField(label=_("Corrected value"), max_length=200)
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
