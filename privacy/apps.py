from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy (PDPA)"
    # Its periodic task (data-request reminders) is in CELERY_BEAT_SCHEDULE (settings/base.py).

    def ready(self):
        from .reminders import register_kinds

        register_kinds()
