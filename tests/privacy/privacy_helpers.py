"""A classified household with a disabled member, built through the real survey services."""

import datetime

from households.models import Membership
from households.surveys.services import save_survey_draft, submit_survey, verify_survey
from privacy.models import IdentityMethod
from privacy.services import log_data_request
from tests.households.surveys.survey_helpers import fill_survey, started_survey


def classified_household_with_disabled_member(facilitator, area_manager, area_code="49010101"):
    """Everything passes but the care of the disabled member (จปฐ. 28, asked only of members with
    a disability): the household fails that dimension. Returns (household, disabled person)."""
    survey = started_survey(facilitator, area_code)
    person = Membership.objects.filter(household=survey.household, relation="spouse").get().person
    save_survey_draft(
        actor=facilitator,
        survey=survey,
        consent={"sensitive_consent": True, "consent_given_by": "ผู้ใหญ่บ้าน"},
        member_flags={person.pk: {"disability": True, "chronic_illness": True}},
    )
    fill_survey(facilitator, survey, score=3)
    save_survey_draft(
        actor=facilitator, survey=survey, indicator_results={("bmn28", person.pk): "fail"}
    )
    verify_survey(actor=area_manager, survey=submit_survey(actor=facilitator, survey=survey))
    return survey.household, person


def logged_request(officer, person, kind, *, received_on=None, **extra):
    return log_data_request(
        actor=officer,
        person=person,
        kind=kind,
        received_on=received_on or datetime.date.today(),
        identity_method=IdentityMethod.ID_CARD_SEEN,
        **extra,
    )
