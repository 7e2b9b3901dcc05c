"""The survey state table (DESIGN.md §5): declared once, enforced by every survey service; the
four-eyes rule on review; the consent rule in the service."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from households.models import Survey, SurveyStatus
from households.surveys import transitions as table
from households.surveys.services import (
    return_survey,
    save_survey_draft,
    submit_survey,
    survey_problems,
    verify_survey,
)
from ppaos.accounts.models import Role
from tests.factories import UserFactory, assign
from tests.households.surveys.survey_helpers import fill_survey, started_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted by their English msgids (the Thai catalogue may change wording)."""
    with translation.override("en"):
        yield


def test_the_table_covers_every_status_and_leads_only_to_statuses():
    assert set(table.SURVEY_TRANSITIONS) == set(SurveyStatus.values)
    for actions in table.SURVEY_TRANSITIONS.values():
        assert set(actions) <= set(table.ACTIONS)
        assert set(actions.values()) <= set(SurveyStatus.values)
    assert table.INITIAL_STATUS == SurveyStatus.DRAFT


@pytest.mark.parametrize("status", SurveyStatus.values)
def test_is_editable_follows_the_table(status):
    assert Survey(status=status).is_editable is table.allows(status, table.EDIT)
    assert Survey(status=status).is_editable is (status in ("draft", "returned"))


def _in_status(facilitator, area_manager, status) -> Survey:
    survey = fill_survey(facilitator, started_survey(facilitator))
    if status == "draft":
        return survey
    survey = submit_survey(actor=facilitator, survey=survey)
    if status == "returned":
        return return_survey(actor=area_manager, survey=survey, comment="แก้รายได้")
    if status == "verified":
        verify_survey(actor=area_manager, survey=survey)
        survey.refresh_from_db()
    return survey


def _run(action, survey, facilitator, area_manager):
    if action == table.EDIT:
        return save_survey_draft(actor=facilitator, survey=survey, needs_note="x")
    if action == table.SUBMIT:
        return submit_survey(actor=facilitator, survey=survey)
    if action == table.VERIFY:
        return verify_survey(actor=area_manager, survey=survey)
    return return_survey(actor=area_manager, survey=survey, comment="ตรวจใหม่")


REFUSED = [
    (status, action)
    for status in SurveyStatus.values
    for action in table.ACTIONS
    if not table.allows(status, action)
]


def test_every_status_refuses_something_and_verified_refuses_everything():
    assert {action for status, action in REFUSED if status == "verified"} == set(table.ACTIONS)
    assert ("draft", table.VERIFY) in REFUSED and ("submitted", table.EDIT) in REFUSED


@pytest.mark.parametrize(("status", "action"), REFUSED)
def test_every_refused_transition_is_refused_by_the_service(
    facilitator, area_manager, status, action
):
    survey = _in_status(facilitator, area_manager, status)
    history = survey.transitions.count()
    with pytest.raises(ValidationError) as refused:
        _run(action, survey, facilitator, area_manager)
    assert refused.value.code == "transition_refused"
    survey.refresh_from_db()
    assert survey.status == status and survey.transitions.count() == history


@pytest.mark.parametrize(
    ("status", "action"),
    [(s, a) for s, actions in table.SURVEY_TRANSITIONS.items() for a in actions],
)
def test_every_allowed_transition_leads_where_the_table_says(
    facilitator, area_manager, status, action
):
    survey = _in_status(facilitator, area_manager, status)
    _run(action, survey, facilitator, area_manager)
    survey.refresh_from_db()
    assert survey.status == table.next_status(status, action)


# ---- four eyes ---------------------------------------------------------------------------


@pytest.mark.parametrize("review", ["verify", "return"])
def test_an_area_manager_cannot_review_their_own_survey(area_manager, review):
    survey = submit_survey(
        actor=area_manager, survey=fill_survey(area_manager, started_survey(area_manager))
    )
    with pytest.raises(ValidationError) as refused:
        if review == "verify":
            verify_survey(actor=area_manager, survey=survey)
        else:
            return_survey(actor=area_manager, survey=survey, comment="ตรวจใหม่")
    assert refused.value.code == "own_survey"
    assert "another area manager" in refused.value.messages[0]
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SUBMITTED
    # Another area manager of the district may.
    colleague = assign(UserFactory(username="mgr2_4901"), Role.AREA_MANAGER, "4901")
    verify_survey(actor=colleague, survey=survey)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.VERIFIED


def test_the_review_page_and_queue_offer_no_review_of_ones_own_survey(client, area_manager):
    from django.urls import reverse

    survey = submit_survey(
        actor=area_manager, survey=fill_survey(area_manager, started_survey(area_manager))
    )
    client.force_login(area_manager)
    detail = client.get(reverse("households:survey_detail", args=[survey.public_id]))
    assert b'data-testid="review-actions"' not in detail.content
    queue = client.get(reverse("households:review_queue"))
    assert str(survey.public_id).encode() not in queue.content
    response = client.post(reverse("households:survey_verify", args=[survey.public_id]))
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SUBMITTED


# ---- consent: who gave it is required with sensitive consent, in the service ---------------


def test_sensitive_consent_without_who_gave_it_is_refused_by_the_service(facilitator):
    survey = started_survey(facilitator)
    with pytest.raises(ValidationError) as refused:
        save_survey_draft(actor=facilitator, survey=survey, consent={"sensitive_consent": True})
    assert "consent_given_by" in refused.value.message_dict
    survey.refresh_from_db()
    assert survey.sensitive_consent is False
    save_survey_draft(
        actor=facilitator,
        survey=survey,
        consent={"sensitive_consent": True, "consent_given_by": "นางสมศรี (คู่สมรส)"},
    )
    survey.refresh_from_db()
    assert survey.sensitive_consent and survey.consent_recorded_at is not None
    # Clearing who gave it while consent stands is refused too.
    with pytest.raises(ValidationError):
        save_survey_draft(actor=facilitator, survey=survey, consent={"consent_given_by": " "})


def test_a_survey_with_consent_but_no_name_of_who_gave_it_cannot_be_submitted(facilitator):
    survey = fill_survey(facilitator, started_survey(facilitator))
    Survey.objects.filter(pk=survey.pk).update(sensitive_consent=True, consent_given_by="")
    survey.refresh_from_db()
    assert "Write who gave consent." in [p.message for p in survey_problems(survey)]
    with pytest.raises(ValidationError):
        submit_survey(actor=facilitator, survey=survey)
