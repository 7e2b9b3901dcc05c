from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy (PDPA)"

    def ready(self):
        from celery.schedules import crontab

        from ppaos.celery import app

        # Beat: the 30-day clock's reminders every morning; retention applied every night.
        app.conf.beat_schedule = {
            **(app.conf.beat_schedule or {}),
            "privacy-data-request-reminders": {
                "task": "privacy.tasks.send_data_request_reminders",
                "schedule": crontab(hour=7, minute=0),
            },
        }
