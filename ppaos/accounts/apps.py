from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ppaos.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"
