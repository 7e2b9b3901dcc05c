"""The consent rule of the survey's consent step, shown beside its field."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.households.surveys.survey_helpers import started_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def test_consent_without_who_gave_it_is_shown_beside_the_field(client, facilitator):
    survey = started_survey(facilitator)
    client.force_login(facilitator)
    url = reverse("households:survey_step", args=[survey.public_id, "consent"])
    response = client.post(url, {"notice_given": "on", "sensitive_consent": "on", "go": "save"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Write who gave consent." in body
    assert "Nothing on this step was saved" in body
    survey.refresh_from_db()
    assert survey.sensitive_consent is False
