from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import roles, signals  # noqa: F401

        # After every app: permissions of later apps only exist once their own post_migrate ran.
        post_migrate.connect(roles.sync_role_groups_after_migrate, dispatch_uid="shouhu_sync_role_groups")
