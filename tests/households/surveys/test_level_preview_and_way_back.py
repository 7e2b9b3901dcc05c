"""The manager's review page: a jump link at the top to the actions at the end of the summary,
a preview of the level verifying would give (nothing saved), and after verifying a way back to
the household."""

from django.urls import reverse

from households.models import ClassificationResult, SurveyStatus
from households.surveys.services import submit_survey, verify_survey
from tests.households.surveys.survey_helpers import fill_survey, started_survey


def submitted_survey(facilitator, area_code="49010101"):
    return submit_survey(
        actor=facilitator, survey=fill_survey(facilitator, started_survey(facilitator, area_code))
    )


def verified_household(facilitator, area_manager, area_code="49010101"):
    """A household whose survey was verified (so it has a level)."""
    survey = submitted_survey(facilitator, area_code)
    verify_survey(actor=area_manager, survey=survey)
    return survey.household


def detail(survey):
    return reverse("households:survey_detail", kwargs={"survey_id": survey.public_id})


def test_review_page_previews_the_level_without_saving(client, facilitator, area_manager):
    survey = submitted_survey(facilitator)
    client.force_login(area_manager)
    body = client.get(detail(survey)).content.decode()
    assert 'data-testid="level-preview"' in body
    assert "หากรับรอง ครัวเรือนนี้จะถูกจัดอยู่ในระดับ" in body
    assert not ClassificationResult.objects.filter(survey=survey).exists()
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SUBMITTED


def test_the_preview_is_the_level_verifying_gives(client, facilitator, area_manager):
    survey = submitted_survey(facilitator)
    client.force_login(area_manager)
    body = client.get(detail(survey)).content.decode()
    preview = body[body.index('data-testid="level-preview"') :][:600]
    result = verify_survey(actor=area_manager, survey=survey)
    assert f"<strong>{result.get_level_display()}</strong>" in preview


def test_actions_come_after_the_summary_with_a_jump_link_at_the_top(
    client, facilitator, area_manager
):
    survey = submitted_survey(facilitator)
    client.force_login(area_manager)
    body = client.get(detail(survey)).content.decode()
    jump = body.index('data-testid="jump-to-review"')
    actions = body.index('id="review-actions"')
    summary = body.index("<h2>สมาชิก") if "<h2>สมาชิก" in body else body.index("<h2>Members")
    assert jump < summary < actions
    assert 'href="#review-actions"' in body


def test_after_verifying_the_page_offers_the_way_back(client, facilitator, area_manager):
    survey = submitted_survey(facilitator)
    client.force_login(area_manager)
    response = client.post(
        reverse("households:survey_verify", kwargs={"survey_id": survey.public_id}), follow=True
    )
    body = response.content.decode()
    assert 'data-testid="back-to-household"' in body
    assert reverse("households:household_detail", args=[survey.household.public_id]) in body
    assert reverse("households:review_queue") in body
