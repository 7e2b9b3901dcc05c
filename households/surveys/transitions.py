"""The survey state machine, declared once as a table (DESIGN.md §5): for each status, the
actions allowed on a survey in it and the status each action leads to. Pure data and lookups, no
Django: the survey services enforce it, `Survey.is_editable` reads it.

Statuses are the values of `households.models.SurveyStatus`; "edit" (save a draft) keeps the
status. A survey starts as a draft; a verified survey is final (a new round is a new survey).
"""

DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
VERIFIED = "verified"

EDIT = "edit"
SUBMIT = "submit"
VERIFY = "verify"
RETURN = "return"

INITIAL_STATUS = DRAFT

SURVEY_TRANSITIONS: dict[str, dict[str, str]] = {
    DRAFT: {EDIT: DRAFT, SUBMIT: SUBMITTED},
    RETURNED: {EDIT: RETURNED, SUBMIT: SUBMITTED},
    SUBMITTED: {VERIFY: VERIFIED, RETURN: RETURNED},
    VERIFIED: {},
}

ACTIONS = (EDIT, SUBMIT, VERIFY, RETURN)


def allows(status: str, action: str) -> bool:
    """Whether `action` may be taken on a survey in `status`."""
    return action in SURVEY_TRANSITIONS.get(status, {})


def next_status(status: str, action: str) -> str | None:
    """The status `action` leads to from `status`, or None when the table refuses it."""
    return SURVEY_TRANSITIONS.get(status, {}).get(action)


def statuses_allowing(action: str) -> tuple[str, ...]:
    """Every status in which `action` is allowed (e.g. the editable statuses for EDIT)."""
    return tuple(status for status, actions in SURVEY_TRANSITIONS.items() if action in actions)
