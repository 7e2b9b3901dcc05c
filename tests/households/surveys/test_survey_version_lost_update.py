"""A step saved from a page or the API that was opened before someone else saved the survey is
not saved over their answers (Survey.version): the page shows the newer answers with a clear
message, the API answers 409 with the current version."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from households.models import CapitalAnswer
from households.surveys.services import StaleSurvey, save_survey_draft
from tests.households.surveys.survey_helpers import started_survey

pytestmark = pytest.mark.django_db


def _score(survey, code):
    return (
        CapitalAnswer.objects.filter(survey=survey, item__code=code)
        .values_list("score", flat=True)
        .first()
    )


def test_the_service_refuses_a_save_based_on_an_older_version(facilitator):
    survey = started_survey(facilitator)
    opened = survey.version
    save_survey_draft(actor=facilitator, survey=survey, capital_scores={"H1": 1})
    with pytest.raises(StaleSurvey):
        save_survey_draft(
            actor=facilitator, survey=survey, capital_scores={"H1": 4}, expected_version=opened
        )
    assert _score(survey, "H1") == 1


def test_the_page_shows_the_newer_answers_when_its_version_is_old(client, facilitator):
    survey = started_survey(facilitator)
    url = reverse("households:survey_step", args=[survey.public_id, "capitals"])
    client.force_login(facilitator)
    page = client.get(url).content.decode()
    assert f'name="version" value="{survey.version}"' in page
    opened = survey.version
    save_survey_draft(actor=facilitator, survey=survey, capital_scores={"H1": 1})  # a colleague
    with translation.override("th"):
        response = client.post(
            url, {"H1": "4", "version": str(opened), "go": "save"}, HTTP_ACCEPT_LANGUAGE="th"
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert "มีผู้อื่นบันทึกแบบสำรวจนี้" in body
    survey.refresh_from_db()
    assert f'name="version" value="{survey.version}"' in body
    assert _score(survey, "H1") == 1


def test_the_page_saves_on_the_current_version_and_moves_it_on(client, facilitator):
    survey = started_survey(facilitator)
    url = reverse("households:survey_step", args=[survey.public_id, "capitals"])
    client.force_login(facilitator)
    response = client.post(url, {"H1": "3", "version": str(survey.version), "go": "save"})
    assert response.status_code == 302
    assert _score(survey, "H1") == 3


def test_the_step_api_answers_409_for_an_older_version(facilitator):
    survey = started_survey(facilitator)
    opened = survey.version
    save_survey_draft(actor=facilitator, survey=survey, capital_scores={"H1": 1})
    client = Client()
    client.force_login(facilitator)
    url = reverse(
        "households_api:survey-steps", kwargs={"id": survey.public_id, "step": "capitals"}
    )
    stale = client.patch(
        url, data=json.dumps({"H1": "4", "version": opened}), content_type="application/json"
    )
    assert stale.status_code == 409
    survey.refresh_from_db()
    assert stale.json()["version"] == survey.version
    assert _score(survey, "H1") == 1
    fresh = client.patch(
        url,
        data=json.dumps({"H1": "4", "version": survey.version}),
        content_type="application/json",
    )
    assert fresh.status_code == 200
    assert fresh.json()["version"] == survey.version + 1
    assert _score(survey, "H1") == 4
