"""Survey pages: steps, drafts that keep valid answers with errors beside fields, review, scope."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from households.models import CapitalAnswer, IndicatorAnswer, SurveyAccounts, SurveyStatus
from households.surveys.selectors import survey_members
from households.surveys.services import STEPS, submit_survey
from ppaos.audit.models import AuditEvent
from tests.households.surveys.survey_helpers import family, fill_survey, started_survey

pytestmark = pytest.mark.django_db


def step_url(survey, step):
    return reverse("households:survey_step", kwargs={"survey_id": survey.public_id, "step": step})


def detail_url(survey):
    return reverse("households:survey_detail", kwargs={"survey_id": survey.public_id})


def field_block(html: str, name: str) -> str:
    """The `<div class="field …" data-field="name">` block of one field."""
    match = re.search(rf'<div class="field[^"]*" data-field="{name}">(.*?)\n</div>', html, re.S)
    assert match, f"no field {name}"
    return match.group(0)


@pytest.mark.parametrize("step", STEPS)
def test_every_step_renders_for_the_facilitator(client, facilitator, step):
    survey = started_survey(facilitator)
    client.force_login(facilitator)
    response = client.get(step_url(survey, step))
    assert response.status_code == 200
    assert b"survey-steps" in response.content


def test_start_survey_from_a_household(client, facilitator):
    household = family()
    client.force_login(facilitator)
    response = client.post(
        reverse("households:survey_start", kwargs={"household_id": household.public_id})
    )
    survey = household.surveys.get()
    assert response.status_code == 302
    assert response["Location"] == step_url(survey, "consent")


def test_partly_valid_capitals_keep_valid_answers_and_show_the_error_beside_the_field(
    client, facilitator
):
    survey = started_survey(facilitator)
    client.force_login(facilitator)
    response = client.post(
        step_url(survey, "capitals"), {"H1": "2", "H2": "9", "H3": "4", "go": "next"}
    )
    assert response.status_code == 200  # stays on the step to show the error
    saved = dict(CapitalAnswer.objects.filter(survey=survey).values_list("item__code", "score"))
    assert saved == {"H1": 2, "H3": 4}
    html = response.content.decode()
    assert "errorlist" in field_block(html, "H2")
    assert "errorlist" not in field_block(html, "H1")
    # What the user chose stays selected on the re-rendered page.
    assert re.search(r'name="H3" value="4"[^>]*checked', field_block(html, "H3"))


def test_accounts_accept_thai_digits_and_separators(client, facilitator):
    survey = started_survey(facilitator)
    client.force_login(facilitator)
    response = client.post(
        step_url(survey, "accounts"),
        {"income_farming": "๖,๐๐๐", "income_wages": "3500 บาท", "savings": "lots", "go": "save"},
    )
    assert response.status_code == 200
    accounts = SurveyAccounts.objects.get(survey=survey)
    assert accounts.income_farming == Decimal("6000")
    assert accounts.income_wages == Decimal("3500")
    assert accounts.savings is None
    assert "errorlist" in field_block(response.content.decode(), "savings")


def test_errors_are_in_the_users_language(client, facilitator):
    survey = started_survey(facilitator)
    client.force_login(facilitator)
    client.cookies["django_language"] = "th"
    response = client.post(step_url(survey, "accounts"), {"debt_formal": "-5", "go": "save"})
    block = field_block(response.content.decode(), "debt_formal")
    assert "ค่านี้ต้องมากกว่าหรือเท่ากับ 0" in block  # Django's own Thai message
    client.cookies["django_language"] = "en"
    response = client.post(step_url(survey, "accounts"), {"debt_formal": "-5", "go": "save"})
    block = field_block(response.content.decode(), "debt_formal")
    assert "Ensure this value is greater than or equal to 0." in block


def test_health_flag_without_consent_errors_but_indicators_are_saved(client, facilitator):
    survey = started_survey(facilitator)
    child = next(m for m in survey_members(survey) if m.age == 10).person
    client.force_login(facilitator)
    response = client.post(
        step_url(survey, "members"),
        {f"m{child.pk}_disability": "on", f"m{child.pk}_bmn16": "pass", "go": "next"},
    )
    assert response.status_code == 200
    assert "errorlist" in field_block(response.content.decode(), f"m{child.pk}_disability")
    child.refresh_from_db()
    assert not child.has_disability
    assert IndicatorAnswer.objects.get(survey=survey, person=child).result == "pass"


def test_save_draft_stays_next_moves_on(client, facilitator):
    survey = started_survey(facilitator)
    client.force_login(facilitator)
    stay = client.post(
        step_url(survey, "consent"),
        {"notice_given": "on", "lawful_basis": "public_task", "go": "save"},
    )
    assert stay["Location"] == step_url(survey, "consent")
    go = client.post(
        step_url(survey, "consent"),
        {"notice_given": "on", "lawful_basis": "public_task", "go": "next"},
    )
    assert go["Location"] == step_url(survey, "members")
    survey.refresh_from_db()
    assert survey.notice_given and survey.last_step == "consent"


def test_review_lists_problems_and_submit_works_when_complete(client, facilitator):
    survey = started_survey(facilitator)
    client.force_login(facilitator)
    response = client.get(step_url(survey, "review"))
    assert b'data-testid="problems"' in response.content
    refused = client.post(
        reverse("households:survey_submit", kwargs={"survey_id": survey.public_id})
    )
    assert refused["Location"] == step_url(survey, "review")
    fill_survey(facilitator, survey)
    response = client.get(step_url(survey, "review"))
    assert b'data-testid="problems"' not in response.content
    client.post(reverse("households:survey_submit", kwargs={"survey_id": survey.public_id}))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SUBMITTED
    # A submitted survey's steps lead to its read-only page.
    assert client.get(step_url(survey, "capitals"))["Location"] == detail_url(survey)


def _submitted(facilitator, **kwargs):
    return submit_survey(
        actor=facilitator, survey=fill_survey(facilitator, started_survey(facilitator, **kwargs))
    )


def test_area_manager_returns_then_verifies(client, facilitator, area_manager):
    survey = _submitted(facilitator)
    client.force_login(area_manager)
    queue = client.get(reverse("households:review_queue"))
    assert str(survey.public_id) in queue.content.decode()
    page = client.get(detail_url(survey))
    assert b'data-testid="review-actions"' in page.content
    assert AuditEvent.objects.filter(action="survey.viewed").exists()
    empty = client.post(
        reverse("households:survey_return", kwargs={"survey_id": survey.public_id}),
        {"comment": ""},
    )
    assert empty.status_code == 400
    assert "errorlist" in field_block(empty.content.decode(), "comment")
    client.post(
        reverse("households:survey_return", kwargs={"survey_id": survey.public_id}),
        {"comment": "รายได้ไม่ตรงกับที่แจ้ง"},
    )
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.RETURNED
    # Back on the facilitator's list, with the comment.
    client.force_login(facilitator)
    mine = client.get(reverse("households:survey_list")).content.decode()
    assert "รายได้ไม่ตรงกับที่แจ้ง" in mine
    client.post(reverse("households:survey_submit", kwargs={"survey_id": survey.public_id}))
    client.force_login(area_manager)
    client.post(reverse("households:survey_verify", kwargs={"survey_id": survey.public_id}))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.VERIFIED
    page = client.get(detail_url(survey)).content.decode()
    assert 'data-testid="level-history"' in page
    assert survey.result.get_level_display() in page


# ---- scope ----------------------------------------------------------------------------------


def test_another_areas_survey_is_404(client, facilitator, neighbour_facilitator):
    survey = started_survey(facilitator)
    client.force_login(neighbour_facilitator)
    assert client.get(step_url(survey, "consent")).status_code == 404
    assert client.get(detail_url(survey)).status_code == 404
    household = family("49010102")
    response = client.post(
        reverse("households:survey_start", kwargs={"household_id": household.public_id})
    )
    assert response.status_code == 404


def test_wrong_roles_are_403(client, facilitator, executive, agency_staff):
    survey = _submitted(facilitator)
    client.force_login(facilitator)  # a facilitator cannot verify, return or see the queue
    verify = reverse("households:survey_verify", kwargs={"survey_id": survey.public_id})
    assert client.post(verify).status_code == 403
    back = reverse("households:survey_return", kwargs={"survey_id": survey.public_id})
    assert client.post(back, {"comment": "x"}).status_code == 403
    assert client.get(reverse("households:review_queue")).status_code == 403
    client.force_login(executive)  # aggregates only: no survey
    assert client.get(detail_url(survey)).status_code == 403
    assert client.get(reverse("households:survey_list")).status_code == 403
    client.force_login(agency_staff)
    assert client.get(detail_url(survey)).status_code == 403


def test_no_assignment_sees_empty_lists(client, facilitator, no_role_user):
    survey = _submitted(facilitator)
    client.force_login(no_role_user)
    queue = client.get(reverse("households:review_queue"))
    assert queue.status_code == 200
    assert str(survey.public_id) not in queue.content.decode()
    assert client.get(reverse("households:survey_list")).status_code == 200
    assert client.get(detail_url(survey)).status_code == 404


def test_list_pages_have_a_bounded_number_of_queries(
    client, facilitator, area_manager, django_assert_max_num_queries
):
    for _ in range(6):
        _submitted(facilitator)
    client.force_login(area_manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("households:review_queue"))
    assert response.content.decode().count('data-testid="open-review"') == 6
    for _ in range(3):
        started_survey(facilitator)
    client.force_login(facilitator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("households:survey_list"))
    assert response.content.decode().count("households/surveys/") >= 3


def test_household_page_starts_a_survey_and_shows_level_history_with_reasons(
    client, facilitator, area_manager
):
    from households.surveys.services import save_survey_draft, verify_survey

    survey = fill_survey(facilitator, started_survey(facilitator), score=2)
    save_survey_draft(actor=facilitator, survey=survey, capital_scores={"F2": 1})
    verify_survey(actor=area_manager, survey=submit_survey(actor=facilitator, survey=survey))
    household_url = reverse("households:household_detail", args=[survey.household.public_id])
    client.force_login(facilitator)
    client.cookies["django_language"] = "en"
    html = client.get(household_url).content.decode()
    assert 'data-testid="level-history"' in html
    assert "Struggling" in html and "1.95" in html
    # The reason, in plain words, for the debt item scored 1.
    assert "Debts are heavy or owed to informal lenders and hard to repay" in html
    client.cookies["django_language"] = "th"
    html = client.get(household_url).content.decode()
    assert "อยู่ยาก" in html
    assert "มีหนี้มากจนผ่อนได้ลำบาก หรือมีหนี้นอกระบบ" in html
