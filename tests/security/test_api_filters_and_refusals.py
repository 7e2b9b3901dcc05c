"""Fixes found by the access probe and schemathesis: filters that 500ed, creates that validated
before refusing, schema fields that contradicted the answers."""

import pytest
from rest_framework.test import APIClient

from tests.factories import household_with_head

pytestmark = pytest.mark.django_db


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_persons_area_filter_keeps_persons_of_that_area(facilitator):
    here = household_with_head("49010101")
    household_with_head("49010102")
    body = _client(facilitator).get("/api/v1/persons/", {"area": "49010101"}).json()
    assert [row["household"] for row in body["results"]] == [str(here.public_id)]


def test_persons_area_filter_never_widens_the_scope(facilitator):
    household_with_head("49020101")
    response = _client(facilitator).get("/api/v1/persons/", {"area": "4902"})
    assert response.status_code == 200 and response.json()["results"] == []


def test_persons_area_filter_takes_any_text(facilitator):
    assert _client(facilitator).get("/api/v1/persons/", {"area": "x%_'"}).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/imports/jobs/",
        "/api/v1/households/",
        "/api/v1/referrals/",
        "/api/v1/referrals/approve-batch/",
        "/api/v1/surveys/",
    ],
)
def test_create_without_any_role_answers_403_before_validation(no_role_user, url):
    assert _client(no_role_user).post(url, {}).status_code == 403


def test_import_upload_by_a_role_without_imports_answers_403(facilitator):
    assert _client(facilitator).post("/api/v1/imports/jobs/", {}).status_code == 403


def test_persons_search_with_a_null_character_answers_400(facilitator):
    response = _client(facilitator).get("/api/v1/persons/", {"q": "สม\x00ศรี"})
    assert response.status_code == 400 and "q" in response.json()
