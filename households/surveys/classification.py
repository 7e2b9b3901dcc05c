"""Classifying a household from its verified survey (DESIGN.md §2): pure functions, no Django.

The rules, so anyone can check a result by hand:

* **Capital score** = the mean of the capital's answered items (each 1–4) that the rule set
  counts, rounded to 2 decimals. A capital with no answered counted item has no score.
* **Overall score** = the mean of the capital scores that exist (each capital weighs the same,
  however many items it has), computed from the *rounded* capital scores and rounded to 2 decimals.
* **Rounding**: always to 2 decimals, half up (2.745 → 2.75), with exact decimal arithmetic (no
  binary floats), so a score printed on the page is exactly the score compared with the
  cut-points.
* **Level**: the rounded overall score against the rule set's cut-points, each the lowest score
  of the next level. Default 1.75 / 2.50 / 3.25: 1.00–1.74 in hardship, 1.75–2.49 struggling,
  2.50–3.24 getting by, 3.25–4.00 doing well (1.74 → in hardship, 1.75 → struggling).
* **Dimensions failed**: a TPMAP dimension fails when any of its basic-needs indicators fails,
  for the household or for any member it applies to; "not applicable" never fails.
* **Target poor** (TPMAP): fails at least one of the five dimensions AND someone in the
  household holds a state welfare card.
* **What pulled the score down**: the counted items scored at or below the rule set's
  `low_item_max_score` (default 2), lowest first, at most `low_item_limit` of them, each with a
  reason in plain words (Thai and English) from the instrument.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CAPITALS = ("human", "physical", "financial", "natural", "social")
DIMENSIONS = ("health", "living", "education", "income", "access")
LEVELS = ("in_hardship", "struggling", "getting_by", "doing_well")
MIN_SCORE, MAX_SCORE = 1, 4
TWO_PLACES = Decimal("0.01")


class ClassificationError(ValueError):
    """The answers cannot be classified (for example: no capital item answered)."""


def round2(value) -> Decimal:
    """Round to 2 decimals, half up, exactly (strings and ints in, Decimal out)."""
    return Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Item:
    """One capital item as the rule needs it."""

    code: str
    capital: str
    position: int = 0
    low_reason_th: str = ""
    low_reason_en: str = ""


@dataclass(frozen=True)
class RuleSet:
    version: str
    cut_points: tuple[Decimal, Decimal, Decimal] = (
        Decimal("1.75"),
        Decimal("2.50"),
        Decimal("3.25"),
    )
    counted_items: frozenset[str] = frozenset()  # empty: every item counts
    low_item_max_score: int = 2
    low_item_limit: int = 5

    def __post_init__(self):
        cuts = tuple(Decimal(str(c)) for c in self.cut_points)
        if len(cuts) != len(LEVELS) - 1:
            raise ClassificationError("A rule set needs exactly three cut-points.")
        if not (Decimal(MIN_SCORE) < cuts[0] < cuts[1] < cuts[2] <= Decimal(MAX_SCORE)):
            raise ClassificationError("Cut-points must rise strictly within 1–4.")
        object.__setattr__(self, "cut_points", cuts)
        object.__setattr__(self, "counted_items", frozenset(self.counted_items))

    def counts(self, code: str) -> bool:
        return not self.counted_items or code in self.counted_items


@dataclass(frozen=True)
class LowItem:
    code: str
    capital: str
    score: int
    reason_th: str
    reason_en: str

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "capital": self.capital,
            "score": self.score,
            "reason_th": self.reason_th,
            "reason_en": self.reason_en,
        }


@dataclass(frozen=True)
class Classification:
    rule_set_version: str
    capital_scores: dict[str, Decimal | None]
    overall_score: Decimal
    level: str
    failed_dimensions: tuple[str, ...]
    welfare_card_holder: bool
    target_poor: bool
    low_items: tuple[LowItem, ...] = field(default_factory=tuple)


def mean2(values: Sequence) -> Decimal | None:
    """The mean of `values`, rounded to 2 decimals half up; None for no values."""
    if not values:
        return None
    total = sum((Decimal(str(v)) for v in values), Decimal(0))
    return round2(total / len(values))


def capital_scores(
    items: Iterable[Item], scores: Mapping[str, int | None], rule_set: RuleSet
) -> dict[str, Decimal | None]:
    """Each capital's score: the mean of its answered, counted items (None when none)."""
    by_capital: dict[str, list[int]] = {capital: [] for capital in CAPITALS}
    for item in items:
        score = scores.get(item.code)
        if score is None or not rule_set.counts(item.code):
            continue
        if not MIN_SCORE <= int(score) <= MAX_SCORE:
            raise ClassificationError(f"Item {item.code} scored {score}, outside 1–4.")
        by_capital.setdefault(item.capital, []).append(int(score))
    return {capital: mean2(values) for capital, values in by_capital.items()}


def overall_score(scores_by_capital: Mapping[str, Decimal | None]) -> Decimal:
    present = [score for score in scores_by_capital.values() if score is not None]
    if not present:
        raise ClassificationError("No capital has an answered item: nothing to classify.")
    return mean2(present)


def level_for(score, rule_set: RuleSet) -> str:
    """The level of an overall score (rounded to 2 decimals first, half up)."""
    rounded = round2(score)
    if not Decimal(MIN_SCORE) <= rounded <= Decimal(MAX_SCORE):
        raise ClassificationError(f"Score {rounded} is outside 1–4.")
    level = LEVELS[0]
    for cut, next_level in zip(rule_set.cut_points, LEVELS[1:], strict=True):
        if rounded >= cut:
            level = next_level
    return level


def failed_dimensions(results: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """Dimensions (in TPMAP order) with at least one failed indicator.

    `results` are (dimension, result) pairs, result one of "pass", "fail", "na", for the household
    and for every member an age-specific indicator was asked about.
    """
    failed = {dimension for dimension, result in results if result == "fail"}
    unknown = failed - set(DIMENSIONS)
    if unknown:
        raise ClassificationError(f"Unknown dimension(s): {sorted(unknown)}")
    return tuple(d for d in DIMENSIONS if d in failed)


def is_target_poor(failed: Sequence[str], welfare_card_holder: bool) -> bool:
    """TPMAP's target poor: fails at least one dimension and holds a state welfare card."""
    return bool(failed) and bool(welfare_card_holder)


def income_indicator_result(monthly_income, member_count: int, threshold_per_person_year) -> str:
    """Indicator 22: "pass" when yearly income per person reaches the threshold.

    "na" when the income or the number of members is unknown (nothing to compare).
    """
    if monthly_income is None or member_count <= 0:
        return "na"
    yearly_per_person = Decimal(str(monthly_income)) * 12 / member_count
    return "pass" if yearly_per_person >= Decimal(str(threshold_per_person_year)) else "fail"


def low_items(
    items: Iterable[Item], scores: Mapping[str, int | None], rule_set: RuleSet
) -> tuple[LowItem, ...]:
    """The counted items that pulled the score down: lowest score first, then instrument order."""
    order = {capital: index for index, capital in enumerate(CAPITALS)}
    candidates = []
    for item in items:
        score = scores.get(item.code)
        if score is None or not rule_set.counts(item.code):
            continue
        if int(score) <= rule_set.low_item_max_score:
            candidates.append((int(score), order.get(item.capital, 99), item.position, item))
    candidates.sort(key=lambda c: (c[0], c[1], c[2], c[3].code))
    return tuple(
        LowItem(item.code, item.capital, score, item.low_reason_th, item.low_reason_en)
        for score, _, _, item in candidates[: rule_set.low_item_limit]
    )


def classify(
    *,
    items: Iterable[Item],
    scores: Mapping[str, int | None],
    indicator_results: Iterable[tuple[str, str]],
    welfare_card_holder: bool,
    rule_set: RuleSet,
) -> Classification:
    """Classify one household's survey. See the module docstring for the rules."""
    items = list(items)
    by_capital = capital_scores(items, scores, rule_set)
    overall = overall_score(by_capital)
    failed = failed_dimensions(indicator_results)
    return Classification(
        rule_set_version=rule_set.version,
        capital_scores=by_capital,
        overall_score=overall,
        level=level_for(overall, rule_set),
        failed_dimensions=failed,
        welfare_card_holder=bool(welfare_card_holder),
        target_poor=is_target_poor(failed, welfare_card_holder),
        low_items=low_items(items, scores, rule_set),
    )


def age_on(birth_date, on_date) -> int | None:
    """Whole years between two dates (None when the birth date is unknown)."""
    if birth_date is None:
        return None
    years = on_date.year - birth_date.year
    if (on_date.month, on_date.day) < (birth_date.month, birth_date.day):
        years -= 1
    return max(years, 0)


def indicator_applies(
    *, min_age: int | None, max_age: int | None, condition: str, age: int | None, flags: Mapping
) -> bool:
    """Whether a member-level indicator is asked about a member of this age and with these flags.

    An age-bound indicator is not asked about a member whose age is unknown (no birth date).
    `condition` names a flag that must be set ("disability": the member has a disability).
    """
    if condition and not flags.get(condition):
        return False
    if min_age is None and max_age is None:
        return True
    if age is None:
        return False
    if min_age is not None and age < min_age:
        return False
    return not (max_age is not None and age > max_age)
