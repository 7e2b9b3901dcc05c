"""Classification rules (households/surveys/classification.py): boundaries, rounding, target
poor."""

from datetime import date
from decimal import Decimal

import pytest

from households.surveys import instrument_v1
from households.surveys.classification import (
    ClassificationError,
    Item,
    RuleSet,
    age_on,
    capital_scores,
    classify,
    failed_dimensions,
    income_indicator_result,
    indicator_applies,
    is_target_poor,
    level_for,
    low_items,
    overall_score,
    round2,
)

RULES = RuleSet(version="1")
ITEMS = [
    Item(i["code"], i["capital"], n, i["low_reason_th"], i["low_reason_en"])
    for n, i in enumerate(instrument_v1.CAPITAL_ITEMS, 1)
]


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("1.00", "in_hardship"),
        ("1.74", "in_hardship"),
        ("1.75", "struggling"),
        ("2.49", "struggling"),
        ("2.50", "getting_by"),
        ("3.24", "getting_by"),
        ("3.25", "doing_well"),
        ("4.00", "doing_well"),
    ],
)
def test_level_at_every_cut_point_boundary(score, level):
    assert level_for(Decimal(score), RULES) == level
    assert level_for(score, RULES) == level


@pytest.mark.parametrize(
    ("score", "level"),
    [
        # Rounded to 2 decimals half up before comparing: 1.745 is shown and treated as 1.75.
        (1.745, "struggling"),
        (1.7449, "in_hardship"),
        (2.495, "getting_by"),
        (2.4949, "struggling"),
        (3.245, "doing_well"),
        (3.2449, "getting_by"),
    ],
)
def test_scores_between_boundaries_round_half_up_to_two_decimals(score, level):
    assert level_for(score, RULES) == level


def test_float_noise_does_not_move_a_boundary():
    # 0.1 + 0.2 style noise: a float just under 1.75 from arithmetic still means 1.75.
    noisy = 7 / 4 - 1e-12
    assert round2(noisy) == Decimal("1.75")
    assert level_for(noisy, RULES) == "struggling"


def test_scores_outside_one_to_four_are_rejected():
    with pytest.raises(ClassificationError):
        level_for("0.99", RULES)
    with pytest.raises(ClassificationError):
        level_for("4.01", RULES)


def test_configured_cut_points_are_used():
    strict = RuleSet(version="strict", cut_points=("2.00", "2.75", "3.50"))
    assert level_for("1.99", strict) == "in_hardship"
    assert level_for("2.00", strict) == "struggling"
    assert level_for("3.49", strict) == "getting_by"
    assert level_for("3.50", strict) == "doing_well"


def test_cut_points_must_rise():
    with pytest.raises(ClassificationError):
        RuleSet(version="bad", cut_points=("2.50", "1.75", "3.25"))
    with pytest.raises(ClassificationError):
        RuleSet(version="bad", cut_points=("1.75", "2.50"))


def test_capital_score_is_the_mean_of_answered_items_rounded():
    items = [Item("a", "human"), Item("b", "human"), Item("c", "human"), Item("d", "social")]
    scores = capital_scores(items, {"a": 1, "b": 2, "c": 2, "d": None}, RULES)
    assert scores["human"] == Decimal("1.67")  # 5/3 = 1.666… → 1.67
    assert scores["social"] is None  # nothing answered: no score
    assert scores["physical"] is None


def test_overall_is_the_mean_of_capital_scores_each_capital_weighing_the_same():
    # human has 3 items, social 1: a plain mean of the 4 items would be 1.75; by capital it is 2.50.
    items = [Item("a", "human"), Item("b", "human"), Item("c", "human"), Item("d", "social")]
    by_capital = capital_scores(items, {"a": 1, "b": 1, "c": 1, "d": 4}, RULES)
    assert overall_score(by_capital) == Decimal("2.50")


def test_overall_uses_rounded_capital_scores():
    # Capital means 5/3 → 1.67 and 7/3 → 2.33: overall (1.67 + 2.33) / 2 = 2.00.
    items = [Item(f"h{i}", "human") for i in range(3)] + [Item(f"s{i}", "social") for i in range(3)]
    answers = {"h0": 1, "h1": 2, "h2": 2, "s0": 2, "s1": 2, "s2": 3}
    by_capital = capital_scores(items, answers, RULES)
    assert (by_capital["human"], by_capital["social"]) == (Decimal("1.67"), Decimal("2.33"))
    assert overall_score(by_capital) == Decimal("2.00")


def test_nothing_answered_cannot_be_classified():
    with pytest.raises(ClassificationError):
        overall_score(capital_scores(ITEMS, {}, RULES))


def test_item_score_outside_scale_is_rejected():
    with pytest.raises(ClassificationError):
        capital_scores([Item("a", "human")], {"a": 5}, RULES)


def test_counted_items_limit_what_counts():
    only_a = RuleSet(version="x", counted_items=frozenset({"a"}))
    items = [Item("a", "human"), Item("b", "human")]
    assert capital_scores(items, {"a": 4, "b": 1}, only_a)["human"] == Decimal("4.00")
    assert low_items(items, {"a": 4, "b": 1}, only_a) == ()


H1 = {"human": 1, "physical": 1, "financial": 1, "natural": 1, "social": 1}


def _answers(score_by_capital: dict[str, int]) -> dict[str, int]:
    return {item.code: score_by_capital[item.capital] for item in ITEMS}


@pytest.mark.parametrize(
    ("by_capital", "overall", "level"),
    [
        ({**H1}, "1.00", "in_hardship"),
        ({**H1, "human": 2, "physical": 2, "financial": 2, "natural": 2}, "1.80", "struggling"),
        ({**H1, "human": 3, "physical": 3, "financial": 2, "natural": 2, "social": 3}, "2.60",
         "getting_by"),
        ({"human": 4, "physical": 4, "financial": 3, "natural": 3, "social": 3}, "3.40",
         "doing_well"),
    ],
)  # fmt: skip
def test_classify_on_the_real_instrument(by_capital, overall, level):
    result = classify(
        items=ITEMS,
        scores=_answers(by_capital),
        indicator_results=[],
        welfare_card_holder=False,
        rule_set=RULES,
    )
    assert result.overall_score == Decimal(overall)
    assert result.level == level
    assert result.rule_set_version == "1"
    assert result.capital_scores["human"] == Decimal(by_capital["human"])


def test_low_items_lowest_first_with_plain_reasons_in_both_languages():
    answers = _answers({"human": 3, "physical": 3, "financial": 3, "natural": 3, "social": 3})
    answers.update({"F2": 1, "N1": 2, "H3": 2})
    found = low_items(ITEMS, answers, RULES)
    assert [item.code for item in found] == ["F2", "H3", "N1"]  # score 1 first, then capital order
    debt = found[0]
    assert debt.score == 1 and debt.capital == "financial"
    assert "หนี้" in debt.reason_th
    assert "debt" in debt.reason_en.lower()


def test_low_items_are_limited_by_the_rule_set():
    answers = _answers({"human": 1, "physical": 1, "financial": 1, "natural": 1, "social": 1})
    assert len(low_items(ITEMS, answers, RULES)) == 5
    assert len(low_items(ITEMS, answers, RuleSet(version="x", low_item_limit=3))) == 3


def test_failed_dimensions_in_tpmap_order_and_na_never_fails():
    results = [("income", "fail"), ("health", "pass"), ("living", "na"), ("health", "fail")]
    assert failed_dimensions(results) == ("health", "income")
    assert failed_dimensions([("access", "na"), ("education", "pass")]) == ()


def test_unknown_dimension_is_an_error():
    with pytest.raises(ClassificationError):
        failed_dimensions([("wealth", "fail")])


@pytest.mark.parametrize(
    ("failed", "card", "expected"),
    [
        (("health",), True, True),  # fails one dimension, holds a card: target poor
        (("health", "income"), True, True),
        ((), True, False),  # holds a card but fails nothing
        (("income",), False, False),  # fails but no welfare card in the household
        ((), False, False),
    ],
)
def test_target_poor_needs_a_failed_dimension_and_a_welfare_card(failed, card, expected):
    assert is_target_poor(failed, card) is expected


def test_classify_sets_target_poor_from_indicators_and_card():
    answers = _answers({"human": 3, "physical": 3, "financial": 3, "natural": 3, "social": 3})
    kwargs = {"items": ITEMS, "scores": answers, "rule_set": RULES}
    poor = classify(indicator_results=[("living", "fail")], welfare_card_holder=True, **kwargs)
    assert poor.target_poor and poor.failed_dimensions == ("living",)
    no_card = classify(indicator_results=[("living", "fail")], welfare_card_holder=False, **kwargs)
    assert not no_card.target_poor
    passes = classify(indicator_results=[("living", "pass")], welfare_card_holder=True, **kwargs)
    assert not passes.target_poor and passes.failed_dimensions == ()


@pytest.mark.parametrize(
    ("monthly", "members", "expected"),
    [
        (Decimal("9500"), 3, "pass"),  # 114,000 / 3 = 38,000: exactly the threshold passes
        (Decimal("9499"), 3, "fail"),
        (None, 3, "na"),
        (Decimal("5000"), 0, "na"),
    ],
)
def test_income_indicator_against_threshold(monthly, members, expected):
    assert income_indicator_result(monthly, members, "38000") == expected


def test_age_on_counts_whole_years():
    assert age_on(date(2000, 6, 15), date(2025, 6, 14)) == 24
    assert age_on(date(2000, 6, 15), date(2025, 6, 15)) == 25
    assert age_on(None, date(2025, 1, 1)) is None


@pytest.mark.parametrize(
    ("min_age", "max_age", "condition", "age", "flags", "applies"),
    [
        (6, 14, "", 6, {}, True),
        (6, 14, "", 14, {}, True),
        (6, 14, "", 15, {}, False),
        (6, 14, "", 5, {}, False),
        (60, None, "", 87, {}, True),
        (60, None, "", None, {}, False),  # unknown age: not asked
        (None, None, "disability", 40, {"disability": True}, True),
        (None, None, "disability", 40, {"disability": False}, False),
    ],
)
def test_indicator_applies_by_age_and_condition(min_age, max_age, condition, age, flags, applies):
    assert (
        indicator_applies(
            min_age=min_age, max_age=max_age, condition=condition, age=age, flags=flags
        )
        is applies
    )


def test_instrument_v1_has_enough_items_and_tpmap_indicators():
    per_capital = {}
    for item in instrument_v1.CAPITAL_ITEMS:
        per_capital[item["capital"]] = per_capital.get(item["capital"], 0) + 1
        assert len(item["options"]) == 4
        assert item["text_th"] and item["text_en"] and item["low_reason_th"]
    assert set(per_capital) == set(instrument_v1.CAPITALS)
    assert min(per_capital.values()) >= 4
    numbers = sorted(i["number"] for i in instrument_v1.BASIC_NEEDS_INDICATORS)
    assert numbers == [1, 4, 5, 7, 8, 9, 10, 11, 15, 16, 17, 19, 20, 21, 22, 27, 28]
    dims = {i["dimension"] for i in instrument_v1.BASIC_NEEDS_INDICATORS}
    assert dims == set(instrument_v1.DIMENSIONS)
