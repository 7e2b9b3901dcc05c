"""The plan's data section equals a hand computation over a small village."""

from collections import Counter

import pytest

from households.surveys.models import BasicNeedsIndicator, ClassificationResult
from masterplans.selectors import compute_data_section, data_for_reader, shown_count
from masterplans.services import create_plan

from .plan_helpers import ROUND, small_village

pytestmark = pytest.mark.django_db


@pytest.fixture
def surveys(facilitator, area_manager):
    return small_village(facilitator, area_manager)


def test_households_and_levels_come_from_verified_surveys_of_the_village_only(surveys):
    data = compute_data_section("49010101", ROUND)
    assert data["households"] == 3
    levels = Counter(r.level for r in ClassificationResult.objects.filter(survey__in=surveys))
    assert {k: v for k, v in data["levels"].items() if v} == dict(levels)
    assert data["target_poor"] == sum(
        r.target_poor for r in ClassificationResult.objects.filter(survey__in=surveys)
    )


def test_persons_by_vulnerable_group(surveys):
    # Each family: head 45, spouse 42, child 10, grandmother 70 on 1 Oct 2025; one disabled.
    assert compute_data_section("49010101", ROUND)["persons"] == {
        "total": 12,
        "elderly": 3,
        "children": 3,
        "disabled": 1,
        "bedridden": 0,
        "chronically_ill": 0,
    }


def test_household_accounts_are_summed(surveys):
    # Each household: farming 6,000 wages 3,000 welfare 1,000; consumption 8,000, production
    # 1,500; debts 50,000 formal and 10,000 informal; savings 2,000 (per month).
    accounts = compute_data_section("49010101", ROUND)["accounts"]
    assert accounts == {
        "households": 3,
        "income": {
            "farming": "18000.00",
            "wages": "9000.00",
            "business": "0.00",
            "welfare": "3000.00",
            "remittances": "0.00",
            "other": "0.00",
        },
        "income_total": "30000.00",
        "consumption": "24000.00",
        "production": "4500.00",
        "consumption_share": "84.2",  # 24,000 / 28,500
        "debt_formal": "150000.00",
        "debt_informal": "30000.00",
        "savings": "6000.00",
    }


def test_capitals_ranked_by_deficit(surveys):
    capitals = compute_data_section("49010101", ROUND)["capitals"]
    # human: (1 + 2 + 4) / 3 = 2.33 → deficit 1.67; the others (1 + 2 + 3) / 3 = 2.00 → 2.00
    assert [(c["capital"], c["average"], c["deficit"]) for c in capitals] == [
        ("financial", "2.00", "2.00"),
        ("natural", "2.00", "2.00"),
        ("physical", "2.00", "2.00"),
        ("social", "2.00", "2.00"),
        ("human", "2.33", "1.67"),
    ]


def test_indicators_failed_most_count_households(surveys):
    failed = compute_data_section("49010101", ROUND)["indicators_failed"]
    assert failed
    derived = set(BasicNeedsIndicator.objects.filter(derived=True).values_list("code", flat=True))
    answered = [row for row in failed if row["code"] not in derived]
    # The first two households answered "fails" to every indicator, the third "passes".
    assert answered and all(row["households"] == 2 for row in answered)
    counts = [row["households"] for row in failed]
    assert counts == sorted(counts, reverse=True)
    assert len(failed) <= 10


def test_no_verified_survey_gives_empty_figures(villages):
    data = compute_data_section("49010201", ROUND)
    assert data["households"] == 0
    assert data["capitals"] == []
    assert data["accounts"]["consumption_share"] is None


def test_small_groups_masked_outside_the_village_workers(
    surveys, facilitator, area_manager, provincial_officer
):
    plan = create_plan(actor=facilitator, area_code="49010101", fiscal_year=2570)
    assert plan.survey_round == ROUND
    assert data_for_reader(facilitator, plan)["households"] == 3
    assert data_for_reader(area_manager, plan)["persons"]["disabled"] == 1
    masked = data_for_reader(provincial_officer, plan)
    assert masked["households"] == "<5"
    assert masked["persons"]["total"] == 12
    assert masked["persons"]["bedridden"] == 0


@pytest.mark.parametrize(
    ("count", "exact", "shown"),
    [(0, False, 0), (1, False, "<5"), (4, False, "<5"), (5, False, 5), (3, True, 3)],
)
def test_shown_count(count, exact, shown):
    assert shown_count(count, exact=exact) == shown
