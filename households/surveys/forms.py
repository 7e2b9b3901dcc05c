"""Forms for the survey steps. None is required field by field: a draft may be partial. A form
that is not valid still hands over its valid fields (`valid_data`), so saving a draft keeps every
valid answer while the errors show beside the fields that need correcting."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ppaos.core.date_inputs import EraDateField
from ppaos.core.display import plain_amount
from ppaos.thai.thai_digits import to_arabic_digits

from ..models import IndicatorResult, LawfulBasis, NeedCategory, SurveyAccounts
from .services import SENSITIVE_FLAGS

RESULT_CHOICES = [
    (IndicatorResult.PASS, _("Yes")),
    (IndicatorResult.FAIL, _("No")),
    (IndicatorResult.NOT_APPLICABLE, _("Not applicable")),
]
FLAG_LABELS = {
    "disability": _("Has a disability"),
    "chronic_illness": _("Has a chronic illness"),
    "bedridden": _("Is bedridden"),
}


class StepForm(forms.Form):
    def valid_data(self) -> dict:
        """The fields that passed validation (all of them when the form is valid)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name in self.fields}


class ConsentForm(StepForm):
    surveyed_on = EraDateField(label=_("Date of the visit"), required=False)
    notice_given = forms.BooleanField(
        label=_(
            "I told the household why the data is collected, who will see it, how long it is "
            "kept and their rights (privacy notice)"
        ),
        required=False,
    )
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis"),
        choices=[("", "—"), *LawfulBasis.choices],
        required=False,
        help_text=_("A provincial registry normally works as a public task."),
    )
    welfare_card_in_household = forms.BooleanField(
        label=_("Someone in the household holds a state welfare card"), required=False
    )
    sensitive_consent = forms.BooleanField(
        label=_(
            "The household agrees explicitly that health and disability information about its "
            "members is recorded"
        ),
        required=False,
        help_text=_("Needed before recording a disability, chronic illness or a bedridden member."),
    )
    consent_given_by = forms.CharField(
        label=_("Who gave consent (name, relation to the head)"), max_length=200, required=False
    )

    def service_data(self) -> dict:
        data = self.valid_data()
        if data.get("surveyed_on") is None:
            data.pop("surveyed_on", None)
        if "consent_given_by" in data:
            data["consent_given_by"] = data["consent_given_by"].strip()
        return data


def _result_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=RESULT_CHOICES, required=False, widget=forms.RadioSelect
    )


class MembersForm(StepForm):
    """Per member: health and disability flags (with consent) and the indicators for their age."""

    def __init__(self, *args, survey, members, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.members = members
        self.groups = []
        for member in members:
            person = member.person
            names = []
            for flag, attribute in SENSITIVE_FLAGS.items():
                name = f"m{person.pk}_{flag}"
                self.fields[name] = forms.BooleanField(
                    label=FLAG_LABELS[flag],
                    required=False,
                    initial=getattr(person, attribute),
                )
                names.append(name)
            indicator_names = []
            for indicator in member.indicators:
                name = f"m{person.pk}_{indicator.code}"
                self.fields[name] = _result_field(indicator.text)
                self.fields[name].initial = answers.get((indicator.pk, person.pk))
                indicator_names.append(name)
            self.groups.append((member, names, indicator_names))

    def clean(self):
        data = super().clean()
        if not self.survey.sensitive_consent:
            for _member, flag_names, _names in self.groups:
                for name in flag_names:
                    if data.get(name) and not self.fields[name].initial:
                        self.add_error(
                            name,
                            _(
                                "Record explicit consent on the first step before recording "
                                "health or disability data."
                            ),
                        )
        return data

    def bound_groups(self):
        return [
            (member, [self[n] for n in flags], [self[n] for n in indicators])
            for member, flags, indicators in self.groups
        ]

    def service_data(self) -> tuple[dict, dict]:
        data = self.valid_data()
        flags: dict[int, dict[str, bool]] = {}
        results: dict[tuple[str, int], str | None] = {}
        for member, flag_names, indicator_names in self.groups:
            pk = member.person.pk
            for name in flag_names:
                if name in data and bool(data[name]) != bool(self.fields[name].initial):
                    flags.setdefault(pk, {})[name.split("_", 1)[1]] = bool(data[name])
            for name in indicator_names:
                if name in data:
                    results[(name.split("_", 1)[1], pk)] = data[name] or None
        return flags, results


class BasicNeedsForm(StepForm):
    def __init__(self, *args, indicators, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups: dict[str, list[str]] = {}
        for indicator in indicators:
            self.fields[indicator.code] = _result_field(indicator.text)
            self.fields[indicator.code].initial = answers.get((indicator.pk, None))
            self.groups.setdefault(indicator.get_dimension_display(), []).append(indicator.code)

    def bound_groups(self):
        return [(label, [self[n] for n in names]) for label, names in self.groups.items()]

    def service_data(self) -> dict:
        return {(code, None): value or None for code, value in self.valid_data().items()}


class CapitalsForm(StepForm):
    def __init__(self, *args, items, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups: dict[str, list[str]] = {}
        for item in items:
            self.fields[item.code] = forms.TypedChoiceField(
                label=item.text,
                choices=[(score, f"{score} · {label}") for score, label in item.option_labels()],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[item.code].initial = answers.get(item.pk)
            self.groups.setdefault(item.get_capital_display(), []).append(item.code)

    def bound_groups(self):
        return [(label, [self[n] for n in names]) for label, names in self.groups.items()]

    def service_data(self) -> dict:
        # Only answered items: an unanswered radio in a draft must not clear an earlier answer.
        return {code: value for code, value in self.valid_data().items() if value is not None}


class BahtField(forms.DecimalField):
    """An amount in baht: Thai digits, thousands separators and a trailing "บาท" are accepted."""

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=12, decimal_places=2, min_value=Decimal(0), required=False, **kwargs
        )
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = to_arabic_digits(value).replace(",", "").replace("บาท", "").strip()
            try:
                Decimal(value) if value else None
            except InvalidOperation:
                raise forms.ValidationError(
                    _("Enter an amount in baht, for example 3500."), code="invalid"
                ) from None
        return super().to_python(value)


class AccountsForm(StepForm):
    INCOME = SurveyAccounts.INCOME_FIELDS
    EXPENSES = ("expense_consumption", "expense_production")
    DEBTS_AND_SAVINGS = ("debt_formal", "debt_informal", "savings")

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SurveyAccounts.FIELDS:
            model_field = SurveyAccounts._meta.get_field(name)
            self.fields[name] = BahtField(label=capfirst(model_field.verbose_name))
            if accounts is not None:
                value = getattr(accounts, name)
                self.fields[name].initial = plain_amount(value) if value is not None else None

    def bound_groups(self):
        return [
            (_("Income each month, by source (baht)"), [self[n] for n in self.INCOME]),
            (_("Spending each month (baht)"), [self[n] for n in self.EXPENSES]),
            (_("Debts and savings (baht, total today)"), [self[n] for n in self.DEBTS_AND_SAVINGS]),
        ]

    def service_data(self) -> dict:
        # A blank amount clears the stored one (None); a field with an error is left out.
        return self.valid_data()


class NeedsForm(StepForm):
    needs = forms.MultipleChoiceField(
        label=_("What help does the household say it needs?"),
        choices=NeedCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs_note = forms.CharField(
        label=_("In the household's own words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the facilitator correct?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
