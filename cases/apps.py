from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from cases.permissions import forget_permission_ids

        post_migrate.connect(forget_permission_ids, dispatch_uid="cases-forget-permission-ids")

        from django.db.models.signals import post_delete, post_save

        from cases.due import refresh_open_flags
        from cases.models import CaseFlag

        def flag_changed(sender, instance, **kwargs):
            refresh_open_flags([instance.case_id])

        # Whoever writes a flag (service, admin, a test), the case's stored count follows.
        post_save.connect(flag_changed, sender=CaseFlag, dispatch_uid="cases-flag-saved", weak=False)
        post_delete.connect(flag_changed, sender=CaseFlag, dispatch_uid="cases-flag-deleted", weak=False)
        # Apps above cases add lines to the case timeline from their own ``timeline`` module.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("timeline")
        # ... and links on the case page (their multi-agency case, case reviews) from ``case_links``.
        autodiscover_modules("case_links")
