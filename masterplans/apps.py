from django.apps import AppConfig


class MasterplansConfig(AppConfig):
    name = "masterplans"
    verbose_name = "Community master plans"
