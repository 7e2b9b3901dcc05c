"""The survey's household accounts and needs: a blank amount clears the stored one, need details
are kept while the need is still named, and the service takes need categories."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from households.models import SurveyAccounts, SurveyNeed
from households.surveys.services import save_survey_draft
from tests.households.surveys.survey_helpers import started_survey

pytestmark = pytest.mark.django_db


def test_a_blank_amount_clears_the_stored_amount(client, facilitator):
    survey = started_survey(facilitator)
    save_survey_draft(
        actor=facilitator,
        survey=survey,
        accounts={"income_wages": Decimal("9000"), "savings": Decimal("500")},
    )
    client.force_login(facilitator)
    client.post(
        reverse("households:survey_step", args=[survey.public_id, "accounts"]),
        {"income_wages": "", "savings": "500", "go": "save"},
    )
    accounts = SurveyAccounts.objects.get(survey=survey)
    assert accounts.income_wages is None
    assert accounts.savings == Decimal("500")


def test_needs_step_keeps_the_details_of_needs_still_named(client, facilitator):
    survey = started_survey(facilitator)
    save_survey_draft(
        actor=facilitator,
        survey=survey,
        needs=["occupation", "housing"],
        need_details={"occupation": "เลี้ยงไก่", "housing": "หลังคารั่ว"},
    )
    client.force_login(facilitator)
    client.post(
        reverse("households:survey_step", args=[survey.public_id, "needs"]),
        {"needs": ["occupation", "education"], "needs_note": "", "go": "save"},
    )
    assert dict(SurveyNeed.objects.filter(survey=survey).values_list("category", "detail")) == {
        "occupation": "เลี้ยงไก่",
        "education": "",
    }


def test_save_survey_draft_takes_need_categories(facilitator):
    survey = started_survey(facilitator)
    save_survey_draft(
        actor=facilitator, survey=survey, needs=["occupation"], need_details={"occupation": "ไก่"}
    )
    save_survey_draft(actor=facilitator, survey=survey, needs=["occupation", "housing"])
    assert dict(SurveyNeed.objects.filter(survey=survey).values_list("category", "detail")) == {
        "occupation": "ไก่",
        "housing": "",
    }
    with pytest.raises(ValidationError):
        save_survey_draft(actor=facilitator, survey=survey, needs=["no_such_need"])
