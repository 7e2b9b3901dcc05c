"""Every periodic task is in one beat table, which the Celery app reads (a second assignment
of the setting once dropped the overdue reminders)."""

from ppaos.celery import app


def test_the_celery_app_schedules_every_periodic_task():
    assert {
        "referral-overdue-reminders",
        "monitoring-drain",
        "monitoring-rebuild",
        "privacy-data-request-reminders",
    } <= set(app.conf.beat_schedule)
