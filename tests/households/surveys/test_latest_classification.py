"""The one "latest classification" of a household: the latest round's verified result."""

import datetime

import pytest

from households import selectors
from households.surveys.services import start_survey, submit_survey, verify_survey
from tests.factories import household_with_head
from tests.households.surveys.survey_helpers import fill_survey, started_survey

pytestmark = pytest.mark.django_db


def test_latest_classification_is_the_latest_rounds(facilitator, area_manager):
    first = fill_survey(facilitator, started_survey(facilitator), score=1)
    verify_survey(actor=area_manager, survey=submit_survey(actor=facilitator, survey=first))
    assert selectors.latest_classification_of(first.household).fiscal_year == 2569
    second = start_survey(
        actor=facilitator, household=first.household, surveyed_on=datetime.date(2026, 10, 5)
    )
    fill_survey(facilitator, second, score=4)
    verify_survey(actor=area_manager, survey=submit_survey(actor=facilitator, survey=second))

    latest = selectors.latest_classification_of(first.household)

    assert (latest.fiscal_year, latest.survey_id) == (2570, second.pk)
    annotated = selectors.households_for_api(facilitator).get(pk=first.household.pk)
    assert annotated.latest_level == latest.level


def test_a_household_never_classified_has_no_latest_classification(villages):
    assert selectors.latest_classification_of(household_with_head()) is None
