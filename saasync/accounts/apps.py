from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "saasync.accounts"
    label = "accounts"
    verbose_name = "Accounts and tenants"
