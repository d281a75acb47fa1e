from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from reports.cache import model_written

        # Any write to what the figures count makes the cached figures stale (reports/cache.py).
        post_save.connect(model_written, dispatch_uid="reports-figures-saved", weak=False)
        post_delete.connect(model_written, dispatch_uid="reports-figures-deleted", weak=False)
        m2m_changed.connect(model_written, dispatch_uid="reports-figures-m2m", weak=False)
