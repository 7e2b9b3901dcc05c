"""The state table and due dates: pure functions, no database."""

import datetime

import pytest

from referrals import routing
from referrals.transitions import (
    FINAL_STATES,
    TRANSITIONS,
    Party,
    State,
    TransitionRefused,
    check_transition,
    days_to_act,
    due_date,
    is_overdue,
    transitions_open_to,
)


def test_every_state_but_the_final_ones_has_a_way_out():
    sources = {t.source for t in TRANSITIONS}
    assert sources == set(State) - FINAL_STATES


def test_final_states_have_no_way_out():
    for state in FINAL_STATES:
        assert transitions_open_to(state, set(Party)) == []


def test_reject_decline_and_complete_need_a_note():
    assert (
        check_transition("reject", "submitted", {Party.OFFICER}, "ไม่เข้าเกณฑ์").target == "rejected"
    )
    for name, source, party in [
        ("reject", "submitted", Party.OFFICER),
        ("decline", "approved", Party.AGENCY),
        ("complete", "in_progress", Party.AGENCY),
    ]:
        with pytest.raises(TransitionRefused) as refused:
            check_transition(name, source, {party}, "  ")
        assert refused.value.code == TransitionRefused.NOTE_REQUIRED


def test_a_transition_from_the_wrong_state_is_not_in_the_table():
    with pytest.raises(TransitionRefused) as refused:
        check_transition("accept", "submitted", {Party.AGENCY})
    assert refused.value.code == TransitionRefused.NOT_IN_TABLE


def test_the_wrong_party_is_refused_and_told_who_may():
    with pytest.raises(TransitionRefused) as refused:
        check_transition("approve", "submitted", {Party.PROPOSER, Party.AGENCY})
    assert refused.value.code == TransitionRefused.WRONG_PARTY
    assert refused.value.parties == {Party.OFFICER}


def test_declined_returns_to_the_officer():
    names = {t.name for t in transitions_open_to("declined", {Party.OFFICER})}
    assert names == {"reroute", "reject", "cancel"}
    assert transitions_open_to("declined", {Party.AGENCY, Party.PROPOSER}) == []


@pytest.mark.parametrize(("urgency", "days"), [("normal", 30), ("high", 15), ("urgent", 10)])
def test_urgency_shortens_the_time_to_act(urgency, days):
    assert days_to_act(30, urgency) == days
    assert due_date(datetime.date(2025, 1, 1), 30, urgency) == datetime.date(2025, 1, 1) + (
        datetime.timedelta(days=days)
    )


def test_at_least_one_day_to_act():
    assert days_to_act(1, "urgent") == 1


def test_overdue_only_while_open_and_past_the_due_date():
    today = datetime.date(2025, 3, 1)
    yesterday = datetime.date(2025, 2, 28)
    assert is_overdue("accepted", yesterday, today)
    assert not is_overdue("accepted", today, today)
    assert not is_overdue("completed", yesterday, today)
    assert not is_overdue("submitted", None, today)


def test_routing_puts_the_weakest_capital_first():
    standing = routing.Standing(
        level=routing.STRUGGLING,
        capital_scores={"human": 2.6, "physical": 2.9, "financial": 1.2, "natural": 3.1,
                        "social": 2.0},
    )  # fmt: skip
    kinds = routing.suggested_kinds(standing)
    # financial (1.2) then social (2.0) are the weakest: debt and employment lead.
    assert kinds[:2] == [routing.DEBT, routing.EMPLOYMENT]
    assert set(kinds) == set(routing.DEFAULT_ROUTING["levels"][routing.STRUGGLING])


def test_routing_suggests_nothing_to_a_household_doing_well():
    standing = routing.Standing(level=routing.DOING_WELL, capital_scores={"human": 1.0})
    assert routing.suggested_kinds(standing) == []


def test_routing_is_configurable_data():
    rules = {"levels": {routing.HARDSHIP: [routing.HOUSING]}, "capitals": {}}
    standing = routing.Standing(level=routing.HARDSHIP, capital_scores={})
    assert routing.suggested_kinds(standing, rules) == [routing.HOUSING]


def test_a_declined_referral_is_not_overdue_while_it_waits_for_the_officer():
    today = datetime.date(2025, 3, 1)
    assert not is_overdue("declined", datetime.date(2025, 2, 1), today)


def test_only_the_states_where_the_agency_acts_can_be_overdue():
    from referrals.transitions import OVERDUE_STATES, State

    long_ago, today = datetime.date(2000, 1, 1), datetime.date(2025, 3, 1)
    overdue = {state for state in State if is_overdue(state, long_ago, today)}
    assert overdue == set(OVERDUE_STATES) == {"approved", "accepted", "in_progress"}
