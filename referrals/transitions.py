"""The referral state machine, declared once (DESIGN.md §2 referrals/, §5 state machines).

Pure rules, no Django import: the services ask `check_transition` before every change of state,
and the pages ask `transitions_open_to` which buttons to show. A transition not in `TRANSITIONS`
does not happen, whoever asks.

    draft → submitted → approved / rejected (reason required)
    approved → accepted / declined by the agency (reason required)
    declined → approved again, to the same or another service (re-route by the officer) / rejected
    accepted → in progress → completed (outcome required)
    draft, submitted, approved, accepted, in progress, declined → cancelled (reason required)
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Party(StrEnum):
    """Who may take a transition, in relation to the referral (not a role name)."""

    PROPOSER = "proposer"  # a facilitator or area manager whose area holds the household
    OFFICER = "officer"  # a provincial officer whose province holds the household
    AGENCY = "agency"  # staff of the agency the referral is assigned to


@dataclass(frozen=True)
class Transition:
    name: str  # the verb the services and the API use
    source: State
    target: State
    parties: frozenset[Party]
    note_required: bool = False  # a reason (reject, decline, cancel) or an outcome (complete)


def _t(name, source, target, *parties, note_required=False) -> Transition:
    return Transition(name, source, target, frozenset(parties), note_required)


TRANSITIONS: tuple[Transition, ...] = (
    _t("submit", State.DRAFT, State.SUBMITTED, Party.PROPOSER),
    _t("cancel", State.DRAFT, State.CANCELLED, Party.PROPOSER),
    _t("approve", State.SUBMITTED, State.APPROVED, Party.OFFICER),
    _t("reject", State.SUBMITTED, State.REJECTED, Party.OFFICER, note_required=True),
    _t("cancel", State.SUBMITTED, State.CANCELLED, Party.PROPOSER, Party.OFFICER,
       note_required=True),
    _t("accept", State.APPROVED, State.ACCEPTED, Party.AGENCY),
    _t("decline", State.APPROVED, State.DECLINED, Party.AGENCY, note_required=True),
    _t("cancel", State.APPROVED, State.CANCELLED, Party.OFFICER, note_required=True),
    # A declined referral returns to the officer, who sends it on (re-route) or closes it.
    _t("reroute", State.DECLINED, State.APPROVED, Party.OFFICER),
    _t("reject", State.DECLINED, State.REJECTED, Party.OFFICER, note_required=True),
    _t("cancel", State.DECLINED, State.CANCELLED, Party.OFFICER, note_required=True),
    _t("start", State.ACCEPTED, State.IN_PROGRESS, Party.AGENCY),
    _t("cancel", State.ACCEPTED, State.CANCELLED, Party.OFFICER, note_required=True),
    _t("complete", State.IN_PROGRESS, State.COMPLETED, Party.AGENCY, note_required=True),
    _t("cancel", State.IN_PROGRESS, State.CANCELLED, Party.OFFICER, note_required=True),
)  # fmt: skip

_BY_NAME_AND_SOURCE = {(t.name, t.source): t for t in TRANSITIONS}

# States in which nothing more happens.
FINAL_STATES = frozenset({State.REJECTED, State.COMPLETED, State.CANCELLED})
# States in which the assigned agency must act, so its due date runs and the referral can be
# overdue. Not a declined referral: it waits for the officer to re-route it (a new due date then).
# `is_overdue` and `selectors.overdue_q` both read this set.
OVERDUE_STATES = frozenset({State.APPROVED, State.ACCEPTED, State.IN_PROGRESS})
# States in which the assigned agency sees the referral (its work queue and its history).
AGENCY_VISIBLE_STATES = frozenset(
    {State.APPROVED, State.ACCEPTED, State.IN_PROGRESS, State.COMPLETED}
)
# The agency is working on it: it may write progress notes.
AGENCY_WORKING_STATES = frozenset({State.ACCEPTED, State.IN_PROGRESS})


class TransitionRefused(Exception):
    """A change of state the table does not allow. `code` says why, for the message shown."""

    NOT_IN_TABLE = "not_in_table"  # no such transition from this state
    WRONG_PARTY = "wrong_party"  # the transition exists, but not for this user
    NOTE_REQUIRED = "note_required"  # a reason or an outcome must be given

    def __init__(self, code: str, *, name: str, source: str, parties=frozenset()):
        super().__init__(f"{code}: {name} from {source}")
        self.code = code
        self.name = name
        self.source = source
        self.parties = frozenset(parties)


def find_transition(name: str, source: str) -> Transition | None:
    return _BY_NAME_AND_SOURCE.get((name, State(source)))


def check_transition(name: str, source: str, parties, note: str = "") -> Transition:
    """The transition `name` from `source` for a user acting as any of `parties`, or refused."""
    transition = find_transition(name, source)
    if transition is None:
        raise TransitionRefused(TransitionRefused.NOT_IN_TABLE, name=name, source=source)
    if not transition.parties & frozenset(parties):
        raise TransitionRefused(
            TransitionRefused.WRONG_PARTY, name=name, source=source, parties=transition.parties
        )
    if transition.note_required and not note.strip():
        raise TransitionRefused(TransitionRefused.NOTE_REQUIRED, name=name, source=source)
    return transition


def parties_taking(name: str) -> frozenset[Party]:
    """Everyone who takes the transition `name` from some state (empty for an unknown name)."""
    return frozenset().union(*(t.parties for t in TRANSITIONS if t.name == name))


def transitions_open_to(source: str, parties) -> list[Transition]:
    """The transitions a user acting as any of `parties` may take from `source`."""
    parties = frozenset(parties)
    return [t for t in TRANSITIONS if t.source == source and t.parties & parties]


class Urgency(StrEnum):
    URGENT = "urgent"  # life, health or shelter at risk: act within a third of the usual time
    HIGH = "high"  # hardship that worsens with waiting: half the usual time
    NORMAL = "normal"  # the service's usual time


# How much of a service's expected days each urgency allows (at least one day).
URGENCY_SHARE = {Urgency.URGENT: 1 / 3, Urgency.HIGH: 1 / 2, Urgency.NORMAL: 1.0}


def days_to_act(expected_days: int, urgency: str) -> int:
    return max(1, round(expected_days * URGENCY_SHARE[Urgency(urgency)]))


def due_date(start: date, expected_days: int, urgency: str) -> date:
    """When the agency should have acted, counted from when the referral went to it."""
    return start + timedelta(days=days_to_act(expected_days, urgency))


def is_overdue(state: str, due_on: date | None, today: date) -> bool:
    """Past its due date while the agency must act (`OVERDUE_STATES`)."""
    return due_on is not None and State(state) in OVERDUE_STATES and due_on < today
