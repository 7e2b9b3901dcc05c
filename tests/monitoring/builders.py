"""Verified-round results written straight to the tables (the classification itself is tested in
tests/households): a household, its members, a classification per round, referrals."""

import datetime as dt
from decimal import Decimal

from households.surveys.models import (
    ClassificationResult,
    ClassificationRuleSet,
    Survey,
    SurveyInstrument,
    SurveyStatus,
)
from tests.factories import HouseholdFactory, PersonFactory, UserFactory


def _user():
    user = UserFactory._meta.model.objects.filter(username="monitor_builder").first()
    return user or UserFactory(username="monitor_builder")


def household(area_code: str, members: list[dict] | None = None):
    from households.models import Membership

    home = HouseholdFactory(area_id=area_code)
    for index, fields in enumerate(members or [{}]):
        person = PersonFactory(**fields)
        Membership.objects.create(
            household=home,
            person=person,
            relation="head" if index == 0 else "child",
            joined_on=dt.date(2020, 1, 1),
        )
    return home


def result(home, fiscal_year: int, level: str, *, target_poor: bool = False):
    user = _user()
    survey = Survey.objects.create(
        household=home,
        instrument=SurveyInstrument.objects.get(is_current=True),
        fiscal_year=fiscal_year,
        status=SurveyStatus.VERIFIED,
        surveyed_by=user,
        surveyed_on=dt.date(fiscal_year - 544, 11, 1),
    )
    rules = ClassificationRuleSet.objects.get(is_current=True)
    return ClassificationResult.objects.create(
        survey=survey,
        household=home,
        area_id=home.area_id,
        fiscal_year=fiscal_year,
        rule_set=rules,
        rule_set_version=rules.version,
        overall_score=Decimal("2.00"),
        level=level,
        target_poor=target_poor,
    )
