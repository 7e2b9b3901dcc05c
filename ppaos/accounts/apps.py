from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ppaos.accounts"
    label = "accounts"
    verbose_name = _("Accounts and access")

    def ready(self):
        from django.apps import apps

        from . import login_throttle  # noqa: F401  (the lockout audit receiver)

        # The two libraries' sections of the admin, named in Thai like the project's own
        # (their apps name themselves "Axes" and "Knox"; not a model option: no migration).
        apps.get_app_config("axes").verbose_name = _("Login lockouts")
        apps.get_app_config("knox").verbose_name = _("API tokens")
        # knox's token model has no translatable name. Its options are set here for the admin
        # only: migrations read a model's declared options (`original_attrs`), not these.
        token = apps.get_model("knox", "AuthToken")
        token._meta.verbose_name = _("API token")
        token._meta.verbose_name_plural = _("API tokens")
