"""The survey's checks for a phone without a signal, generated from the step forms themselves.

The offline survey page (static/js/offline_app.js) draws every step from these rules and checks
what the form states (required for submitting, ranges, consent before health data) before a save
is queued; the server checks the same forms again when the change arrives. One source of the
rules: the forms in households/surveys/forms.py and the completeness rule of `survey_problems`.
"""

import contextlib
import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone

from ppaos.thai.thai_dates import fiscal_year_be

from ..surveys.forms import FLAG_LABELS, MembersForm
from ..surveys.selectors import SurveyMember, applicable_indicators, survey_members
from ..surveys.services import SENSITIVE_FLAGS, STEPS
from ..surveys.step_forms import build_step_form
from ..surveys.views import STEP_TITLES

# The steps saved from a phone (review has no answers of its own; it submits).
ANSWER_STEPS = tuple(step for step in STEPS if step != "review")
# Completeness (`survey_problems`): every answer of these steps is needed to submit.
REQUIRED_TO_SUBMIT = {"notice_given", "lawful_basis"}
ALL_REQUIRED_STEPS = ("basic_needs", "capitals", "accounts")


def json_value(value):
    """A field value as the phone stores and compares it: ISO dates, plain decimal strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (list, tuple)):
        return sorted(str(v) for v in value)
    if value == "":
        return None
    return value


def _kind(field: forms.Field) -> str:
    if isinstance(field, forms.BooleanField):
        return "bool"
    if isinstance(field, forms.MultipleChoiceField):
        return "multi"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.DecimalField):
        return "amount"
    if isinstance(field, forms.ChoiceField):
        return "radio" if isinstance(field.widget, forms.RadioSelect) else "select"
    if isinstance(field.widget, forms.Textarea):
        return "textarea"
    return "text"


def field_rule(name: str, field: forms.Field, step: str) -> dict:
    rule = {
        "name": name,
        "label": str(field.label or name),
        "help": str(field.help_text or ""),
        "kind": _kind(field),
        "required": name in REQUIRED_TO_SUBMIT or step in ALL_REQUIRED_STEPS,
    }
    if hasattr(field, "choices"):
        rule["choices"] = [[json_value(value), str(label)] for value, label in field.choices]
    if isinstance(field, forms.DecimalField):
        rule["min"] = str(field.min_value) if field.min_value is not None else None
        rule["max_digits"] = field.max_digits
        rule["decimal_places"] = field.decimal_places
    if getattr(field, "max_length", None):
        rule["max_length"] = field.max_length
    return rule


def _groups(form) -> list[dict]:
    if hasattr(form, "groups") and isinstance(form.groups, dict):
        return [{"title": str(title), "fields": names} for title, names in form.groups.items()]
    if hasattr(form, "bound_groups") and not isinstance(getattr(form, "groups", None), list):
        return [
            {"title": str(title), "fields": [bound.name for bound in fields]}
            for title, fields in form.bound_groups()
        ]
    return [{"title": "", "fields": list(form.fields)}]


def step_rules(step: str, form) -> dict:
    return {
        "key": step,
        "title": str(STEP_TITLES[step]),
        "fields": [field_rule(name, field, step) for name, field in form.fields.items()],
        "groups": _groups(form),
    }


def round_dates(on: dt.date) -> dict:
    """The visit date's allowed range: in this round (fiscal year BE) and not after the day the
    phone is used. `max` is the download day; the phone's own Bangkok date, capped at
    `round_end`, is the latest date it accepts (static/js/offline_app.js latestDate)."""
    year = fiscal_year_be(on)
    first = dt.date(year - 543 - 1, 10, 1)
    last = dt.date(year - 543, 9, 30)
    return {
        "fiscal_year": year,
        "min": first.isoformat(),
        "max": on.isoformat(),
        "round_end": last.isoformat(),
    }


def instrument_rules(survey_like, parts) -> dict:
    """Rules of the steps that are the same for every household of the instrument."""
    steps = {}
    for step in ("consent", "basic_needs", "capitals", "accounts", "needs"):
        steps[step] = step_rules(step, _blank_form(step, survey_like, parts))
    consent = steps["consent"]
    for rule in consent["fields"]:
        if rule["name"] == "consent_given_by":
            rule["required_if"] = "sensitive_consent"
    return {
        "steps": steps,
        "order": list(STEPS),
        "titles": {step: str(STEP_TITLES[step]) for step in STEPS},
        "dates": round_dates(timezone.localdate()),
        "sensitive_flags": list(SENSITIVE_FLAGS),
    }


def _blank_form(step, survey_like, parts):
    """The step's form without saved answers (a survey not started yet has none)."""
    from ..surveys.forms import (
        AccountsForm,
        BasicNeedsForm,
        CapitalsForm,
        ConsentForm,
        NeedsForm,
    )

    if step == "consent":
        return ConsentForm()
    if step == "basic_needs":
        return BasicNeedsForm(indicators=parts.household_indicators, answers={})
    if step == "capitals":
        return CapitalsForm(items=parts.items, answers={})
    if step == "accounts":
        return AccountsForm(accounts=None)
    return NeedsForm()


def members_rules(survey_like, parts) -> dict:
    """The members step of one household: per member the health and disability flags (asked
    only with explicit consent) and every indicator that may apply to them; an indicator that
    depends on a flag (indicator 28: disability) names it in `show_if`."""
    every_flag = dict.fromkeys(SENSITIVE_FLAGS, True)
    members = []
    for member in survey_members(survey_like, parts):
        candidates = applicable_indicators(parts, member.age, every_flag)
        members.append(SurveyMember(member.person, member.membership, member.age, candidates))
    form = MembersForm(survey=survey_like, members=members, answers={})
    groups = []
    for member, flag_names, indicator_names in form.groups:
        person = member.person
        fields = []
        for name in flag_names:
            rule = field_rule(name, form.fields[name], "members")
            rule["sensitive"] = True
            rule["label"] = str(FLAG_LABELS[name.split("_", 1)[1]])
            fields.append(rule)
        by_code = {i.code: i for i in member.indicators}
        for name in indicator_names:
            rule = field_rule(name, form.fields[name], "members")
            rule["required"] = True
            condition = by_code[name.split("_", 1)[1]].condition
            if condition:
                rule["show_if"] = f"m{person.pk}_{condition}"
            fields.append(rule)
        groups.append(
            {
                "title": f"{person.title}{person.first_name} {person.last_name}",
                "subtitle": member.membership.get_relation_display(),
                "age": member.age,
                "fields": fields,
            }
        )
    return {"key": "members", "title": str(STEP_TITLES["members"]), "members": groups}


def step_values(form, *, bound: bool) -> dict:
    """The step's values as the phone keeps them: the saved answers (unbound form) or what was
    sent (bound form: cleaned where valid, as sent where not)."""
    values = {}
    if bound:
        form.is_valid()
    for name, field in form.fields.items():
        if bound:
            if name in form.cleaned_data:
                values[name] = json_value(form.cleaned_data[name])
            else:
                values[name] = json_value(form.data.get(name))
            continue
        initial = form[name].initial
        if isinstance(initial, str) and initial and not isinstance(field, forms.CharField):
            with contextlib.suppress(forms.ValidationError):
                initial = field.clean(initial)
        values[name] = json_value(initial)
    return values


def saved_values(survey, parts) -> dict:
    """Every answer step's saved values of a survey, by step."""
    return {
        step: step_values(build_step_form(step, survey, parts), bound=False)
        for step in ANSWER_STEPS
    }
