"""A case moving from one organisation to another: proposed by the sending manager, answered by the
receiving one."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, acting_user

__all__ = ["CaseTransfer", "TransferConsent", "TransferStatus"]


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class TransferConsent(models.TextChoices):
    GUARDIAN = "guardian", _("The guardian consented")
    CHILD = "child", _("The child consented")
    NOT_GIVEN = "not_given", _("No consent (the reason says why)")


class CaseTransfer(TimeStampedModel):
    """The record of a transfer. After acceptance it is all the sender keeps of the case: the
    number, the child's name, when and to whom it went; the case file itself moves."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="transfers")
    from_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.PROPOSED
    )
    reason = models.TextField(_("reason"))
    consent_basis = models.CharField(_("consent"), max_length=20, choices=TransferConsent.choices)
    consented_by = models.CharField(_("who consented"), max_length=200, blank=True)
    proposed_by = acting_user(_("proposed by"), blank=False)
    proposed_on = models.DateField(_("proposed on"))
    decided_by = acting_user(_("decided by"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    lead_worker = acting_user(_("new lead worker"))
    # What the sender keeps once the case has gone: a summary, not the file.
    case_number = models.CharField(_("case number"), max_length=20)
    child_name = models.CharField(_("child's name"), max_length=100)

    class Meta:
        verbose_name = _("case transfer")
        verbose_name_plural = _("case transfers")
        ordering = ["-proposed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="proposed"), name="case_transfer_one_proposed"),
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")), name="case_transfer_to_another"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number}: {self.from_organisation} → {self.to_organisation}"
