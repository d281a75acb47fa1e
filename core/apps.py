from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core import checks

        from core import storage  # noqa: F401  (the private files' check and settings hook)
        from core.encryption import check_field_keys

        checks.register(check_field_keys, checks.Tags.security, deploy=False)
