from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MultiagencyConfig(AppConfig):
    name = "multiagency"
    verbose_name = _("Multi-agency cases")
