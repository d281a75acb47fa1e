from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Group services")

    def ready(self) -> None:
        from alliance.selectors import VOLUNTEER_MINUTES_SOURCES
        from programmes.selectors import tutor_minutes

        if tutor_minutes not in VOLUNTEER_MINUTES_SOURCES:
            VOLUNTEER_MINUTES_SOURCES.append(tutor_minutes)
