"""The master-plan project state machine, declared once (pure rules, no Django import).

    draft → ranked (at the village forum) → endorsed (in the community plan)
    endorsed → submitted (to the local administrative organisation)
    submitted → in local plan (plan edition and fiscal years required)
    in local plan → in budget (ordinance fiscal year and amount required)
    in budget → done
    endorsed → done (a project the community carries itself)
    submitted, in local plan → not adopted (reason required)

Each transition names the permission it needs (the services check it with the access policy).
"""

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    RANKED = "ranked"
    ENDORSED = "endorsed"
    SUBMITTED = "submitted"
    IN_LOCAL_PLAN = "in_local_plan"
    IN_BUDGET = "in_budget"
    DONE = "done"
    NOT_ADOPTED = "not_adopted"


class Needs(StrEnum):
    """What a transition must be given besides the actor."""

    NOTHING = ""
    REASON = "reason"
    LOCAL_PLAN = "local_plan"  # edition, first and last fiscal year
    ORDINANCE = "ordinance"  # fiscal year, amount


DRAFT_PERMISSION = "draft_master_plan"
ENDORSE_PERMISSION = "endorse_master_plan"


@dataclass(frozen=True)
class Transition:
    name: str
    source: State
    target: State
    permission: str
    needs: Needs = Needs.NOTHING


TRANSITIONS: tuple[Transition, ...] = (
    Transition("rank", State.DRAFT, State.RANKED, DRAFT_PERMISSION),
    Transition("unrank", State.RANKED, State.DRAFT, DRAFT_PERMISSION),
    Transition("endorse", State.RANKED, State.ENDORSED, ENDORSE_PERMISSION),
    Transition("submit", State.ENDORSED, State.SUBMITTED, DRAFT_PERMISSION),
    Transition(
        "record_local_plan",
        State.SUBMITTED,
        State.IN_LOCAL_PLAN,
        DRAFT_PERMISSION,
        Needs.LOCAL_PLAN,
    ),
    Transition(
        "record_ordinance", State.IN_LOCAL_PLAN, State.IN_BUDGET, DRAFT_PERMISSION, Needs.ORDINANCE
    ),
    Transition("complete", State.IN_BUDGET, State.DONE, DRAFT_PERMISSION),
    Transition("complete", State.ENDORSED, State.DONE, DRAFT_PERMISSION),
    Transition("not_adopted", State.SUBMITTED, State.NOT_ADOPTED, DRAFT_PERMISSION, Needs.REASON),
    Transition(
        "not_adopted", State.IN_LOCAL_PLAN, State.NOT_ADOPTED, DRAFT_PERMISSION, Needs.REASON
    ),
)

# States in which the project's content (objective, budget, targets) may still be edited.
EDITABLE_STATES = frozenset({State.DRAFT, State.RANKED})


class IllegalTransition(ValueError):
    pass


def find_transition(source: str, name: str) -> Transition:
    """The transition `name` out of `source`, or IllegalTransition."""
    for transition in TRANSITIONS:
        if transition.source == source and transition.name == name:
            return transition
    raise IllegalTransition(f"{name} is not allowed from {source}")


def transitions_from(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]
