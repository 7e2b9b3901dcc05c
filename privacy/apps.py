from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy (PDPA)")
    # Its periodic task (data-request reminders) is in CELERY_BEAT_SCHEDULE (settings/base.py).

    def ready(self):
        from .reminders import register_kinds

        register_kinds()
