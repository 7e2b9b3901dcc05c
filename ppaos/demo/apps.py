from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ppaos.demo"
    label = "demo"
    verbose_name = "Demo data"
