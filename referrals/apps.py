from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from cases.services.retention import ANONYMISE_HOOKS
        from referrals.retention import anonymise_referrals

        if anonymise_referrals not in ANONYMISE_HOOKS:
            ANONYMISE_HOOKS.append(anonymise_referrals)
