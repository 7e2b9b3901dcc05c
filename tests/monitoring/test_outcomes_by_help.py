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
    rows = outcomes_by_help(provincial_officer, Area.objects.get(code="49"), 2567, 2568)["rows"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["helped"], row["helped_share"]) == (3, 66.7)
    assert (row["compared"], row["compared_share"]) == (3, 33.3)


def test_outside_the_users_area_small_groups_show_no_shares(helped_and_not, executive):
    row = outcomes_by_help(executive, Area.objects.get(code="49"), 2567, 2568)["rows"][0]
    assert row["helped"] == "<5" and row["helped_share"] is None


def test_no_two_areas_outcomes_subtract_to_a_hidden_count(
    client, helped_and_not, agency, executive
):
    """Three more helped in 4901 and one in 4902: the province shows 7 helped, 4901 would show 6,
    and 7 - 6 is the 1 that 4902 hides as "<5". Outside their own area the executive sees the
    outcomes at the top of their scope only."""
    service = make_service(agency, "monitor-welfare-2")
    for village in ("49010102", "49010102", "49010102", "49020101"):
        home = household(village, [{}])
        result(home, 2567, "in_hardship")
        result(home, 2568, "struggling")
        Referral.objects.create(
            household=home, area_id=home.area_id, service=service, agency=agency,
            need="x", reason="x", proposed_by=_user(), status=ReferralStatus.COMPLETED,
            help_value=Decimal("1000.00"), outcome="ช่วยแล้ว", completed_at=timezone.now(),
        )  # fmt: skip
    full_rebuild()
    helped = {}
    for code in ("49", "4901", "4902", "490101", "49010101", "49020101"):
        answer = outcomes_by_help(executive, Area.objects.get(code=code), 2567, 2568)
        helped[code] = {r["helped"] for r in answer["rows"]}
        assert answer["top_only"] == (code != "49")
    assert 7 in helped["49"]  # the top: shown
    shown_below = {c for c, values in helped.items() if c != "49" and values}
    assert not shown_below, "a province's count minus a district's gives a hidden one"
    client.force_login(executive)
    html = client.get(reverse("monitoring:transitions", args=["4901"])).content.decode()
    assert 'data-testid="outcomes-top-only"' in html


def test_inside_their_own_area_the_outcomes_are_exact_below_the_top(helped_and_not, area_manager):
    answer = outcomes_by_help(area_manager, Area.objects.get(code="4901"), 2567, 2568)
    assert not answer["top_only"] and answer["exact"]
    assert [r["helped"] for r in answer["rows"]] == [3]


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
