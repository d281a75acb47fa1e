from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Each app's reminder rules live in its own ``reminders`` module and register themselves.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("reminders")
