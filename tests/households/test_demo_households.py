"""`seed_demo --households N`: households with members and verified surveys over the levels."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from households.demo import seed_demo_households
from households.models import (
    ClassificationResult,
    Household,
    Membership,
    Person,
    Survey,
    SurveyStatus,
)
from ppaos.demo.services import seed_demo
from ppaos.thai.thai_id import is_valid_national_id

pytestmark = pytest.mark.django_db


def snapshot():
    return list(
        ClassificationResult.objects.order_by(
            "household__area_id", "household__house_number", "fiscal_year"
        ).values_list(
            "household__area_id", "household__house_number", "fiscal_year", "level", "overall_score"
        )
    )


class _Rollback(Exception):
    pass


def test_households_members_and_verified_surveys_spread_over_levels_and_villages():
    seed_demo(seed=1)
    made = seed_demo_households(count=150, seed=3)
    assert made["households"] == 150 and made["surveys"] == 300
    assert Household.objects.count() == 150
    assert Person.objects.count() == made["persons"] >= 150
    assert all(
        is_valid_national_id(n) for n in Person.objects.values_list("national_id", flat=True)
    )
    # Exactly one current head per household.
    heads = Membership.objects.filter(relation="head", left_on__isnull=True)
    assert heads.values("household").distinct().count() == 150 == heads.count()
    # Two verified rounds per household, each with its stored result.
    assert Survey.objects.exclude(status=SurveyStatus.VERIFIED).count() == 0
    assert ClassificationResult.objects.count() == 300
    rounds = sorted(set(Survey.objects.values_list("fiscal_year", flat=True)))
    assert len(rounds) == 2 and rounds[1] == rounds[0] + 1
    levels = dict(
        ClassificationResult.objects.filter(fiscal_year=rounds[1])
        .values_list("level")
        .annotate(n=Count("id"))
    )
    assert set(levels) == {"in_hardship", "struggling", "getting_by", "doing_well"}
    assert (
        levels["struggling"] + levels["getting_by"] > levels["in_hardship"] + levels["doing_well"]
    )
    assert ClassificationResult.objects.filter(target_poor=True).exists()
    assert ClassificationResult.objects.filter(target_poor=False).exists()
    villages = Household.objects.values("area_id").distinct().count()
    assert villages > 50
    assert all(
        code.startswith("49") and len(code) == 8
        for code in Household.objects.values_list("area_id", flat=True)
    )
    # Results say why: low items carry plain reasons.
    hardship = ClassificationResult.objects.filter(level="in_hardship").first()
    assert hardship.low_items and hardship.low_items[0]["reason_th"]


def test_same_seed_same_households():
    seed_demo(seed=1)
    try:
        with transaction.atomic():
            seed_demo_households(count=40, seed=5)
            first = snapshot()
            raise _Rollback
    except _Rollback:
        pass
    assert Household.objects.count() == 0
    seed_demo_households(count=40, seed=5)
    assert snapshot() == first


def test_seed_demo_command_option():
    out = StringIO()
    call_command("seed_demo", "--households", "25", stdout=out)
    assert "25 households" in out.getvalue()
    # Two verified rounds a household, the 25 and those the demo plans' villages were topped
    # up with (masterplans.demo.MIN_SURVEYED each).
    verified = Survey.objects.filter(status=SurveyStatus.VERIFIED).count()
    assert verified == 2 * Household.objects.count() and Household.objects.count() > 25


def test_without_villages_it_says_so():
    with pytest.raises(ValueError):
        seed_demo_households(count=5, province="10")


def test_running_again_with_the_same_count_adds_nothing():
    seed_demo(seed=1)
    seed_demo_households(count=30, seed=2)
    again = seed_demo_households(count=30, seed=2)
    assert again["households"] == 0
    assert Household.objects.count() == 30


def test_registry_rows_behind_the_demo_households_and_new_leads(facilitator):
    from households.models import Finding, RegistrantFinding, WelfareRegistrant
    from households.selectors import registrant_worklist

    seed_demo(seed=1)
    made = seed_demo_households(count=100, seed=4)
    card_holders = Person.objects.filter(welfare_card_holder=True)
    assert made["registrants"] == WelfareRegistrant.objects.count() == card_holders.count() + 20
    # Card holders were found in their households; the leads wait for field review.
    assert RegistrantFinding.objects.filter(finding=Finding.FOUND).count() == card_holders.count()
    leads = WelfareRegistrant.objects.filter(findings__isnull=True)
    assert leads.count() == 20
    assert leads.filter(area__code__startswith="490101").count() >= 10
    assert set(registrant_worklist(facilitator)) >= set(
        leads.filter(area__code__startswith="490101")
    )
