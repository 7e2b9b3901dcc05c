from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "ppaos.areas"
    label = "areas"
    verbose_name = "Areas"
