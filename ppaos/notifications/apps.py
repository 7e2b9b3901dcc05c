from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ppaos.notifications"
    label = "notifications"
    verbose_name = "Notifications"
