"""The daily overdue reminder, run by a real Celery worker: one per overdue referral and person,
and no duplicate when it runs twice the same day."""

import datetime

import pytest

from ppaos.notifications.models import Notice
from referrals.models import Referral
from referrals.reminders import REFERRAL_OVERDUE
from referrals.tasks import send_overdue_reminders_task

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_beat_schedule_runs_the_reminder_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["referral-overdue-reminders"]
    assert entry["task"] == send_overdue_reminders_task.name


def test_worker_sends_one_reminder_per_overdue_referral_and_none_twice(
    celery_worker, make_referral, agency_staff, provincial_officer
):
    for state in ("accepted", "in_progress", "approved"):
        referral = make_referral(state)
        Referral.objects.filter(pk=referral.pk).update(
            due_on=datetime.date.today() - datetime.timedelta(days=1)
        )
    first = send_overdue_reminders_task.delay().get(timeout=60)
    second = send_overdue_reminders_task.delay().get(timeout=60)
    assert first == 6  # 3 referrals x (the agency's staff member + the approving officer)
    assert second == 0
    reminders = Notice.objects.filter(kind=REFERRAL_OVERDUE)
    assert reminders.count() == 6
    assert reminders.filter(recipient=agency_staff).count() == 3
