"""The automatic Add-on when a verified survey classifies a household below "doing well": audited,
its reason in the user's language with the level's name, and only when the household is not in
the programme now (a household that left can come back)."""

import datetime

import pytest
from django.utils import translation

from households.models import ProgrammeEvent, Survey
from households.surveys.services import (
    record_programme_event,
    start_survey,
    submit_survey,
    verify_survey,
)
from ppaos.audit.models import AuditEvent
from tests.households.surveys.survey_helpers import fill_survey, started_survey

pytestmark = pytest.mark.django_db


def _verified(facilitator, manager, survey: Survey, score=2) -> Survey:
    survey = submit_survey(actor=facilitator, survey=fill_survey(facilitator, survey, score=score))
    verify_survey(actor=manager, survey=survey)
    return survey


def test_the_automatic_add_on_is_audited_and_reads_in_the_users_language(facilitator, area_manager):
    with translation.override("en"):
        survey = _verified(facilitator, area_manager, started_survey(facilitator))
    event = ProgrammeEvent.objects.get(household=survey.household)
    assert event.kind == "add_on" and event.survey == survey
    assert event.reason == "Classified as “Struggling” in round 2569."
    assert "struggling" not in event.reason
    audit = AuditEvent.objects.get(action="household.programme_add_on")
    assert audit.actor == area_manager
    assert audit.object_id == str(survey.household.public_id)
    assert audit.details["automatic"] is True and audit.details["level"] == "struggling"


def test_a_household_that_left_the_programme_re_enters_when_classified_low_again(
    facilitator, area_manager
):
    first = _verified(facilitator, area_manager, started_survey(facilitator))
    household = first.household
    record_programme_event(
        actor=area_manager,
        household=household,
        kind="exit",
        reason="มีรายได้พอ",
    )
    later = start_survey(
        actor=facilitator,
        household=household,
        surveyed_on=first.surveyed_on + datetime.timedelta(days=365),
    )
    _verified(facilitator, area_manager, later)
    kinds = list(household.programme_events.order_by("id").values_list("kind", flat=True))
    assert kinds == ["add_on", "exit", "add_on"]


def test_a_household_already_in_the_programme_is_not_added_twice(facilitator, area_manager):
    first = _verified(facilitator, area_manager, started_survey(facilitator))
    later = start_survey(
        actor=facilitator,
        household=first.household,
        surveyed_on=first.surveyed_on + datetime.timedelta(days=365),
    )
    _verified(facilitator, area_manager, later)
    assert ProgrammeEvent.objects.filter(household=first.household).count() == 1
