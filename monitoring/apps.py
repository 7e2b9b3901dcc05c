from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Monitoring and evaluation"

    def ready(self):
        from . import signals

        signals.connect()
