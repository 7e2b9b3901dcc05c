"""Who is told about a survey, and when the telling stops waiting (ppaos.notifications)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ppaos.accounts.models import RoleAssignment
from ppaos.accounts.policy import ROLE_ACTIONS, Action
from ppaos.areas.models import ancestor_codes
from ppaos.notifications.services import (
    mark_handled,
    notify,
    notify_new_subjects,
    register_kind,
)

SURVEY_RETURNED = "survey_returned"
SURVEY_SUBMITTED = "survey_submitted"

KINDS = {
    SURVEY_RETURNED: _("A survey was returned to you: correct it and submit it again"),
    SURVEY_SUBMITTED: _("A survey was submitted: verify it or return it"),
}


def register_kinds() -> None:
    for kind, label in KINDS.items():
        register_kind(kind, label)


def _subject(survey) -> str:
    return f"survey:{survey.public_id}"


def _url(survey) -> str:
    return reverse("households:survey_detail", kwargs={"survey_id": survey.public_id})


def verifier_ids(survey) -> list[int]:
    """The users whose role verifies surveys in an area containing the survey's village."""
    return verifier_ids_in(survey.household.area_id, surveyed_by_id=survey.surveyed_by_id)


def verifier_ids_in(area_code: str, *, surveyed_by_id) -> list[int]:
    """The verifiers of a survey of village `area_code` entered by `surveyed_by_id`."""
    roles = [role for role, actions in ROLE_ACTIONS.items() if Action.VERIFY_SURVEY in actions]
    return list(
        RoleAssignment.objects.filter(role__in=roles, area_id__in=ancestor_codes(area_code))
        .exclude(user_id=surveyed_by_id)  # nobody verifies their own survey
        .values_list("user_id", flat=True)
    )


def survey_submitted(survey) -> None:
    """The correction asked for is done; the area's managers have a survey to verify."""
    mark_handled(_subject(survey), kinds=[SURVEY_RETURNED])
    notify(verifier_ids(survey), kind=SURVEY_SUBMITTED, subject=_subject(survey), url=_url(survey))


def new_surveys_submitted(surveys, verifiers_of) -> None:
    """`survey_submitted` for surveys created and submitted in one go (the bulk import): none
    was returned before, so there is nothing to close; `verifiers_of(survey)` gives the ids."""
    marker = "00000000-0000-0000-0000-000000000000"
    url = reverse("households:survey_detail", kwargs={"survey_id": marker})  # reversed once
    notify_new_subjects(
        SURVEY_SUBMITTED,
        [
            (ids, _subject(survey), url.replace(marker, str(survey.public_id)))
            for survey in surveys
            if (ids := verifiers_of(survey))
        ],
    )


def survey_returned(survey) -> None:
    """The review is done; the facilitator who surveyed it has corrections to make."""
    mark_handled(_subject(survey), kinds=[SURVEY_SUBMITTED])
    notify(
        [survey.surveyed_by_id], kind=SURVEY_RETURNED, subject=_subject(survey), url=_url(survey)
    )


def survey_verified(survey) -> None:
    mark_handled(_subject(survey))
