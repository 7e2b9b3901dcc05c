"""A small village with verified surveys, built through the real survey services."""

from households.models import Person
from households.surveys.selectors import instrument_parts
from households.surveys.services import save_survey_draft, submit_survey, verify_survey
from tests.households.surveys.survey_helpers import fill_survey, started_survey

ROUND = 2569  # surveys made on 10 Nov 2025 (CE) belong to fiscal year 2569 (BE)


def verified(
    facilitator, area_manager, area_code="49010101", *, score=2, result="pass", capital_scores=None
):
    survey = fill_survey(
        facilitator, started_survey(facilitator, area_code), score=score, result=result
    )
    if capital_scores:
        parts = instrument_parts(survey.instrument)
        save_survey_draft(
            actor=facilitator,
            survey=survey,
            capital_scores={i.code: capital_scores.get(i.capital, score) for i in parts.items},
        )
    submit_survey(actor=facilitator, survey=survey)
    verify_survey(actor=area_manager, survey=survey)
    survey.refresh_from_db()
    return survey


def small_village(facilitator, area_manager):
    """Three verified households in 49010101 (scores 1, 2 and 3 — the third with human capital
    4), one draft survey there and one verified survey in 49010102; one disabled person."""
    a = verified(facilitator, area_manager, score=1, result="fail")
    b = verified(facilitator, area_manager, score=2, result="fail")
    c = verified(facilitator, area_manager, score=3, capital_scores={"human": 4})
    fill_survey(facilitator, started_survey(facilitator, "49010101"), score=1)  # a draft
    verified(facilitator, area_manager, "49010102", score=1, result="fail")  # another village
    disabled = Person.objects.filter(memberships__household=a.household).order_by("id").first()
    Person.objects.filter(pk=disabled.pk).update(has_disability=True)
    return [a, b, c]
