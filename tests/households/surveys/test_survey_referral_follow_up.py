"""The referral follow-up asked during the next round's survey (closing the loop, issue 5)."""

import pytest
from django.urls import reverse
from django.utils import translation

from households.surveys.services import start_survey
from referrals import services as referrals
from referrals.models import Capital, ReferralFollowUp, Service, ServiceKind
from tests.households.surveys.survey_helpers import family, started_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def _completed_referral(household, facilitator, provincial_officer, agency_staff, agency):
    service = Service.objects.create(
        agency=agency,
        code="follow-up-in-survey",
        name_th="เบี้ยยังชีพผู้สูงอายุ",
        kind=ServiceKind.WELFARE,
        capital=Capital.FINANCIAL,
        expected_days=30,
    )
    referral = referrals.propose_referral(
        facilitator,
        household=household,
        service=service,
        need="ผู้สูงอายุไม่มีรายได้",
        reason="คะแนนทุนการเงินต่ำ",
        urgency="normal",
        contact_phone="0812345678",
        submit=True,
    )
    referrals.approve_referral(provincial_officer, referral=referral)
    referrals.accept_referral(agency_staff, referral=referral)
    referrals.start_referral(agency_staff, referral=referral)
    return referrals.complete_referral(
        agency_staff, referral=referral, outcome="ได้รับเบี้ยยังชีพเดือนละ 600 บาท"
    )


@pytest.mark.parametrize("step", ["needs", "review"])
def test_the_next_survey_asks_whether_completed_help_arrived(
    client, facilitator, provincial_officer, agency_staff, agency, step
):
    household = family()
    referral = _completed_referral(household, facilitator, provincial_officer, agency_staff, agency)
    survey = start_survey(actor=facilitator, household=household)
    client.force_login(facilitator)
    step_url = reverse("households:survey_step", args=[survey.public_id, step])

    body = client.get(step_url).content.decode()
    assert 'data-testid="follow-up-panel"' in body
    assert "Did the help arrive?" in body and "เบี้ยยังชีพผู้สูงอายุ" in body
    assert f'name="next" value="{step_url}"' in body

    response = client.post(
        reverse("referrals:record_follow_up", args=[referral.public_id]),
        {"arrived": "yes", "effect": "helped", "next": step_url},
    )
    assert response.status_code == 302 and response["Location"] == step_url
    follow_up = ReferralFollowUp.objects.get(referral=referral)
    assert (follow_up.arrived, follow_up.effect) == ("yes", "helped")
    # Answered once: the survey step no longer asks.
    assert 'data-testid="follow-up-panel"' not in client.get(step_url).content.decode()


def test_a_household_without_completed_referrals_is_not_asked(client, facilitator):
    survey = started_survey(facilitator)
    client.force_login(facilitator)
    body = client.get(reverse("households:survey_step", args=[survey.public_id, "needs"]))
    assert 'data-testid="follow-up-panel"' not in body.content.decode()
