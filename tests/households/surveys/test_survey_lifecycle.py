"""Survey services: start, drafts that never lose valid parts, submit, return, verify."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from households.models import (
    CapitalAnswer,
    ClassificationResult,
    IndicatorAnswer,
    ProgrammeEvent,
    Survey,
    SurveyStatus,
)
from households.selectors import level_history_for
from households.surveys.selectors import (
    instrument_parts,
    review_queue_for,
    survey_members,
    surveys_to_finish_for,
    surveys_visible_to,
)
from households.surveys.services import (
    record_programme_event,
    return_survey,
    save_survey_draft,
    start_survey,
    submit_survey,
    survey_problems,
    verify_survey,
)
from ppaos.audit.models import AuditEvent
from tests.households.surveys.survey_helpers import family, fill_survey, started_survey

pytestmark = pytest.mark.django_db


def test_start_survey_opens_a_draft_for_the_fiscal_round(facilitator):
    survey = started_survey(facilitator)
    assert survey.status == SurveyStatus.DRAFT
    assert survey.fiscal_year == 2569  # 10 Nov 2025 is in fiscal year 2569 BE (from 1 Oct 2025)
    assert survey.instrument.is_current
    assert survey.welfare_card_in_household  # the head holds a card
    assert AuditEvent.objects.filter(action="survey.started").count() == 1


def test_one_survey_per_household_per_round(facilitator):
    survey = started_survey(facilitator)
    with pytest.raises(ValidationError):
        start_survey(
            actor=facilitator, household=survey.household, surveyed_on=datetime.date(2026, 2, 1)
        )
    # The next fiscal year is a new round.
    later = start_survey(
        actor=facilitator, household=survey.household, surveyed_on=datetime.date(2026, 10, 1)
    )
    assert later.fiscal_year == 2570


def test_start_survey_outside_area_is_refused(neighbour_facilitator):
    household = family("49010101")
    with pytest.raises(PermissionDenied):
        start_survey(actor=neighbour_facilitator, household=household)


def test_members_get_the_indicators_for_their_age(facilitator):
    survey = started_survey(facilitator)
    members = survey_members(survey)
    by_age = {m.age: {i.number for i in m.indicators} for m in members}
    assert by_age[45] == {7, 19, 20}
    assert by_age[10] == {7, 16}
    assert by_age[70] == {7, 21, 27}


def test_a_partly_valid_draft_keeps_what_was_given(facilitator):
    survey = started_survey(facilitator)
    save_survey_draft(actor=facilitator, survey=survey, step="capitals", capital_scores={"H1": 2})
    save_survey_draft(actor=facilitator, survey=survey, step="capitals", capital_scores={"H2": 3})
    scores = dict(CapitalAnswer.objects.filter(survey=survey).values_list("item__code", "score"))
    assert scores == {"H1": 2, "H2": 3}  # the second save did not lose the first
    survey.refresh_from_db()
    assert survey.last_step == "capitals"
    # Clearing one answer clears only that one.
    save_survey_draft(actor=facilitator, survey=survey, capital_scores={"H1": None})
    assert list(
        CapitalAnswer.objects.filter(survey=survey).values_list("item__code", flat=True)
    ) == ["H2"]


def test_health_data_needs_explicit_consent(facilitator):
    survey = started_survey(facilitator)
    grandmother = next(m for m in survey_members(survey) if m.age == 70).person
    with pytest.raises(ValidationError):
        save_survey_draft(
            actor=facilitator, survey=survey, member_flags={grandmother.pk: {"disability": True}}
        )
    grandmother.refresh_from_db()
    assert not grandmother.has_disability
    save_survey_draft(
        actor=facilitator,
        survey=survey,
        consent={"sensitive_consent": True, "consent_given_by": "ลูกสาว"},
        member_flags={grandmother.pk: {"disability": True}},
    )
    grandmother.refresh_from_db()
    survey.refresh_from_db()
    assert grandmother.has_disability and survey.consent_recorded_at is not None
    # Indicator 28 (care for a person with a disability) now applies to her.
    member = next(m for m in survey_members(survey) if m.person.pk == grandmother.pk)
    assert 28 in {i.number for i in member.indicators}
    # Consent cannot be withdrawn while the data is held.
    with pytest.raises(ValidationError):
        save_survey_draft(actor=facilitator, survey=survey, consent={"sensitive_consent": False})


def test_submit_lists_what_is_missing_then_succeeds(facilitator):
    survey = started_survey(facilitator)
    problems = {p.step for p in survey_problems(survey)}
    assert problems == {"consent", "members", "basic_needs", "capitals", "accounts"}
    with pytest.raises(ValidationError):
        submit_survey(actor=facilitator, survey=survey)
    fill_survey(facilitator, survey)
    assert survey_problems(survey) == []
    survey = submit_survey(actor=facilitator, survey=survey)
    assert survey.status == SurveyStatus.SUBMITTED and survey.submitted_at
    # Indicator 22 is computed from the accounts: 10,000 a month × 12 / 4 members = 30,000 < 38,000.
    derived = IndicatorAnswer.objects.get(survey=survey, indicator__number=22)
    assert derived.result == "fail"
    with pytest.raises(ValidationError):  # a submitted survey is no longer a draft
        save_survey_draft(actor=facilitator, survey=survey, capital_scores={"H1": 4})


def test_return_needs_a_comment_and_goes_back_to_the_facilitator(facilitator, area_manager):
    survey = submit_survey(
        actor=facilitator, survey=fill_survey(facilitator, started_survey(facilitator))
    )
    assert list(review_queue_for(area_manager)) == [survey]
    with pytest.raises(ValidationError):
        return_survey(actor=area_manager, survey=survey, comment="  ")
    survey = return_survey(actor=area_manager, survey=survey, comment="ตรวจสอบรายได้อีกครั้ง")
    assert survey.status == SurveyStatus.RETURNED
    assert list(surveys_to_finish_for(facilitator)) == [survey]
    assert list(review_queue_for(area_manager)) == []
    # The facilitator corrects and resubmits.
    save_survey_draft(actor=facilitator, survey=survey, accounts={"income_wages": Decimal("9000")})
    survey = submit_survey(actor=facilitator, survey=survey)
    assert survey.status == SurveyStatus.SUBMITTED
    transitions = list(survey.transitions.values_list("to_status", "comment"))
    assert transitions == [
        ("draft", ""),
        ("submitted", ""),
        ("returned", "ตรวจสอบรายได้อีกครั้ง"),
        ("submitted", ""),
    ]


def test_facilitator_cannot_verify_or_return(facilitator):
    survey = submit_survey(
        actor=facilitator, survey=fill_survey(facilitator, started_survey(facilitator))
    )
    with pytest.raises(PermissionDenied):
        verify_survey(actor=facilitator, survey=survey)
    with pytest.raises(PermissionDenied):
        return_survey(actor=facilitator, survey=survey, comment="x")


def test_verify_classifies_and_stores_the_result_with_reasons(facilitator, area_manager):
    survey = fill_survey(facilitator, started_survey(facilitator), score=2)
    save_survey_draft(actor=facilitator, survey=survey, capital_scores={"F2": 1})
    survey = submit_survey(actor=facilitator, survey=survey)
    result = verify_survey(actor=area_manager, survey=survey)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.VERIFIED and survey.reviewed_by == area_manager
    # Financial: (2 + 1 + 2 + 2) / 4 = 1.75; others 2.00; overall (4 × 2 + 1.75) / 5 = 1.95.
    assert result.score_financial == Decimal("1.75")
    assert result.overall_score == Decimal("1.95")
    assert result.level == "struggling"
    assert result.rule_set_version == "1"
    # Indicator 22 failed (income), the household holds a welfare card: target poor.
    assert result.failed_dimensions == ["income"]
    assert result.target_poor
    assert result.low_items[0]["code"] == "F2"
    assert "หนี้" in result.low_items[0]["reason_th"]
    assert result.area_id == "49010101" and result.fiscal_year == 2569
    # First classification below "doing well": the household joins the programme.
    event = ProgrammeEvent.objects.get(household=survey.household)
    assert event.kind == "add_on"
    assert AuditEvent.objects.filter(action="survey.verified").count() == 1
    with pytest.raises(ValidationError):
        verify_survey(actor=area_manager, survey=survey)


def test_no_welfare_card_means_not_target_poor(facilitator, area_manager):
    survey = fill_survey(facilitator, started_survey(facilitator, card=False), result="fail")
    save_survey_draft(
        actor=facilitator, survey=survey, consent={"welfare_card_in_household": False}
    )
    result = verify_survey(
        actor=area_manager, survey=submit_survey(actor=facilitator, survey=survey)
    )
    assert set(result.failed_dimensions) == {"health", "living", "education", "income", "access"}
    assert not result.target_poor


def test_level_history_over_rounds(facilitator, area_manager):
    first = fill_survey(facilitator, started_survey(facilitator), score=1)
    verify_survey(actor=area_manager, survey=submit_survey(actor=facilitator, survey=first))
    second = start_survey(
        actor=facilitator, household=first.household, surveyed_on=datetime.date(2026, 10, 5)
    )
    fill_survey(facilitator, second, score=3)
    verify_survey(actor=area_manager, survey=submit_survey(actor=facilitator, survey=second))
    history = level_history_for(first.household)
    assert [(r.fiscal_year, r.level) for r in history] == [
        (2569, "in_hardship"),
        (2570, "getting_by"),
    ]
    assert len(history[0].reasons()) == 5 and history[1].reasons() == []


def test_programme_exit_needs_a_reason_and_follows_an_add_on(facilitator, area_manager):
    household = family()
    with pytest.raises(ValidationError):
        record_programme_event(actor=area_manager, household=household, kind="exit", reason="")
    record_programme_event(
        actor=area_manager, household=household, kind="add_on", reason="พบในการสอบทาน"
    )
    with pytest.raises(ValidationError):
        record_programme_event(actor=area_manager, household=household, kind="add_on", reason="ซ้ำ")
    record_programme_event(
        actor=area_manager, household=household, kind="exit", reason="อยู่ดีสองรอบติดกัน"
    )
    assert list(household.programme_events.values_list("kind", flat=True)) == ["add_on", "exit"]
    with pytest.raises(PermissionDenied):
        record_programme_event(actor=facilitator, household=household, kind="add_on", reason="x")


def test_scoped_selectors(facilitator, neighbour_facilitator, executive, no_role_user):
    survey = started_survey(facilitator)
    assert list(surveys_visible_to(facilitator)) == [survey]
    assert list(surveys_visible_to(neighbour_facilitator)) == []
    assert list(surveys_visible_to(executive)) == []  # aggregates only
    assert list(surveys_visible_to(no_role_user)) == []
    assert Survey.objects.count() == 1
    assert ClassificationResult.objects.count() == 0


def test_instrument_parts_split_household_member_and_computed(facilitator):
    survey = started_survey(facilitator)
    parts = instrument_parts(survey.instrument)
    assert len(parts.items) == 21
    assert [i.number for i in parts.household_indicators] == [4, 5, 8, 9, 10, 11]
    assert [i.number for i in parts.derived_indicators] == [22]
    assert len(parts.all_indicators) == 17
