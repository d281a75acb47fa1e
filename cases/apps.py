from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Apps above cases add lines to the case timeline from their own ``timeline`` module.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("timeline")
