"""Writing surveys: start, save a draft, submit, verify (classify), return (DESIGN.md §2, §5).

Each service takes the acting user first, runs in one transaction, checks the policy and the
survey's state, writes, and appends an audit row. A draft takes whatever valid parts it is given
and keeps everything saved before: nothing a facilitator typed that was valid is ever lost.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ppaos.accounts.policy import Action, require
from ppaos.audit.services import record_audit_event
from ppaos.thai.thai_dates import fiscal_year_be

from ..models import (
    CapitalAnswer,
    ClassificationResult,
    ClassificationRuleSet,
    Household,
    HouseholdStatus,
    IndicatorAnswer,
    IndicatorResult,
    LawfulBasis,
    Level,
    NeedCategory,
    Person,
    ProgrammeEvent,
    ProgrammeEventKind,
    Survey,
    SurveyAccounts,
    SurveyNeed,
    SurveyStatus,
    SurveyTransition,
)
from ..selectors import current_members_of, current_person_ids
from . import classification, notices, transitions
from .selectors import (
    InstrumentParts,
    current_instrument,
    instrument_parts,
    survey_members,
)

SENSITIVE_FLAGS = {
    "disability": "has_disability",
    "chronic_illness": "has_chronic_illness",
    "bedridden": "is_bedridden",
}
CONSENT_FIELDS = (
    "notice_given",
    "lawful_basis",
    "sensitive_consent",
    "consent_given_by",
    "surveyed_on",
    "welfare_card_in_household",
)
STEPS = ("consent", "members", "basic_needs", "capitals", "accounts", "needs", "review")

# The coded answers the checks below accept (Django's Choices build .values anew each time).
_LAWFUL_BASES = frozenset(("", *LawfulBasis.values))
_KNOWN_RESULTS = frozenset((None, "", *IndicatorResult.values))
_NEED_CATEGORIES = frozenset(NeedCategory.values)


def _refusal(survey: Survey, action: str) -> str:
    """What a refused action says (the state table itself is households/surveys/transitions.py)."""
    if action == transitions.VERIFY:
        return _("Only a submitted survey can be verified.")
    if action == transitions.RETURN:
        return _("Only a submitted survey can be returned.")
    return _("This survey can no longer be changed: it is %(status)s.") % {
        "status": survey.get_status_display()
    }


def _check_allowed(survey: Survey, action: str) -> None:
    """Refuse `action` unless the state table allows it in the survey's status."""
    if not transitions.allows(survey.status, action):
        raise ValidationError(_refusal(survey, action), code="transition_refused")


def _transition(survey: Survey, actor, action: str, comment: str = "") -> None:
    """Move the survey along the state table (refusing what it does not allow) and record it."""
    _check_allowed(survey, action)
    to_status = transitions.next_status(survey.status, action)
    SurveyTransition.objects.create(
        survey=survey, from_status=survey.status, to_status=to_status, actor=actor, comment=comment
    )
    survey.status = to_status
    survey.version += 1


def is_own_survey(survey: Survey, user) -> bool:
    """Four eyes: whoever entered or submitted a survey may not verify or return it."""
    if user.pk == survey.surveyed_by_id:
        return True
    return survey.transitions.filter(to_status=SurveyStatus.SUBMITTED, actor_id=user.pk).exists()


def _ensure_not_own_survey(survey: Survey, actor) -> None:
    if is_own_survey(survey, actor):
        raise ValidationError(
            _("You entered this survey yourself: another area manager must verify or return it."),
            code="own_survey",
        )


def _locked(survey: Survey) -> Survey:
    return (
        Survey.objects.select_for_update(of=("self",))
        .select_related("household", "instrument")
        .get(pk=survey.pk)
    )


def _ensure_editable(survey: Survey) -> None:
    _check_allowed(survey, transitions.EDIT)


def check_surveyed_on(surveyed_on: date, fiscal_year: int, *, today: date | None = None) -> None:
    """A visit date is not in the future (Thai time; `today` when the caller has it, as a bulk
    import does for its many rows) and falls in the survey's round: the round (fiscal year,
    Buddhist era) follows from the date and never disagrees with it."""
    if surveyed_on > (today or timezone.localdate()):
        raise ValidationError(
            {"surveyed_on": _("The date of the visit cannot be in the future.")},
            code="surveyed_on_future",
        )
    if fiscal_year_be(surveyed_on) != fiscal_year:
        raise ValidationError(
            {
                "surveyed_on": _(
                    "The date of the visit must fall in round %(year)s: from 1 October "
                    "%(previous)s to 30 September %(year)s."
                )
                % {"year": fiscal_year, "previous": fiscal_year - 1}
            },
            code="surveyed_on_round",
        )


def current_rule_set() -> ClassificationRuleSet:
    return ClassificationRuleSet.objects.get(is_current=True)


def start_survey(
    *, actor, household: Household, fiscal_year: int | None = None, surveyed_on: date | None = None
) -> Survey:
    """Open this round's survey of a household (one per household per round)."""
    surveyed_on = surveyed_on or timezone.localdate()
    fiscal_year = fiscal_year or fiscal_year_be(surveyed_on)
    with transaction.atomic():
        require(actor, Action.ENTER_SURVEY, household)
        check_surveyed_on(surveyed_on, fiscal_year)
        if household.status != HouseholdStatus.ACTIVE:
            raise ValidationError(_("Only a household that lives at its address can be surveyed."))
        if Survey.objects.filter(household=household, fiscal_year=fiscal_year).exists():
            raise ValidationError(
                _("This household already has a survey for round %(year)s.") % {"year": fiscal_year}
            )
        try:
            with transaction.atomic():
                survey = Survey.objects.create(
                    household=household,
                    instrument=current_instrument(),
                    fiscal_year=fiscal_year,
                    surveyed_by=actor,
                    surveyed_on=surveyed_on,
                    lawful_basis=LawfulBasis.PUBLIC_TASK,
                    welfare_card_in_household=_household_holds_card(household),
                )
        except IntegrityError as error:  # a second tab started the same round at the same time
            raise ValidationError(
                _("This household already has a survey for round %(year)s.") % {"year": fiscal_year}
            ) from error
        SurveyTransition.objects.create(
            survey=survey, from_status="", to_status=transitions.INITIAL_STATUS, actor=actor
        )
        record_audit_event(
            actor=actor,
            action="survey.started",
            target=survey,
            area_code=household.area_id,
            details={"fiscal_year": fiscal_year},
        )
    return survey


def _household_holds_card(household: Household) -> bool:
    return current_members_of(household).filter(person__welfare_card_holder=True).exists()


class StaleSurvey(ValidationError):
    """The survey changed (someone else saved it) since the version the caller's page or client
    showed: nothing is saved; the caller shows the newer answers (page) or answers 409 (API)."""


def check_survey_version(survey: Survey, expected_version: int | None) -> None:
    """Refuse a save based on another version than the survey's (None: the caller checks itself)."""
    if expected_version is not None and expected_version != survey.version:
        raise StaleSurvey(
            _(
                "Someone else saved this survey after you opened this page, so nothing on this "
                "step was saved. The page now shows the newer answers: check them and enter your "
                "changes again."
            ),
            code="stale_version",
        )


def save_survey_draft(
    *,
    actor,
    survey: Survey,
    step: str = "",
    expected_version: int | None = None,
    consent: dict | None = None,
    member_flags: dict[int, dict[str, bool]] | None = None,
    indicator_results: dict[tuple[str, int | None], str | None] | None = None,
    capital_scores: dict[str, int | None] | None = None,
    accounts: dict[str, Decimal | None] | None = None,
    needs: Iterable[str] | None = None,
    need_details: dict[str, str] | None = None,
    needs_note: str | None = None,
) -> Survey:
    """Save the given (already valid) parts of a survey; everything not given stays as it was.

    consent: some of CONSENT_FIELDS. member_flags: {person id: {"disability": bool, …}} (health
    and disability data: only with the household's explicit consent). indicator_results:
    {(indicator code, person id or None): "pass" | "fail" | "na" | None (clears)}.
    capital_scores: {item code: 1–4 or None}. accounts: {SurveyAccounts field: amount or None}.
    needs: the need categories the household names now (the full set); a category named before
    keeps its detail. need_details: {category among `needs`: detail} to set details.
    expected_version: the survey version the caller's answers were based on (the page's hidden
    field, the API's `version`); another version raises StaleSurvey and nothing is saved.
    """
    with transaction.atomic():
        survey = _locked(survey)
        require(actor, Action.ENTER_SURVEY, survey)
        _ensure_editable(survey)
        check_survey_version(survey, expected_version)
        parts = instrument_parts(survey.instrument)
        if consent:
            _apply_consent(survey, consent)
        if member_flags:
            _apply_member_flags(survey, member_flags)
        if indicator_results:
            _apply_indicators(survey, parts, indicator_results)
        if capital_scores:
            _apply_capital_scores(survey, parts, capital_scores)
        if accounts:
            _apply_accounts(survey, accounts)
        if needs is not None:
            _apply_needs(survey, needs, need_details or {})
        if needs_note is not None:
            survey.needs_note = needs_note.strip()
        if step in STEPS:
            survey.last_step = step
        survey.version += 1
        survey.save()
        record_audit_event(
            actor=actor,
            action="survey.draft_saved",
            target=survey,
            area_code=survey.household.area_id,
            details={"step": step},
        )
    return survey


def check_consent(
    consent: dict,
    *,
    fiscal_year: int,
    sensitive_consent: bool,
    consent_given_by: str,
    sensitive_data_held,
    today: date | None = None,
) -> None:
    """Refuse consent answers a survey may not take (ValidationError). `sensitive_consent` and
    `consent_given_by` are the survey's before the change; `sensitive_data_held()` says whether
    a member's health or disability data is recorded (asked only when consent is withdrawn);
    `today` as for check_surveyed_on. Pure but for that call: the draft service and the bulk
    survey import both use it."""
    unknown = set(consent) - set(CONSENT_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown consent fields: {sorted(unknown)}")
    if "lawful_basis" in consent and consent["lawful_basis"] not in _LAWFUL_BASES:
        raise ValidationError({"lawful_basis": _("Choose a lawful basis from the list.")})
    if consent.get("sensitive_consent") is False and sensitive_data_held():
        raise ValidationError(
            {
                "sensitive_consent": _(
                    "Health or disability data is recorded for a member: clear it on the members "
                    "step before withdrawing consent."
                )
            }
        )
    if consent.get("surveyed_on") is not None:
        check_surveyed_on(consent["surveyed_on"], fiscal_year, today=today)
    sensitive = consent.get("sensitive_consent", sensitive_consent)
    given_by = consent.get("consent_given_by", consent_given_by)
    if sensitive and not (given_by or "").strip():
        raise ValidationError({"consent_given_by": _("Write who gave consent.")})


def _apply_consent(survey: Survey, consent: dict) -> None:
    check_consent(
        consent,
        fiscal_year=survey.fiscal_year,
        sensitive_consent=survey.sensitive_consent,
        consent_given_by=survey.consent_given_by,
        sensitive_data_held=lambda: _sensitive_data_held(survey),
    )
    for name, value in consent.items():
        setattr(survey, name, value)
    if consent.get("sensitive_consent") and survey.consent_recorded_at is None:
        survey.consent_recorded_at = timezone.now()
    if "sensitive_consent" in consent and not consent["sensitive_consent"]:
        survey.consent_recorded_at = None


def _sensitive_data_held(survey: Survey) -> bool:
    return (
        Person.objects.filter(pk__in=current_person_ids(survey.household))
        .filter(Q(has_disability=True) | Q(has_chronic_illness=True) | Q(is_bedridden=True))
        .exists()
    )


def _apply_member_flags(survey: Survey, flags_by_person: dict[int, dict[str, bool]]) -> None:
    members = current_person_ids(survey.household)
    for person_id, flags in flags_by_person.items():
        if person_id not in members:
            raise ValidationError(_("That person is not a current member of this household."))
        updates = {SENSITIVE_FLAGS[name]: bool(value) for name, value in flags.items()}
        if any(updates.values()) and not survey.sensitive_consent:
            raise ValidationError(
                _("Health and disability data needs the household's explicit consent first.")
            )
        Person.objects.filter(pk=person_id).update(**updates)
    if flags_by_person:  # an update fires no signal: the figures of the households are queued
        from monitoring.rollup import queue_changes  # noqa: PLC0415

        queue_changes(person_ids=list(flags_by_person))


def checked_indicator_results(parts: InstrumentParts, results, members) -> list[tuple]:
    """[(indicator, person key, result or None)] for {(code, person key or None): result},
    refusing what the instrument does not ask (ValidationError). `members`: the keys of the
    household's current members (person ids; the bulk import uses national IDs)."""
    by_code = {i.code: i for i in parts.all_indicators}
    checked = []
    for (code, person_id), result in results.items():
        indicator = by_code.get(code)
        if indicator is None or indicator.derived:
            raise ValidationError(f"Indicator {code} is not asked in this instrument.")
        if (person_id is None) != (indicator.scope == "household"):
            raise ValidationError(f"Indicator {code} is asked per {indicator.scope}.")
        if person_id is not None and person_id not in members:
            raise ValidationError(_("That person is not a current member of this household."))
        if result not in _KNOWN_RESULTS:
            raise ValidationError(f"Unknown indicator result {result!r}.")
        checked.append((indicator, person_id, result or None))
    return checked


def _apply_indicators(survey, parts: InstrumentParts, results) -> None:
    members = current_person_ids(survey.household)
    for indicator, person_id, result in checked_indicator_results(parts, results, members):
        lookup = {"survey": survey, "indicator": indicator, "person_id": person_id}
        if result is None:
            IndicatorAnswer.objects.filter(**lookup).delete()
        else:
            IndicatorAnswer.objects.update_or_create(**lookup, defaults={"result": result})


def checked_capital_scores(parts: InstrumentParts, scores) -> list[tuple]:
    """[(item, score 1–4 or None)] for {item code: score}, refusing unknown items and scores."""
    by_code = {item.code: item for item in parts.items}
    checked = []
    for code, score in scores.items():
        item = by_code.get(code)
        if item is None:
            raise ValidationError(f"Item {code} is not in this instrument.")
        if score is not None and not 1 <= int(score) <= 4:
            raise ValidationError({code: _("Choose an answer from 1 to 4.")})
        checked.append((item, None if score is None else int(score)))
    return checked


def _apply_capital_scores(survey, parts: InstrumentParts, scores) -> None:
    for item, score in checked_capital_scores(parts, scores):
        if score is None:
            CapitalAnswer.objects.filter(survey=survey, item=item).delete()
            continue
        CapitalAnswer.objects.update_or_create(survey=survey, item=item, defaults={"score": score})


def check_accounts(values: dict) -> None:
    """Refuse unknown account fields and negative amounts (ValidationError)."""
    unknown = set(values) - set(SurveyAccounts.FIELDS)
    if unknown:
        raise ValidationError(f"Unknown account fields: {sorted(unknown)}")
    for name, value in values.items():
        if value is not None and Decimal(value) < 0:
            raise ValidationError({name: _("Enter zero or more.")})


def _apply_accounts(survey: Survey, values: dict) -> None:
    check_accounts(values)
    SurveyAccounts.objects.update_or_create(survey=survey, defaults=values)


def check_needs(categories: list[str], details: dict[str, str]) -> None:
    """Refuse unknown need categories and details of needs not named (ValidationError)."""
    unknown = set(categories) - _NEED_CATEGORIES
    if unknown:
        raise ValidationError(f"Unknown needs: {sorted(unknown)}")
    if set(details) - set(categories):
        raise ValidationError(
            f"Details for needs not named: {sorted(set(details) - set(categories))}"
        )


def _apply_needs(survey: Survey, categories: Iterable[str], details: dict[str, str]) -> None:
    """The household's needs become exactly `categories`; details of kept ones stay."""
    categories = list(categories)
    check_needs(categories, details)
    SurveyNeed.objects.filter(survey=survey).exclude(category__in=categories).delete()
    for category in categories:
        if category in details:
            SurveyNeed.objects.update_or_create(
                survey=survey,
                category=category,
                defaults={"detail": (details[category] or "").strip()[:300]},
            )
        else:
            SurveyNeed.objects.get_or_create(survey=survey, category=category)


# ---- completeness (submit) ---------------------------------------------------------------


@dataclass
class Problem:
    step: str
    message: str


def survey_problems(survey: Survey, parts: InstrumentParts | None = None) -> list[Problem]:
    """What still stops this survey from being submitted, by step (empty: complete)."""
    parts = parts or instrument_parts(survey.instrument)
    members = survey_members(survey, parts)
    return completeness_problems(
        survey,
        parts,
        members=[(m.person.pk, m.flags, m.indicators) for m in members],
        answered={
            (a.indicator_id, a.person_id) for a in IndicatorAnswer.objects.filter(survey=survey)
        },
        scored=set(CapitalAnswer.objects.filter(survey=survey).values_list("item_id", flat=True)),
        accounts=SurveyAccounts.objects.filter(survey=survey).first(),
    )


def completeness_problems(
    survey: Survey, parts: InstrumentParts, *, members, answered, scored, accounts
) -> list[Problem]:
    """The rules of `survey_problems` on data given (no query): the survey's consent fields,
    `members` [(person key, flags, indicators that apply)], `answered` {(indicator id, person
    key or None)}, `scored` {capital item ids} and the accounts (or None). The bulk survey
    import checks its surveys with it before writing them."""
    problems: list[Problem] = []
    if not survey.notice_given:
        problems.append(Problem("consent", _("Confirm that the privacy notice was given.")))
    if not survey.lawful_basis:
        problems.append(Problem("consent", _("Choose the lawful basis for collecting the data.")))
    if survey.sensitive_consent and not survey.consent_given_by.strip():
        problems.append(Problem("consent", _("Write who gave consent.")))
    if not members:
        problems.append(Problem("members", _("The household has no current members.")))
    if not survey.sensitive_consent and any(any(flags.values()) for _k, flags, _i in members):
        problems.append(
            Problem(
                "consent",
                _("Health or disability data is recorded: explicit consent is required."),
            )
        )
    # `.id`, not the `pk` property: a bulk import checks every indicator of every member.
    missing_members = [
        key
        for key, _flags, indicators in members
        for indicator in indicators
        if (indicator.id, key) not in answered
    ]
    if missing_members:
        problems.append(
            Problem(
                "members",
                _("Answer the indicators for every member they apply to (%(count)s missing).")
                % {"count": len(missing_members)},
            )
        )
    missing_household = [i for i in parts.household_indicators if (i.id, None) not in answered]
    if missing_household:
        problems.append(
            Problem(
                "basic_needs",
                _("Answer every basic-needs indicator (%(count)s missing).")
                % {"count": len(missing_household)},
            )
        )
    missing_items = [item for item in parts.items if item.id not in scored]
    if missing_items:
        problems.append(
            Problem(
                "capitals",
                _("Answer every livelihood question (%(count)s missing).")
                % {"count": len(missing_items)},
            )
        )
    missing_amounts = [
        name
        for name in SurveyAccounts.FIELDS
        if accounts is None or getattr(accounts, name) is None
    ]
    if missing_amounts:
        problems.append(
            Problem(
                "accounts",
                _(
                    "Fill in every amount of the household accounts; enter 0 for none "
                    "(%(count)s missing)."
                )
                % {"count": len(missing_amounts)},
            )
        )
    return problems


def submit_survey(*, actor, survey: Survey) -> Survey:
    """Hand a complete survey to the area manager; ValidationError lists what is missing."""
    with transaction.atomic():
        survey = _locked(survey)
        require(actor, Action.ENTER_SURVEY, survey)
        _check_allowed(survey, transitions.SUBMIT)
        parts = instrument_parts(survey.instrument)
        problems = survey_problems(survey, parts)
        if problems:
            raise ValidationError([p.message for p in problems])
        _store_derived_indicators(survey, parts)
        _transition(survey, actor, transitions.SUBMIT)
        survey.submitted_at = timezone.now()
        survey.last_step = "review"
        survey.save()
        record_audit_event(
            actor=actor,
            action="survey.submitted",
            target=survey,
            area_code=survey.household.area_id,
        )
        notices.survey_submitted(survey)
    return survey


def derived_indicator_results(
    parts: InstrumentParts, accounts, member_count: int, rules: ClassificationRuleSet
) -> list[tuple]:
    """[(indicator, result)] of the indicators computed at submission (income per person)."""
    return [
        (
            indicator,
            classification.income_indicator_result(
                accounts.monthly_income if accounts else None, member_count, rules.income_threshold
            ),
        )
        for indicator in parts.derived_indicators
    ]


def _store_derived_indicators(survey: Survey, parts: InstrumentParts) -> None:
    accounts = SurveyAccounts.objects.filter(survey=survey).first()
    member_count = current_members_of(survey.household).count()
    for indicator, result in derived_indicator_results(
        parts, accounts, member_count, current_rule_set()
    ):
        IndicatorAnswer.objects.update_or_create(
            survey=survey, indicator=indicator, person=None, defaults={"result": result}
        )


def return_survey(*, actor, survey: Survey, comment: str) -> Survey:
    """Send a submitted survey back to its facilitator with a comment saying what to correct."""
    comment = (comment or "").strip()
    with transaction.atomic():
        survey = _locked(survey)
        require(actor, Action.VERIFY_SURVEY, survey)
        _check_allowed(survey, transitions.RETURN)
        _ensure_not_own_survey(survey, actor)
        if not comment:
            raise ValidationError({"comment": _("Say what the facilitator should correct.")})
        _transition(survey, actor, transitions.RETURN, comment)
        survey.return_comment = comment
        survey.reviewed_by = actor
        survey.reviewed_at = timezone.now()
        survey.save()
        record_audit_event(
            actor=actor, action="survey.returned", target=survey, area_code=survey.household.area_id
        )
        notices.survey_returned(survey)
    return survey


def classify_survey(survey: Survey, rules: ClassificationRuleSet) -> classification.Classification:
    """Classify a survey's stored answers with a rule set (pure rules, data read here)."""
    parts = instrument_parts(survey.instrument)
    items = [
        classification.Item(i.code, i.capital, i.position, i.low_reason_th, i.low_reason_en)
        for i in parts.items
    ]
    code_of = {item.pk: item.code for item in parts.items}
    scores = {
        code_of[answer.item_id]: answer.score
        for answer in CapitalAnswer.objects.filter(survey=survey)
    }
    dimension_of = {i.pk: i.dimension for i in parts.all_indicators}
    indicator_results = [
        (dimension_of[answer.indicator_id], answer.result)
        for answer in IndicatorAnswer.objects.filter(survey=survey)
    ]
    card = survey.welfare_card_in_household or _household_holds_card(survey.household)
    return classification.classify(
        items=items,
        scores=scores,
        indicator_results=indicator_results,
        welfare_card_holder=card,
        rule_set=rules.as_rule(),
    )


def verify_survey(*, actor, survey: Survey, comment: str = "") -> ClassificationResult:
    """Accept a submitted survey, classify it with the current rule set and store the result."""
    with transaction.atomic():
        survey = _locked(survey)
        require(actor, Action.VERIFY_SURVEY, survey)
        _check_allowed(survey, transitions.VERIFY)
        _ensure_not_own_survey(survey, actor)
        rules = current_rule_set()
        outcome = classify_survey(survey, rules)
        result = ClassificationResult.objects.create(
            survey=survey,
            household=survey.household,
            area_id=survey.household.area_id,
            fiscal_year=survey.fiscal_year,
            rule_set=rules,
            rule_set_version=rules.version,
            **{f"score_{c}": outcome.capital_scores.get(c) for c in classification.CAPITALS},
            overall_score=outcome.overall_score,
            level=outcome.level,
            failed_dimensions=list(outcome.failed_dimensions),
            welfare_card_holder=outcome.welfare_card_holder,
            target_poor=outcome.target_poor,
            low_items=[item.as_dict() for item in outcome.low_items],
        )
        _transition(survey, actor, transitions.VERIFY, (comment or "").strip())
        survey.reviewed_by = actor
        survey.reviewed_at = timezone.now()
        survey.return_comment = ""
        survey.save()
        record_audit_event(
            actor=actor,
            action="survey.verified",
            target=survey,
            area_code=survey.household.area_id,
            details={
                "level": outcome.level,
                "overall_score": str(outcome.overall_score),
                "target_poor": outcome.target_poor,
                "rule_set": rules.version,
            },
        )
        _add_on_if_new(actor, survey, outcome.level)
        notices.survey_verified(survey)
    return result


def add_on_reason(level: str, fiscal_year: int) -> str:
    """The reason of an automatic Add-on, in the acting user's language, with the level's name."""
    return _("Classified as “%(level)s” in round %(year)s.") % {
        "level": Level(level).label,
        "year": fiscal_year,
    }


def _last_programme_event_kind(household: Household) -> str | None:
    return (
        ProgrammeEvent.objects.filter(household=household)
        .order_by("-occurred_on", "-id")
        .values_list("kind", flat=True)
        .first()
    )


def _add_on_if_new(actor, survey: Survey, level: str) -> None:
    """A household classified below "doing well" that is not in the programme now (never joined,
    or its most recent event is an Exit) joins it (Add-on), with the classification as its
    reason. Audited like an Add-on recorded by hand."""
    if level == Level.DOING_WELL:
        return
    household = survey.household
    if _last_programme_event_kind(household) == ProgrammeEventKind.ADD_ON:
        return
    event = ProgrammeEvent.objects.create(
        household=household,
        kind=ProgrammeEventKind.ADD_ON,
        reason=add_on_reason(level, survey.fiscal_year),
        occurred_on=timezone.localdate(),
        survey=survey,
        recorded_by=actor,
    )
    record_audit_event(
        actor=actor,
        action=f"household.programme_{ProgrammeEventKind.ADD_ON}",
        target=household,
        area_code=household.area_id,
        details={
            "event_id": event.pk,
            "survey": str(survey.public_id),
            "level": level,
            "automatic": True,
        },
    )


def record_programme_event(
    *, actor, household: Household, kind: str, reason: str, occurred_on: date | None = None
) -> ProgrammeEvent:
    """Record a household's entry into (Add-on) or exit from (Exit) the programme."""
    reason = (reason or "").strip()
    with transaction.atomic():
        require(actor, Action.VERIFY_SURVEY, household)
        if kind not in ProgrammeEventKind.values:
            raise ValidationError({"kind": _("Choose Add-on or Exit.")})
        if not reason:
            raise ValidationError({"reason": _("Give the reason.")})
        if _last_programme_event_kind(household) == kind:
            raise ValidationError(
                _("The household has already %(event)s.")
                % {"event": ProgrammeEventKind(kind).label}
            )
        event = ProgrammeEvent.objects.create(
            household=household,
            kind=kind,
            reason=reason,
            occurred_on=occurred_on or timezone.localdate(),
            recorded_by=actor,
        )
        record_audit_event(
            actor=actor,
            action=f"household.programme_{kind}",
            target=household,
            area_code=household.area_id,
        )
    return event


def record_survey_view(*, actor, survey: Survey) -> None:
    """A survey page names the household's members: every view is logged (PDPA s.37)."""
    require(actor, Action.VIEW_HOUSEHOLD, survey)
    record_audit_event(
        actor=actor, action="survey.viewed", target=survey, area_code=survey.household.area_id
    )
