"""What a facilitator's phone keeps for work without a signal (issue 16), from scoped reads.

Only what the work needs: the leads of the work list (name, house number, village; no national
ID), the households the facilitator opened or pinned on this phone and those with a survey of
theirs to finish, each with its current members (name, relation, age; no national ID, no birth
date) and this round's survey; and the instrument's rules. Bounded by the facilitator's areas for
entering surveys and by OFFLINE_MAX_HOUSEHOLDS / OFFLINE_MAX_LEADS.
"""

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from ppaos.accounts.policy import Action, can
from ppaos.thai.thai_dates import fiscal_year_be

from ..models import Household, HouseholdStatus, Survey, SurveyStatus
from ..selectors import current_memberships, registrant_worklist
from ..surveys.selectors import (
    current_instrument,
    households_for_survey,
    instrument_parts,
    surveys_to_finish_for,
)
from ..surveys.transitions import EDIT, statuses_allowing
from .rules import instrument_rules, members_rules, saved_values


def _survey_state(survey: Survey | None, parts) -> dict | None:
    if survey is None:
        return None
    return {
        "id": str(survey.public_id),
        "version": survey.version,
        "status": survey.status,
        "status_label": str(survey.get_status_display()),
        "editable": survey.is_editable,
        "return_comment": survey.return_comment,
        "sensitive_consent": survey.sensitive_consent,
        "values": saved_values(survey, parts) if survey.is_editable else {},
    }


def offline_households(user, pinned_ids) -> list:
    """The households a phone keeps: pinned or opened ones (by public id) in the user's areas for
    entering surveys, then those with the user's surveys to finish, at most the configured
    number. An id outside the user's areas is simply not found."""
    limit = settings.OFFLINE_MAX_HOUSEHOLDS
    scoped = households_for_survey(user).filter(status=HouseholdStatus.ACTIVE)
    pinned = list(
        scoped.filter(public_id__in=list(pinned_ids)[:limit])
        .order_by("area_id", "id")
        .values_list("pk", flat=True)
    )
    to_finish = [
        pk
        for pk in surveys_to_finish_for(user).values_list("household_id", flat=True)[:limit]
        if pk not in pinned
    ]
    wanted = (pinned + to_finish)[:limit]
    # One query for the households, one for all their current members (no query per household).
    by_pk = {
        household.pk: household
        for household in Household.objects.filter(pk__in=wanted)
        .select_related("area")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=current_memberships().select_related("person").order_by("joined_on", "id"),
                to_attr="current_members",
            )
        )
    }
    return [by_pk[pk] for pk in wanted if pk in by_pk]


def offline_bundle(user, pinned_ids) -> dict:
    """Everything the offline pages need, as JSON-ready data."""
    instrument = current_instrument()
    parts = instrument_parts(instrument)
    today = timezone.localdate()
    round_year = fiscal_year_be(today)
    households = offline_households(user, pinned_ids)
    # This round's survey, or else the household's survey still to finish from an earlier round.
    surveys = {}
    for survey in (
        Survey.objects.filter(household__in=households)
        .filter(Q(fiscal_year=round_year) | Q(status__in=statuses_allowing(EDIT)))
        .select_related("instrument", "accounts")
        .prefetch_related("indicator_answers", "capital_answers", "needs")
        .order_by("household_id", "-fiscal_year")
    ):
        surveys.setdefault(survey.household_id, survey)
    by_pk = {household.pk: household for household in households}
    for survey in surveys.values():
        survey.household = by_pk[survey.household_id]  # with its prefetched members
    kept = []
    for household in households:
        survey = surveys.get(household.pk)
        survey_like = survey or Survey(
            household=household, instrument=instrument, surveyed_on=today, fiscal_year=round_year
        )
        kept.append(
            {
                "id": str(household.public_id),
                "house_number": household.house_number,
                "village": household.area.name_th,
                "area": household.area_id,
                "members": members_rules(survey_like, parts),
                "survey": _survey_state(survey, parts),
                "may_start": survey is None and can(user, Action.ENTER_SURVEY, household),
            }
        )
    leads = [
        {
            "id": str(registrant.public_id),
            "name": f"{registrant.title}{registrant.first_name} {registrant.last_name}",
            "house_number": registrant.house_number,
            "village": registrant.area.name_th,
        }
        for registrant in registrant_worklist(user).select_related("area")[
            : settings.OFFLINE_MAX_LEADS
        ]
    ]
    return {
        "user": user.pk,
        "synced_at": timezone.now().isoformat(),
        "round": round_year,
        "instrument": {"version": instrument.version, "title": instrument.title},
        "rules": instrument_rules(None, parts),
        "households": kept,
        "leads": leads,
        "max_days_unused": settings.OFFLINE_MAX_DAYS_UNUSED,
        "max_households": settings.OFFLINE_MAX_HOUSEHOLDS,
        "submitted_status": SurveyStatus.SUBMITTED,
        # The survey's state table decides where a survey can still be changed (transitions).
        "editable_statuses": list(statuses_allowing(EDIT)),
    }
