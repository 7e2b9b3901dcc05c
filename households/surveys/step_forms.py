"""One survey step's form: built from the saved answers and saved through `save_survey_draft`.

The survey pages, the step draft API and the changes sent from phones (households/offline) all
use these two functions, so a step is checked and saved one way whatever sent it.
"""

from ..models import SurveyAccounts
from .forms import AccountsForm, BasicNeedsForm, CapitalsForm, ConsentForm, MembersForm, NeedsForm
from .selectors import survey_members
from .services import save_survey_draft


def _indicator_answers(survey) -> dict:
    # .all(): uses the answers prefetched by a caller building many surveys' forms (the bundle).
    return {(a.indicator_id, a.person_id): a.result for a in survey.indicator_answers.all()}


def build_step_form(step, survey, parts, data=None):
    """The form of one survey step, bound to `data` when given, its initial values the saved
    answers (None for the review step)."""
    if step == "consent":
        return ConsentForm(
            data,
            initial={
                "surveyed_on": survey.surveyed_on,
                "notice_given": survey.notice_given,
                "lawful_basis": survey.lawful_basis,
                "welfare_card_in_household": survey.welfare_card_in_household,
                "sensitive_consent": survey.sensitive_consent,
                "consent_given_by": survey.consent_given_by,
            },
        )
    if step == "members":
        return MembersForm(
            data,
            survey=survey,
            members=survey_members(survey, parts),
            answers=_indicator_answers(survey),
        )
    if step == "basic_needs":
        return BasicNeedsForm(
            data, indicators=parts.household_indicators, answers=_indicator_answers(survey)
        )
    if step == "capitals":
        answers = {a.item_id: a.score for a in survey.capital_answers.all()}
        return CapitalsForm(data, items=parts.items, answers=answers)
    if step == "accounts":
        try:
            accounts = survey.accounts  # select_related by the bundle; one query otherwise
        except SurveyAccounts.DoesNotExist:
            accounts = None
        return AccountsForm(data, accounts=accounts)
    if step == "needs":
        return NeedsForm(
            data,
            initial={
                "needs": [need.category for need in survey.needs.all()],
                "needs_note": survey.needs_note,
            },
        )
    return None


def posted_version(data) -> int | None:
    """The survey version a page or client sent its answers with (None when it sent none)."""
    try:
        return int(data.get("version"))
    except (TypeError, ValueError, AttributeError):
        return None


def save_step_form(step, survey, form, user, expected_version: int | None = None) -> bool:
    """Save the form's valid parts. Returns whether a member's disability flag changed (the
    indicators asked about that member change with it). `expected_version`: the version the
    answers were based on (StaleSurvey, nothing saved, when the survey has moved on)."""
    kwargs = {"actor": user, "survey": survey, "step": step, "expected_version": expected_version}
    flags_changed = False
    if step == "consent":
        kwargs["consent"] = form.service_data()
    elif step == "members":
        flags, results = form.service_data()
        kwargs["member_flags"] = flags
        kwargs["indicator_results"] = results
        flags_changed = any("disability" in f for f in flags.values())
    elif step == "basic_needs":
        kwargs["indicator_results"] = form.service_data()
    elif step == "capitals":
        kwargs["capital_scores"] = form.service_data()
    elif step == "accounts":
        kwargs["accounts"] = form.service_data()
    elif step == "needs":
        data = form.valid_data()
        if "needs" in data:
            kwargs["needs"] = data["needs"]
        if "needs_note" in data:
            kwargs["needs_note"] = data["needs_note"]
    save_survey_draft(**kwargs)
    return flags_changed
