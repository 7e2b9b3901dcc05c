"""The 30-day clock's reminders, as ppaos.notifications notices (one way to tell people).

One notice a day to the officer who logged an open request due within a week or overdue; it
stops waiting when the request is answered or refused (`request_closed`).
"""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ppaos.notifications.selectors import waiting_notices_for
from ppaos.notifications.services import mark_handled, notify, register_kind

from . import rules
from .models import DataSubjectRequest, RequestStatus
from .selectors import data_requests_visible_to

DATA_REQUEST_DUE = "data_request_due"
_PREFIX = "data_request:"


def register_kinds() -> None:
    register_kind(DATA_REQUEST_DUE, _("A data-subject request is due soon or overdue"))


def subject_of(request) -> str:
    return f"{_PREFIX}{request.public_id}"


def send_data_request_reminders(*, today: date | None = None) -> int:
    """For every open request due within a week or overdue, one reminder a day to the officer who
    logged it. Idempotent (one per request, officer and day). Returns how many were sent."""
    today = today or timezone.localdate()
    sent = 0
    for request in DataSubjectRequest.objects.filter(status=RequestStatus.OPEN):
        if not rules.request_needs_reminder(request.due_on, today, open_=True):
            continue
        sent += notify(
            [request.identity_checked_by_id],
            kind=DATA_REQUEST_DUE,
            subject=subject_of(request),
            url=reverse("privacy:request_detail", args=[request.public_id]),
            day=today,
            daily=True,
        )
    return sent


def request_closed(request) -> None:
    mark_handled(subject_of(request), kinds=[DATA_REQUEST_DUE])


def requests_waiting_for(user):
    """The open requests the user has a waiting reminder about, among those the user may handle
    now (selectors.data_requests_visible_to): a reminder outlives a change of role or area."""
    subjects = waiting_notices_for(user).filter(kind=DATA_REQUEST_DUE).values_list("subject")
    ids = {subject.removeprefix(_PREFIX) for (subject,) in subjects}
    return (
        data_requests_visible_to(user)
        .filter(public_id__in=ids, status=RequestStatus.OPEN)
        .order_by("due_on")
    )
