"""Saving a survey step's draft through the API follows the pages' rules: valid answers kept,
wrong ones returned beside their field, consent rules refuse, other areas 404, wrong role 403."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from households.models import CapitalAnswer
from tests.households.surveys.survey_helpers import started_survey

pytestmark = pytest.mark.django_db


def _patch(user, survey, step, body):
    client = Client()
    client.force_login(user)
    url = reverse("households_api:survey-steps", kwargs={"id": survey.public_id, "step": step})
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def test_partly_valid_capitals_keep_valid_answers_and_return_the_error_by_field(facilitator):
    survey = started_survey(facilitator)
    response = _patch(facilitator, survey, "capitals", {"H1": "2", "H2": "9", "H3": "4"})
    assert response.status_code == 200
    body = response.json()
    assert body["saved_all"] is False
    assert list(body["errors"]) == ["H2"]
    saved = dict(CapitalAnswer.objects.filter(survey=survey).values_list("item__code", "score"))
    assert saved == {"H1": 2, "H3": 4}
    survey.refresh_from_db()
    assert survey.last_step == "capitals"


def test_consent_saves_through_the_api(facilitator):
    survey = started_survey(facilitator)
    response = _patch(
        facilitator, survey, "consent", {"notice_given": True, "lawful_basis": "public_task"}
    )
    assert response.status_code == 200, response.content
    survey.refresh_from_db()
    assert survey.notice_given is True


def test_health_flags_without_consent_are_refused_beside_the_field(facilitator):
    survey = started_survey(facilitator)
    member = survey.household.memberships.first()
    response = _patch(facilitator, survey, "members", {f"m{member.person_id}_disability": "on"})
    assert response.status_code in (200, 400)
    assert response.json()["errors"]


def test_scope_and_role(facilitator, neighbour_facilitator, executive):
    survey = started_survey(facilitator)
    assert _patch(neighbour_facilitator, survey, "capitals", {"H1": "2"}).status_code == 404
    assert _patch(executive, survey, "capitals", {"H1": "2"}).status_code == 403
    assert _patch(facilitator, survey, "review", {}).status_code == 404
