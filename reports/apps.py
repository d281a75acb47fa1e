from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from core.recovery import health_figures, recovery_sweep
        from reports.services import reports_health, reports_recover

        recovery_sweep(reports_recover)
        health_figures(reports_health)
