"""The survey's visit date against its round and today: in the service, on the consent step and
through the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from households.models import Survey
from households.surveys.services import save_survey_draft, start_survey
from ppaos.thai.thai_dates import fiscal_year_be
from tests.households.surveys.survey_helpers import family, started_survey

pytestmark = pytest.mark.django_db


def test_a_survey_cannot_start_with_a_visit_date_in_the_future(facilitator):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        start_survey(actor=facilitator, household=family(), surveyed_on=tomorrow)
    assert error.value.message_dict == {
        "surveyed_on": ["The date of the visit cannot be in the future."]
    }
    assert not Survey.objects.exists()


def test_a_survey_cannot_start_with_a_visit_date_outside_the_round(facilitator):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        start_survey(
            actor=facilitator,
            household=family(),
            fiscal_year=2569,
            surveyed_on=datetime.date(2025, 9, 30),  # round 2568
        )
    assert list(error.value.message_dict) == ["surveyed_on"]
    assert "round 2569" in error.value.message_dict["surveyed_on"][0]


def test_changing_the_visit_date_to_another_round_is_refused(facilitator):
    survey = started_survey(facilitator)  # 10 Nov 2025: round 2569
    with translation.override("en"), pytest.raises(ValidationError) as error:
        save_survey_draft(
            actor=facilitator,
            survey=survey,
            consent={"surveyed_on": datetime.date(2026, 10, 1)},  # round 2570
        )
    assert error.value.message_dict["surveyed_on"] == [
        "The date of the visit must fall in round 2569: from 1 October 2568 to 30 September 2569."
    ]
    survey.refresh_from_db()
    assert (survey.surveyed_on, survey.fiscal_year) == (datetime.date(2025, 11, 10), 2569)


def test_a_visit_date_within_the_round_is_saved(facilitator):
    survey = started_survey(facilitator)
    save_survey_draft(
        actor=facilitator, survey=survey, consent={"surveyed_on": datetime.date(2026, 9, 30)}
    )
    survey.refresh_from_db()
    assert survey.surveyed_on == datetime.date(2026, 9, 30)


def test_consent_step_shows_a_future_visit_date_beside_the_field(client, facilitator):
    today = timezone.localdate()
    survey = start_survey(actor=facilitator, household=family(), surveyed_on=today)
    tomorrow = today + datetime.timedelta(days=1)
    client.force_login(facilitator)
    response = client.post(
        reverse("households:survey_step", args=[survey.public_id, "consent"]),
        {"surveyed_on": tomorrow.isoformat(), "notice_given": "on", "go": "save"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["surveyed_on"] == [
        "The date of the visit cannot be in the future."
    ]
    survey.refresh_from_db()
    assert survey.surveyed_on == today and survey.fiscal_year == fiscal_year_be(today)


def test_survey_api_refuses_a_future_visit_date_on_the_field(facilitator):
    household = family()
    api = APIClient()
    api.force_authenticate(facilitator)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = api.post(
        "/api/v1/surveys/",
        {"household": str(household.public_id), "surveyed_on": tomorrow.isoformat()},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["surveyed_on"]
