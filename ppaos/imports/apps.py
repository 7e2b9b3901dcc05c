from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "ppaos.imports"
    label = "imports"
    verbose_name = "Imports"
