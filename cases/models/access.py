"""Access to a case beyond its team: asked for with a reason and granted by a manager for a limited
time, or opened at once in an emergency ("break glass") and reported to the managers. Every grant
ends by itself (``cases.tasks.access_expiry_sweep``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, acting_user

__all__ = ["AccessGrant", "AccessKind", "AccessStatus"]


class AccessKind(models.TextChoices):
    REQUEST = "request", _("Asked for")
    BREAK_GLASS = "break_glass", _("Emergency access")


class AccessStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for a manager")
    GRANTED = "granted", _("Granted")
    DECLINED = "declined", _("Declined")
    ENDED = "ended", _("Ended")


class AccessGrant(TimeStampedModel):
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="case_grants"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AccessKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=AccessStatus.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    decided_by = acting_user()
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "ends_at"], name="grant_status_ends_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.user_id} · {self.status}"
