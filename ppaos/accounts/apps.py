from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ppaos.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"

    def ready(self):
        from . import login_throttle  # noqa: F401  (the lockout audit receiver)
