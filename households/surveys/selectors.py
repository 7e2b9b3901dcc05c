"""Reads about surveys. Every list starts from a queryset scoped by the access policy."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from ppaos.accounts.policy import Action, scope_queryset

from ..models import (
    BasicNeedsIndicator,
    CapitalItem,
    Household,
    IndicatorScope,
    Membership,
    Person,
    Survey,
    SurveyInstrument,
    SurveyStatus,
)
from ..selectors import current_members_of
from . import transitions
from .classification import age_on, indicator_applies

SURVEY_AREA_FIELD = "household__area_id"


def _surveys() -> QuerySet:
    return Survey.objects.select_related(
        "household", "household__area", "surveyed_by", "instrument", "reviewed_by"
    )


def surveys_visible_to(user, action: Action = Action.VIEW_HOUSEHOLD) -> QuerySet:
    """Surveys of households in the user's scope for `action` (empty for no assignment)."""
    return scope_queryset(user, _surveys(), action, area_field=SURVEY_AREA_FIELD)


def surveys_editable_by(user) -> QuerySet:
    return surveys_visible_to(user, Action.ENTER_SURVEY)


def review_queue_for(user) -> QuerySet:
    """Submitted surveys the user may verify or return, oldest submission first."""
    return (
        surveys_visible_to(user, Action.VERIFY_SURVEY)
        .filter(status=SurveyStatus.SUBMITTED)
        .exclude(surveyed_by=user)  # four eyes: nobody reviews a survey they entered
        .order_by("submitted_at", "id")
    )


def surveys_to_finish_for(user, status: str = "") -> QuerySet:
    """The user's own surveys still to finish: returned ones first (they carry a comment), then
    drafts, most recently touched first. `status` ("draft" or "returned") keeps one tab."""
    queryset = (
        surveys_editable_by(user)
        .filter(surveyed_by=user, status__in=transitions.statuses_allowing(transitions.EDIT))
        .order_by("-status", "-updated_at")  # "returned" sorts after "draft": descending first
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def surveys_to_finish_counts(user) -> dict[str, int]:
    """How many of `surveys_to_finish_for(user)` are in each status (the tabs and home page)."""
    rows = surveys_to_finish_for(user).order_by().values_list("status").annotate(n=Count("id"))
    counts = dict(rows)
    return {s: counts.get(s, 0) for s in (SurveyStatus.RETURNED, SurveyStatus.DRAFT)}


def current_instrument() -> SurveyInstrument:
    return SurveyInstrument.objects.get(is_current=True)


@dataclass
class InstrumentParts:
    items: list[CapitalItem]
    household_indicators: list[BasicNeedsIndicator]
    member_indicators: list[BasicNeedsIndicator]
    derived_indicators: list[BasicNeedsIndicator]

    @property
    def all_indicators(self) -> list[BasicNeedsIndicator]:
        return self.household_indicators + self.member_indicators + self.derived_indicators


def instrument_parts(instrument: SurveyInstrument) -> InstrumentParts:
    items = list(CapitalItem.objects.filter(instrument=instrument).order_by("position"))
    indicators = list(BasicNeedsIndicator.objects.filter(instrument=instrument).order_by("number"))
    return InstrumentParts(
        items=items,
        household_indicators=[
            i for i in indicators if i.scope == IndicatorScope.HOUSEHOLD and not i.derived
        ],
        member_indicators=[i for i in indicators if i.scope == IndicatorScope.MEMBER],
        derived_indicators=[i for i in indicators if i.derived],
    )


@dataclass
class SurveyMember:
    person: Person
    membership: Membership
    age: int | None
    indicators: list[BasicNeedsIndicator] = field(default_factory=list)

    @property
    def flags(self) -> dict[str, bool]:
        return member_flags(self.person)


def member_flags(person: Person) -> dict[str, bool]:
    return {
        "disability": person.has_disability,
        "chronic_illness": person.has_chronic_illness,
        "bedridden": person.is_bedridden,
    }


def applicable_indicators(parts: InstrumentParts, age: int | None, flags) -> list:
    """The member-level indicators the survey asks of a member of this age with these flags."""
    return [
        indicator
        for indicator in parts.member_indicators
        if indicator_applies(
            min_age=indicator.min_age,
            max_age=indicator.max_age,
            condition=indicator.condition,
            age=age,
            flags=flags,
        )
    ]


def survey_members(survey: Survey, parts: InstrumentParts | None = None) -> list[SurveyMember]:
    """The household's current members with their age at the survey date and the member-level
    indicators that apply to each (by age, and by disability for indicator 28)."""
    parts = parts or instrument_parts(survey.instrument)
    on = survey.surveyed_on or timezone.localdate()
    members = []
    # The bundle prefetches every kept household's current members (`current_members`).
    memberships = getattr(survey.household, "current_members", None)
    if memberships is None:
        memberships = current_members_of(survey.household)
    for membership in memberships:
        person = membership.person
        age = age_on(person.birth_date, on)
        applicable = applicable_indicators(parts, age, member_flags(person))
        members.append(SurveyMember(person, membership, age, applicable))
    members.sort(key=lambda m: (m.membership.relation != "head", -(m.age or 0)))
    return members


def survey_with_answers(queryset: QuerySet) -> QuerySet:
    """Prefetch everything a survey page or an API detail shows."""
    return queryset.prefetch_related(
        "capital_answers",
        "indicator_answers",
        "needs",
        Prefetch("transitions", queryset=_transitions()),
    ).select_related("accounts", "result")


def _transitions():
    from ..models import SurveyTransition

    return SurveyTransition.objects.select_related("actor").order_by("at", "id")


def households_for_survey(user) -> QuerySet:
    """Households in which the user may enter surveys."""
    return scope_queryset(
        user, Household.objects.select_related("area"), Action.ENTER_SURVEY, area_field="area_id"
    )


def preview_classification(survey: Survey):
    """The level the survey would get if verified now: the pure classification run on its
    submitted answers with the current rule set, nothing saved (None if it cannot classify)."""
    from .services import classify_survey, current_rule_set  # services import this module

    try:
        return classify_survey(survey, current_rule_set())
    except Exception:  # noqa: BLE001 - a preview never breaks the review page
        return None
