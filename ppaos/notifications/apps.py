from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ppaos.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from ppaos.accounts.context_processors import add_navigation_context

        from .selectors import navigation_context

        add_navigation_context(navigation_context)
