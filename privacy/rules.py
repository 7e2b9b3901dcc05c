"""PDPA clocks and state tables (pure: no Django import).

- A data-subject request (PDPA s.30–36) is answered within 30 days of its receipt.
- A personal-data breach is notified to the PDPC Office within 72 hours of its discovery
  (PDPC Notification on breach notification B.E. 2565).
"""

from datetime import date, datetime, timedelta

RESPONSE_DAYS = 30
REMIND_WITHIN_DAYS = 7  # reminders start a week before the due date, and continue once overdue
BREACH_NOTICE_HOURS = 72


def request_due_on(received_on: date) -> date:
    return received_on + timedelta(days=RESPONSE_DAYS)


def request_is_overdue(due_on: date, today: date, *, open_: bool) -> bool:
    return open_ and today > due_on


def request_needs_reminder(due_on: date, today: date, *, open_: bool) -> bool:
    return open_ and today >= due_on - timedelta(days=REMIND_WITHIN_DAYS)


def breach_notice_deadline(found_at: datetime) -> datetime:
    return found_at + timedelta(hours=BREACH_NOTICE_HOURS)


# Breach states and the one table of allowed moves.
SUSPECTED = "suspected"
ASSESSED = "assessed"
NOTIFIED = "notified"
NOT_NOTIFIABLE = "not_notifiable"
CLOSED = "closed"

BREACH_TRANSITIONS: dict[str, frozenset[str]] = {
    SUSPECTED: frozenset({ASSESSED}),
    ASSESSED: frozenset({NOTIFIED, NOT_NOTIFIABLE}),
    NOTIFIED: frozenset({CLOSED}),
    NOT_NOTIFIABLE: frozenset({CLOSED}),
    CLOSED: frozenset(),
}


def breach_may_move(from_state: str, to_state: str) -> bool:
    return to_state in BREACH_TRANSITIONS.get(from_state, frozenset())


# Why an erasure is refused (PDPA s.33 para. 1: the controller keeps data needed for a public
# task or a legal obligation, s.24(4)/(6)).
STILL_IN_ACTIVE_HOUSEHOLD = "active_household"
OPEN_REFERRAL = "open_referral"


def erasure_refusals(*, lives_in_active_household: bool, has_open_referral: bool) -> list[str]:
    reasons = []
    if lives_in_active_household:
        reasons.append(STILL_IN_ACTIVE_HOUSEHOLD)
    if has_open_referral:
        reasons.append(OPEN_REFERRAL)
    return reasons
