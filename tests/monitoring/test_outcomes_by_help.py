"""Outcomes by help: helped households' share improved beside comparable households not helped
(same starting level and village), with the counts; referral figures in the roll-ups."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import AreaRollup
from monitoring.rollup import full_rebuild
from monitoring.selectors import outcomes_by_help
from ppaos.areas.models import Area
from referrals.models import Referral, ReferralStatus
from tests.monitoring.builders import _user, household, result
from tests.referrals.conftest import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def helped_and_not(villages, agency):
    service = make_service(agency, "monitor-welfare")
    # six households in hardship in 2567: three helped (two improve), three not (one improves)
    for helped, improves in ((1, 1), (1, 1), (1, 0), (0, 1), (0, 0), (0, 0)):
        home = household("49010101", [{}])
        result(home, 2567, "in_hardship")
        result(home, 2568, "struggling" if improves else "in_hardship")
        if helped:
            Referral.objects.create(
                household=home, area_id=home.area_id, service=service, agency=agency,
                need="x", reason="x", proposed_by=_user(), status=ReferralStatus.COMPLETED,
                help_value=Decimal("1000.00"), outcome="ช่วยแล้ว", completed_at=timezone.now(),
            )  # fmt: skip
    full_rebuild()  # the outcomes are read from the evaluation tables written with the roll-ups


def test_helped_households_are_compared_with_comparable_ones_not_helped(
    helped_and_not, provincial_officer
):
    rows = outcomes_by_help(provincial_officer, Area.objects.get(code="49"), 2567, 2568)
    assert len(rows) == 1
    row = rows[0]
    assert (row["helped"], row["helped_share"]) == (3, 66.7)
    assert (row["compared"], row["compared_share"]) == (3, 33.3)


def test_outside_the_users_area_small_groups_show_no_shares(helped_and_not, executive):
    row = outcomes_by_help(executive, Area.objects.get(code="49"), 2567, 2568)[0]
    assert row["helped"] == "<5" and row["helped_share"] is None


def test_the_page_says_it_is_a_comparison_not_proof(client, helped_and_not, provincial_officer):
    full_rebuild()
    client.force_login(provincial_officer)
    html = client.get(
        reverse("monitoring:transitions", args=["49"]) + "?from=2567&to=2568"
    ).content.decode()
    assert "ไม่ใช่หลักฐาน" in html


def test_help_delivered_is_counted_with_its_value(helped_and_not):
    full_rebuild()
    figures = {
        r.metric: r.value
        for r in AreaRollup.objects.filter(area_code="4901").exclude(
            fiscal_year=2567, metric__startswith="level"
        )
        if r.metric in ("help_count", "help_value", "ref:completed")
    }
    assert figures == {"help_count": 3, "help_value": Decimal("3000.00"), "ref:completed": 3}
