"""Building households and complete surveys for survey tests (through the real services)."""

import datetime
from decimal import Decimal

from households.models import Membership, Survey
from households.surveys.selectors import instrument_parts, survey_members
from households.surveys.services import save_survey_draft, start_survey
from tests.factories import PersonFactory, household_with_head


def family(area_code: str = "49010101", *, card: bool = True):
    """A household of four: head 45, spouse 42, child 10, grandmother 70."""
    household = household_with_head(
        area_code, birth_date=datetime.date(1980, 3, 1), welfare_card_holder=card
    )
    for relation, born in [
        ("spouse", datetime.date(1983, 5, 2)),
        ("child", datetime.date(2015, 7, 9)),
        ("parent", datetime.date(1955, 1, 20)),
    ]:
        Membership.objects.create(
            household=household,
            person=PersonFactory(birth_date=born),
            relation=relation,
            joined_on=datetime.date(2020, 1, 1),
        )
    return household


def fill_survey(actor, survey: Survey, *, score: int = 2, result: str = "pass") -> Survey:
    """Answer everything: every capital item `score`, every indicator `result`, accounts."""
    parts = instrument_parts(survey.instrument)
    save_survey_draft(
        actor=actor,
        survey=survey,
        step="consent",
        consent={"notice_given": True, "lawful_basis": "public_task"},
    )
    members = survey_members(survey, parts)
    results = {(i.code, None): result for i in parts.household_indicators}
    for member in members:
        for indicator in member.indicators:
            results[(indicator.code, member.person.pk)] = result
    save_survey_draft(
        actor=actor,
        survey=survey,
        indicator_results=results,
        capital_scores={item.code: score for item in parts.items},
        accounts={
            "income_farming": Decimal("6000"),
            "income_wages": Decimal("3000"),
            "income_business": Decimal("0"),
            "income_welfare": Decimal("1000"),
            "income_remittances": Decimal("0"),
            "income_other": Decimal("0"),
            "expense_consumption": Decimal("8000"),
            "expense_production": Decimal("1500"),
            "debt_formal": Decimal("50000"),
            "debt_informal": Decimal("10000"),
            "savings": Decimal("2000"),
        },
        needs=["occupation"],
        need_details={"occupation": "อยากได้ความรู้เลี้ยงไก่"},
    )
    survey.refresh_from_db()
    return survey


def started_survey(actor, area_code: str = "49010101", **family_kwargs) -> Survey:
    return start_survey(
        actor=actor,
        household=family(area_code, **family_kwargs),
        surveyed_on=datetime.date(2025, 11, 10),
    )
