"""Starting a survey: a refused start returns to a page of this site, never off site."""

import pytest
from django.urls import reverse
from django.utils import translation

from households.models import HouseholdStatus
from tests.households.surveys.survey_helpers import family

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def _refused_start(client, facilitator, next_url):
    household = family()
    household.status = HouseholdStatus.DISSOLVED
    household.save()
    client.force_login(facilitator)
    return client.post(
        reverse("households:survey_start", kwargs={"household_id": household.public_id}),
        {"next": next_url},
    )


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/phish", "//evil.example/", "http://testserver.evil/"]
)
def test_a_refused_start_never_redirects_off_site(client, facilitator, next_url):
    response = _refused_start(client, facilitator, next_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("households:survey_list")


def test_a_refused_start_returns_to_a_page_of_this_site(client, facilitator):
    back = reverse("households:worklist")
    response = _refused_start(client, facilitator, back)
    assert response["Location"] == back
