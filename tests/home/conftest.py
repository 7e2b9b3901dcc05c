"""A world with known numbers of each kind of work, built through the real services."""

import datetime

import pytest

from households.surveys.services import return_survey, submit_survey
from referrals.models import Referral
from tests.factories import RegistrantFactory
from tests.households.surveys.survey_helpers import fill_survey, started_survey
from tests.referrals import conftest as referral_fixtures

# The referral tests' fixtures, shared here.
household = referral_fixtures.household
service = referral_fixtures.service
make_referral = referral_fixtures.make_referral

EXPECTED = {
    "leads": 3,
    "surveys_draft": 2,
    "surveys_returned": 1,
    "surveys_to_verify": 1,
    "referrals_follow_up": 1,
    "referrals_drafts": 1,
    "referrals_to_approve": 2,
    "referrals_declined": 1,
    "referrals_overdue": 1,
    "agency_new": 1,
    "agency_accepted": 1,
    "agency_in_progress": 1,
    "agency_overdue": 1,
}


@pytest.fixture
def work_world(facilitator, area_manager, provincial_officer, agency_staff, make_referral):
    """3 leads, 2 drafts, 1 returned and 1 submitted survey; referrals: 2 submitted, 1 declined,
    1 approved (new), 1 accepted and overdue, 1 in progress, 1 completed awaiting follow-up."""
    for _ in range(EXPECTED["leads"]):
        RegistrantFactory(area_id="49010101")
    for _ in range(EXPECTED["surveys_draft"]):
        started_survey(facilitator)
    returned = submit_survey(
        actor=facilitator, survey=fill_survey(facilitator, started_survey(facilitator))
    )
    return_survey(actor=area_manager, survey=returned, comment="แก้รายได้")
    submitted = submit_survey(
        actor=facilitator, survey=fill_survey(facilitator, started_survey(facilitator))
    )
    for _ in range(EXPECTED["referrals_to_approve"]):
        make_referral("submitted")
    make_referral("declined")
    make_referral("approved")
    overdue = make_referral("accepted")
    Referral.objects.filter(pk=overdue.pk).update(
        due_on=datetime.date.today() - datetime.timedelta(days=3)
    )
    make_referral("in_progress")
    make_referral("completed")
    make_referral("draft")
    return {"returned": returned, "submitted": submitted, "overdue": overdue}
