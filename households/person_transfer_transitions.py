"""The person-transfer state machine, declared once as a table (DESIGN.md §5). Pure data and
lookups, no Django: `households.services` enforces it.

A request waits until the managers of both areas have approved (one who covers both areas
approves for both); a refusal by either side ends it. Approved and rejected requests are final.
Statuses are the values of `households.models.TransferStatus`.
"""

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"

APPROVE = "approve"  # one side's approval; the request is approved when both sides have
REJECT = "reject"

INITIAL_STATUS = PENDING

TRANSFER_TRANSITIONS: dict[str, dict[str, str]] = {
    PENDING: {APPROVE: APPROVED, REJECT: REJECTED},
    APPROVED: {},
    REJECTED: {},
}


def allows(status: str, action: str) -> bool:
    """Whether `action` may be taken on a request in `status`."""
    return action in TRANSFER_TRANSITIONS.get(status, {})


def next_status(status: str, action: str) -> str | None:
    """The status `action` leads to once every side needed has taken it, or None if refused."""
    return TRANSFER_TRANSITIONS.get(status, {}).get(action)
