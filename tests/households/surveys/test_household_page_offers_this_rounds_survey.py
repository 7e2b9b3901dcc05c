"""The household page offers "start survey" only while this round has no survey; then it offers
to continue it (editable) or to view it (submitted). The survey page links back to its household."""

import pytest
from django.urls import reverse

from households.surveys.services import start_survey, submit_survey
from tests.households.surveys.survey_helpers import family, fill_survey

pytestmark = pytest.mark.django_db


def _page(client, household) -> str:
    return client.get(
        reverse("households:household_detail", args=[household.public_id])
    ).content.decode()


def test_start_survey_gives_way_to_continue_then_to_view(client, facilitator):
    household = family()
    client.force_login(facilitator)
    assert 'data-testid="start-survey"' in _page(client, household)
    survey = start_survey(actor=facilitator, household=household)
    page = _page(client, household)
    assert 'data-testid="start-survey"' not in page
    assert 'data-testid="continue-survey"' in page
    assert reverse("households:survey_step", args=[survey.public_id, "consent"]) in page
    submit_survey(actor=facilitator, survey=fill_survey(facilitator, survey))
    page = _page(client, household)
    assert 'data-testid="start-survey"' not in page
    assert 'data-testid="continue-survey"' not in page
    assert reverse("households:survey_detail", args=[survey.public_id]) in page


def test_the_submitted_survey_links_back_to_its_household(client, facilitator):
    household = family()
    survey = start_survey(actor=facilitator, household=household)
    submit_survey(actor=facilitator, survey=fill_survey(facilitator, survey))
    client.force_login(facilitator)
    page = client.get(reverse("households:survey_detail", args=[survey.public_id])).content.decode()
    assert 'data-testid="survey-household-link"' in page
    assert reverse("households:household_detail", args=[household.public_id]) in page
