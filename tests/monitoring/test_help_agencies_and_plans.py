"""The newer figures against a hand count: referrals' median days to complete and the figures by
agency, help delivered (count and value), master-plan projects by state with their budgets, and
households that entered and left the programme between rounds. Every level of the tree."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from masterplans.models import MasterPlan, Project
from monitoring import selectors
from monitoring.models import AreaRollup
from monitoring.rollup import full_rebuild, refresh_villages
from monitoring.suppression import HIDDEN, SMALL
from ppaos.areas.models import Area
from referrals.models import Agency, AgencyKind, Referral, ReferralStatus
from tests.monitoring.builders import _user, household, result
from tests.referrals.conftest import make_service

pytestmark = pytest.mark.django_db

# 15 November 2024 is in fiscal year 2568 (October 2024 – September 2025)
MADE = dt.datetime(2024, 11, 15, 9, 0, tzinfo=dt.UTC)


def _referral(home, service, *, status, days=None, value=None, due_on=None):
    referral = Referral.objects.create(
        household=home, area_id=home.area_id, service=service, agency=service.agency,
        need="x", reason="x", proposed_by=_user(), status=status, help_value=value,
        submitted_at=MADE, due_on=due_on,
        completed_at=MADE + dt.timedelta(days=days) if days is not None else None,
        outcome="ช่วยแล้ว" if status == ReferralStatus.COMPLETED else "",
    )  # fmt: skip
    Referral.objects.filter(pk=referral.pk).update(created_at=MADE)
    return referral


@pytest.fixture
def referrals(villages, agency):
    other = Agency.objects.create(
        code="test-lao-49", name_th="อบต.ทดสอบ", kind=AgencyKind.LOCAL_ADMINISTRATION
    )
    welfare = make_service(agency, "monitor-days-welfare")
    repair = make_service(other, "monitor-days-repair", kind="housing")
    homes = [household("49010101", [{}]) for _ in range(6)] + [household("49020101", [{}])]
    for home in homes:
        result(home, 2568, "in_hardship")
    # agency: five completed in 2, 4, 6, 8, 10 days (100 baht each), one overdue
    for home, days in zip(homes, (2, 4, 6, 8, 10), strict=False):
        _referral(home, welfare, status=ReferralStatus.COMPLETED, days=days, value=Decimal(100))
    _referral(homes[5], welfare, status=ReferralStatus.APPROVED, due_on=dt.date(2024, 12, 1))
    # the other agency: one completed in 3 days (50 baht) in another district
    _referral(homes[6], repair, status=ReferralStatus.COMPLETED, days=3, value=Decimal(50))
    full_rebuild()
    return {"agency": agency, "other": other}


def _f(code, metric, year=2568):
    row = AreaRollup.objects.filter(area_code=code, fiscal_year=year, metric=metric).first()
    return row.value if row else 0


def test_help_and_completion_days_equal_a_hand_count_at_every_level(referrals):
    a, b = referrals["agency"].pk, referrals["other"].pk
    assert _f("49", "help_count") == 6
    assert _f("49", "help_value") == Decimal(550)
    assert _f("4901", "help_count") == 5 and _f("4902", "help_count") == 1
    assert _f("490101", "help_value") == Decimal(500)
    assert _f("49010101", "help_count") == 5
    assert _f("49", "ref_overdue") == 1 and _f("49010101", "ref_overdue") == 1
    # days histogram: 2, 3, 4, 6, 8, 10 in the province; 3 alone in 4902
    assert {d: _f("49", f"ref_days:{d}") for d in (2, 3, 4, 6, 8, 10)} == dict.fromkeys(
        (2, 3, 4, 6, 8, 10), 1
    )
    assert _f("4902", "ref_days:3") == 1 and _f("4901", "ref_days:3") == 0
    assert _f("49", f"agency:{a}:completed") == 5 and _f("49", f"agency:{a}:total") == 6
    assert _f("49", f"agency:{a}:overdue") == 1
    assert _f("49", f"agency:{a}:help_value") == Decimal(500)
    assert _f("4902", f"agency:{b}:days:3") == 1
    assert _f("49020101", f"agency:{b}:completed") == 1


def test_an_incremental_refresh_of_referrals_equals_a_full_rebuild(referrals):
    home = household("49010102", [{}])
    result(home, 2568, "struggling")
    service = make_service(referrals["agency"], "monitor-days-later")
    _referral(home, service, status=ReferralStatus.COMPLETED, days=30, value=Decimal(7))
    refresh_villages(["49010102"])
    incremental = {
        (r.area_code, r.fiscal_year, r.metric): r.value for r in AreaRollup.objects.all()
    }
    full_rebuild()
    assert incremental == {
        (r.area_code, r.fiscal_year, r.metric): r.value for r in AreaRollup.objects.all()
    }
    assert incremental[("49", 2568, "ref_days:30")] == 1


def test_the_median_days_and_the_agency_table_for_an_officer(referrals, provincial_officer):
    province = Area.objects.get(code="49")
    board = selectors.dashboard(provincial_officer, province, 2568)
    assert board.median_days == 5.0  # (4 + 6) / 2
    assert board.help_count == 6 and board.help_value == 550.0
    figures = selectors.agency_figures(provincial_officer, province, 2568)
    rows = {row.name: row for row in figures["rows"]}
    main = rows[referrals["agency"].name_th]
    assert main.cells == [5, 1, 0, 6] and main.median_days == 6.0 and main.help_value == 500.0
    lao = rows["อบต.ทดสอบ"]
    assert lao.cells == [1, 0, 0, 1] and lao.median_days == 3.0
    assert figures["total"] == [6, 1, 0, 7]


def test_the_executive_sees_no_small_agency_count_and_no_median_behind_one(referrals, executive):
    province = Area.objects.get(code="49")
    figures = selectors.agency_figures(executive, province, 2568)
    shown = [row.cells for row in figures["rows"]] + [figures["total"]]
    assert not any(v in (1, 2, 3, 4) for line in shown for v in line)
    for line in shown:  # a line hides nothing or at least two cells
        assert sum(1 for v in line if v in (SMALL, HIDDEN)) != 1
    for row in figures["rows"]:
        if not isinstance(row.cells[0], int):
            assert row.median_days is None and row.help_value is None
    # the board: five completed referrals or more, so the median shows
    board = selectors.dashboard(executive, province, 2568)
    assert board.median_days == 5.0
    district = Area.objects.get(code="4902")  # one completed referral there: no median
    assert selectors.dashboard(executive, district, 2568).median_days is None


def test_median_of_a_histogram():
    assert selectors.median_days({}) is None
    assert selectors.median_days({3: 1}, exact=True) == 3
    assert selectors.median_days({3: 1}) is None  # fewer than five, outside the user's area
    assert selectors.median_days({1: 2, 5: 2, 9: 1}) == 5
    assert selectors.median_days({1: 3, 7: 3}) == 4.0


def test_master_plan_projects_by_state_with_their_budgets(client, referrals, provincial_officer):
    plan = MasterPlan.objects.create(
        area_id="49010101", fiscal_year=2569, survey_round=2568, created_by=_user()
    )
    for state, requested, adopted in (
        ("in_budget", 1000, 800),
        ("in_budget", 500, 400),
        ("draft", 300, None),
    ):
        Project.objects.create(
            plan=plan, title="โครงการ", objective="x", carrier="lao", state=state,
            budget_requested=Decimal(requested),
            budget_adopted=Decimal(adopted) if adopted is not None else None,
        )  # fmt: skip
    board = selectors.dashboard(provincial_officer, Area.objects.get(code="4901"), 2568)
    by_state = {p["state"]: p for p in board.projects}
    assert by_state["in_budget"]["count"] == 2
    assert by_state["in_budget"]["requested"] == Decimal(1500)
    assert by_state["in_budget"]["adopted"] == Decimal(1200)
    assert by_state["draft"]["adopted"] == 0
    # another district's dashboard does not count them
    assert (
        selectors.dashboard(provincial_officer, Area.objects.get(code="4902"), 2568).projects == []
    )
    client.force_login(provincial_officer)
    html = client.get(reverse("monitoring:area_dashboard", args=["4901"]) + "?round=2568")
    assert "1,500" in html.content.decode() and "1,200" in html.content.decode()


def test_households_entered_and_left_between_rounds(villages, provincial_officer):
    stayed, left, new = (household("49010101", [{}]) for _ in range(3))
    result(stayed, 2567, "in_hardship")
    result(stayed, 2568, "struggling")
    result(left, 2567, "struggling")
    result(new, 2568, "in_hardship")
    full_rebuild()  # the matrix is read from the evaluation tables written with the roll-ups
    matrix = selectors.transition_matrix(
        provincial_officer, Area.objects.get(code="49"), 2567, 2568
    )
    assert matrix["entered"] == 1 and matrix["exited"] == 1
    assert matrix["counts"][4][0] == 1  # new, in hardship in 2568
    assert matrix["counts"][1][4] == 1  # struggling in 2567, not surveyed in 2568
    assert matrix["total"] == [1, 1, 0, 0, 1, 3]


def test_the_agency_page_shows_the_table_and_chart_data(
    client, referrals, provincial_officer, django_assert_max_num_queries
):
    client.force_login(provincial_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("monitoring:agencies", args=["49"]) + "?round=2568")
    assert response.status_code == 200
    html = response.content.decode()
    assert "ข้อมูล ณ" in html
    assert 'id="agency-chart-data"' in html and 'data-chart="agency-chart-data"' in html
    assert referrals["agency"].name_th in html


def test_a_year_with_referrals_but_no_survey_is_not_a_round(referrals, agency):
    home = household("49010101", [{}])
    service = make_service(agency, "monitor-days-now")
    Referral.objects.create(
        household=home,
        area_id=home.area_id,
        service=service,
        agency=agency,
        need="x",
        reason="x",
        proposed_by=_user(),
        status=ReferralStatus.SUBMITTED,
    )  # fmt: skip  (made today: a fiscal year without a survey round)
    full_rebuild()
    assert AreaRollup.objects.filter(fiscal_year__gt=2568, metric="ref:submitted").exists()
    assert selectors.rounds() == [2568]


def test_a_district_hidden_on_the_province_page_stays_hidden_on_its_own_page(referrals, executive):
    """Six households in hardship in 4901, one in 4902: the 1 is "<5", so 4901's 6 is hidden
    as its partner on the province page; 4901's own page must not show 6 (7 − 6 = 1)."""
    province = selectors.dashboard(executive, Area.objects.get(code="49"), 2568)
    rows = {r["area"].code: r for r in province.children}
    assert rows["4902"]["cells"][0] == SMALL and rows["4901"]["cells"][0] == HIDDEN
    district = selectors.dashboard(executive, Area.objects.get(code="4901"), 2568)
    assert [value for _l, _t, value in district.levels] == rows["4901"]["cells"]
    headlines = {h.key: h.value for h in district.headlines}
    assert headlines["hardship"] == HIDDEN and headlines["hh"] == rows["4901"]["total"]
    for page in (province, district):
        shown = [v for r in page.children for v in r["cells"]] + [h.value for h in page.headlines]
        assert not any(v in (1, 2, 3, 4) for v in shown)


def test_outside_the_users_area_agencies_show_at_the_top_of_the_scope_only(
    referrals, executive, area_manager
):
    top = selectors.agency_figures(executive, Area.objects.get(code="49"), 2568)
    assert top["rows"] and not top["top_only"]
    lower = selectors.agency_figures(executive, Area.objects.get(code="4901"), 2568)
    assert lower["rows"] == [] and lower["top_only"]
    # inside their own area an area manager gets every level, exact
    own = selectors.agency_figures(area_manager, Area.objects.get(code="490101"), 2568)
    assert own["exact"] and own["rows"][0].cells[0] == 5
