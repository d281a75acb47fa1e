from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllianceConfig(AppConfig):
    name = "alliance"
    verbose_name = _("Alliance")

    def ready(self) -> None:
        # Apps above alliance add to a member's contribution from their own ``contributions`` module.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("contributions")
