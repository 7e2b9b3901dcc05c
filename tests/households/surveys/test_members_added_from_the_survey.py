"""A member can be added from inside the survey's members step: the same add-member page and
service, and back to the members step afterwards, where the new member has their questions."""

import pytest
from django.urls import reverse

from households.models import Membership
from households.surveys.services import start_survey
from tests.factories import make_national_id
from tests.households.surveys.survey_helpers import family

pytestmark = pytest.mark.django_db


def test_adding_a_member_from_the_members_step_returns_to_it(client, facilitator):
    household = family()
    survey = start_survey(actor=facilitator, household=household)
    client.force_login(facilitator)
    step = reverse("households:survey_step", args=[survey.public_id, "members"])
    page = client.get(step).content.decode()
    add_url = (
        reverse("households:member_add", args=[household.public_id]) + f"?survey={survey.public_id}"
    )
    assert add_url in page.replace("&amp;", "&")
    form = client.get(add_url).content.decode()
    assert step in form  # cancel goes back to the step
    response = client.post(
        add_url,
        {
            "national_id": make_national_id(98765),
            "first_name": "น้องใหม่",
            "last_name": "ทดสอบ",
            "sex": "female",
            "birth_date": "2020-01-05",
            "relation": "grandchild",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == step
    assert Membership.objects.filter(household=household, person__first_name="น้องใหม่").exists()
    assert "น้องใหม่" in client.get(step).content.decode()


def test_another_households_survey_does_not_steer_the_return(client, facilitator):
    household, other = family(), family()
    survey = start_survey(actor=facilitator, household=other)
    client.force_login(facilitator)
    url = (
        reverse("households:member_add", args=[household.public_id]) + f"?survey={survey.public_id}"
    )
    form = client.get(url).content.decode()
    assert reverse("households:survey_step", args=[survey.public_id, "members"]) not in form
    assert (
        client.get(
            reverse("households:member_add", args=[household.public_id]) + "?survey=not-a-uuid"
        ).status_code
        == 200
    )
