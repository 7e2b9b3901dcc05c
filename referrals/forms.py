"""Browser forms for referrals: fields and their validation only; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PROGRESS_NOTE_MAX, HelpArrived, HelpEffect, Urgency


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, service):
        return f"{service.name_th} — {service.agency.name_th}"


class ProposeReferralForm(forms.Form):
    service = ServiceChoiceField(queryset=None, label=_("Service"), empty_label=_("Choose…"))
    person = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("For which member (optional)"),
        empty_label=_("The whole household"),
    )
    need = forms.CharField(
        label=_("What the household needs"), widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=_("Why (seen by officers, not by the agency)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="normal")
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)

    def __init__(self, *args, services, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["person"].queryset = members
        self.fields["contact_phone"].widget.input_type = "tel"


class NoteForm(forms.Form):
    """A note, a reason or an outcome, depending on the step; whether it is required is the
    state table's business (the service says so)."""

    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProgressNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Progress note: what was done so far"),
        max_length=PROGRESS_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CompleteForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome: what was done for the household"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    help_value = forms.DecimalField(
        label=_("Value of help (baht)"), required=False, min_value=0, decimal_places=2
    )


class RerouteForm(forms.Form):
    service = ServiceChoiceField(queryset=None, label=_("Send to service"))
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services


class BatchDecisionForm(forms.Form):
    """Whether a reason is required is the state table's business: the view puts the service's
    refusal beside the reason field."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    referrals = forms.ModelMultipleChoiceField(
        queryset=None, to_field_name="public_id", widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("Reason (required to reject)"), required=False)

    def __init__(self, *args, queue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referrals"].queryset = queue
        self.fields["referrals"].error_messages["required"] = _("Tick at least one referral.")


class FollowUpForm(forms.Form):
    arrived = forms.ChoiceField(
        label=_("Did the help arrive?"), choices=HelpArrived.choices, widget=forms.RadioSelect
    )
    effect = forms.ChoiceField(
        label=_("Did it help?"), choices=HelpEffect.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
