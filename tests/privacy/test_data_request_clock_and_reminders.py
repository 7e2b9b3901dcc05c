"""The 30-day clock of a data-subject request, its overdue flag and the reminder task (run by
a real Celery worker)."""

import datetime

import pytest
from django.utils import timezone

from households.models import Membership
from ppaos.notifications.models import Notice
from privacy.models import RequestKind
from privacy.reminders import DATA_REQUEST_DUE, subject_of
from privacy.services import complete_data_request, send_data_request_reminders
from tests.factories import household_with_head
from tests.privacy.privacy_helpers import logged_request


def _person():
    return Membership.objects.get(household=household_with_head()).person


@pytest.mark.django_db
def test_a_request_is_due_thirty_days_after_receipt(provincial_officer):
    request = logged_request(
        provincial_officer, _person(), RequestKind.OBJECTION, received_on=datetime.date(2026, 1, 5)
    )
    assert request.due_on == datetime.date(2026, 2, 4)
    assert request.area_id == "49010101"


@pytest.mark.django_db
def test_an_open_request_past_its_due_date_is_overdue(provincial_officer):
    today = timezone.localdate()
    late = logged_request(
        provincial_officer,
        _person(),
        RequestKind.OBJECTION,
        received_on=today - datetime.timedelta(days=31),
    )
    fresh = logged_request(provincial_officer, _person(), RequestKind.OBJECTION)
    assert late.is_overdue and not fresh.is_overdue


@pytest.mark.django_db
def test_reminders_start_a_week_before_the_due_date_once_a_day(provincial_officer):
    today = timezone.localdate()
    near = logged_request(
        provincial_officer,
        _person(),
        RequestKind.OBJECTION,
        received_on=today - datetime.timedelta(days=24),
    )
    logged_request(provincial_officer, _person(), RequestKind.OBJECTION)

    assert send_data_request_reminders(today=today) == 1
    assert send_data_request_reminders(today=today) == 0
    reminder = Notice.objects.get(kind=DATA_REQUEST_DUE)
    assert (reminder.subject, reminder.recipient) == (subject_of(near), provincial_officer)
    assert reminder.url == f"/privacy/requests/{near.public_id}/"
    assert reminder.handled_at is None

    # Answering the request is handling its reminder: it leaves "waiting".
    complete_data_request(actor=provincial_officer, request=near, outcome="ตอบแล้ว")
    reminder.refresh_from_db()
    assert reminder.handled_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_reminder_task_runs_in_the_worker(celery_worker, provincial_officer):
    from privacy.tasks import send_data_request_reminders as task

    logged_request(
        provincial_officer,
        _person(),
        RequestKind.OBJECTION,
        received_on=timezone.localdate() - datetime.timedelta(days=40),
    )

    assert task.delay().get(timeout=60) == 1
    assert Notice.objects.filter(kind=DATA_REQUEST_DUE, recipient=provincial_officer).count() == 1


@pytest.mark.django_db
def test_the_reminder_list_shows_only_requests_the_user_may_still_handle(provincial_officer):
    from ppaos.accounts.models import RoleAssignment
    from ppaos.accounts.policy import forget_assignments
    from privacy.selectors import requests_with_reminders_for

    today = timezone.localdate()
    near = logged_request(
        provincial_officer,
        _person(),
        RequestKind.OBJECTION,
        received_on=today - datetime.timedelta(days=24),
    )
    assert send_data_request_reminders(today=today) == 1
    assert list(requests_with_reminders_for(provincial_officer)) == [near]
    # The officer leaves the role: the reminder still waits, but the request is not theirs now.
    RoleAssignment.objects.filter(user=provincial_officer).delete()
    forget_assignments(provincial_officer)
    assert Notice.objects.get(kind=DATA_REQUEST_DUE).handled_at is None
    assert list(requests_with_reminders_for(provincial_officer)) == []
