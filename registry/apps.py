from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Monitoring register")

    def ready(self) -> None:
        from referrals.services import TRIAGE_CALLBACKS
        from registry import roster
        from registry.services import escalation_triaged

        if escalation_triaged not in TRIAGE_CALLBACKS:
            TRIAGE_CALLBACKS.append(escalation_triaged)
        roster.register()  # register children without a case on programmes' rosters
