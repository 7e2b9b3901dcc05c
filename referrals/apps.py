from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self):
        from ppaos.accounts.context_processors import add_navigation_context

        from .selectors import unread_notifications_context

        add_navigation_context(unread_notifications_context)
