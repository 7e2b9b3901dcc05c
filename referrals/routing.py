"""Which kinds of help to suggest for a household (DESIGN.md §2 referrals/, DOMAIN.md §2.3).

Pure rules, no Django import. The routing is data: `DEFAULT_ROUTING` is used unless the
`REFERRAL_ROUTING` setting supplies another mapping of the same shape (see `selectors.py`), so a
province can change it without a code change.

By default (DOMAIN.md §2.3, to confirm with the client):
    in hardship (อยู่ลำบาก)   → urgent welfare and relief, health, housing
    struggling (อยู่ยาก)      → livelihood, occupation and debt support
    getting by (อยู่พอได้)    → capacity building and market linkage
    doing well (อยู่ดี)       → nothing: exit, and a possible peer model for others
and within that, services addressing the household's weakest capitals come first.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Levels, as the classification names them (households.models.surveys.Level).
HARDSHIP = "in_hardship"
STRUGGLING = "struggling"
GETTING_BY = "getting_by"
DOING_WELL = "doing_well"

# Kinds of help a service gives (referrals.models.ServiceKind has the labels).
WELFARE = "welfare"
RELIEF = "relief"
HEALTH = "health"
HOUSING = "housing"
EDUCATION = "education"
OCCUPATION = "occupation"
EMPLOYMENT = "employment"
DEBT = "debt"
AGRICULTURE = "agriculture"
MARKET = "market"

DEFAULT_ROUTING: dict[str, dict] = {
    # level → kinds of help, most fitting first
    "levels": {
        HARDSHIP: [WELFARE, RELIEF, HEALTH, HOUSING, EDUCATION],
        STRUGGLING: [OCCUPATION, EMPLOYMENT, DEBT, AGRICULTURE, EDUCATION],
        GETTING_BY: [OCCUPATION, MARKET, AGRICULTURE],
        DOING_WELL: [],
    },
    # capital → kinds of help that build it
    "capitals": {
        "human": [EDUCATION, OCCUPATION, HEALTH],
        "physical": [HOUSING, HEALTH],
        "financial": [DEBT, EMPLOYMENT, WELFARE],
        "natural": [AGRICULTURE],
        "social": [RELIEF, MARKET],
    },
    # how many of the lowest-scoring capitals count as "weakest"
    "weakest_capitals": 2,
}


@dataclass(frozen=True)
class Standing:
    """What the latest classification says about a household."""

    level: str
    capital_scores: Mapping[str, float]


def weakest_capitals(scores: Mapping[str, float], how_many: int) -> list[str]:
    """The `how_many` lowest-scoring capitals, lowest first (ties in name order)."""
    ranked = sorted((score, capital) for capital, score in scores.items() if score is not None)
    return [capital for _, capital in ranked[:how_many]]


def suggested_kinds(standing: Standing, routing: Mapping = DEFAULT_ROUTING) -> list[str]:
    """Kinds of help for the household's level, those that build its weakest capitals first."""
    level_kinds = list(routing["levels"].get(standing.level, []))
    if not level_kinds:
        return []
    weakest = weakest_capitals(standing.capital_scores, routing.get("weakest_capitals", 2))
    preferred: list[str] = []
    for capital in weakest:
        for kind in routing["capitals"].get(capital, []):
            if kind in level_kinds and kind not in preferred:
                preferred.append(kind)
    return preferred + [kind for kind in level_kinds if kind not in preferred]


def rank_services(services: Iterable, kinds: list[str], *, kind_of=lambda s: s.kind) -> list:
    """`services` whose kind is suggested, in the order of `kinds` (stable within a kind)."""
    order = {kind: position for position, kind in enumerate(kinds)}
    chosen = [service for service in services if kind_of(service) in order]
    return sorted(chosen, key=lambda service: order[kind_of(service)])
