"""Celery tasks of the referrals app: thin, each calls a service."""

from celery import shared_task

from . import reminders


@shared_task(name="referrals.send_overdue_reminders")
def send_overdue_reminders_task() -> int:
    """The daily overdue reminder (beat schedule in settings). Safe to run twice a day."""
    return reminders.send_overdue_reminders()
