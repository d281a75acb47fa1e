from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.choices import Urgency
from core.models import TimeStampedModel, acting_user


class PledgeKind(models.TextChoices):
    MONEY = "money", _("Money")
    GOODS = "goods", _("Goods")
    SERVICE = "service", _("Service")


class PledgeRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Agreed")
    DECLINED = "declined", _("Turned down")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")


class Pledge(TimeStampedModel):
    """Promise First (承诺在先): an Alliance member's promise of one kind of help."""

    member = models.ForeignKey(
        "alliance.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="pledges"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PledgeKind.choices)
    description = models.TextField(_("what is promised"))
    estimated_value = models.DecimalField(
        _("estimated value (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    capacity = models.PositiveIntegerField(_("capacity (times it can be asked)"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="pledge_valid_period",
            ),
            models.CheckConstraint(
                condition=Q(estimated_value__isnull=True) | Q(estimated_value__gt=0), name="pledge_value_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()}"


class PledgeRequest(TimeStampedModel):
    """A social worker asks a member to fulfil their promise for a need on a case."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="pledge_requests"
    )
    pledge = models.ForeignKey(Pledge, verbose_name=_("pledge"), on_delete=models.PROTECT, related_name="requests")
    need = models.TextField(_("need"))
    need_urgency = models.CharField(
        _("how urgent the need is"),
        max_length=20,
        default=Urgency.SOON,
        choices=Urgency.choices,
    )
    need_estimated_value = models.DecimalField(
        _("estimated value of the need (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # What the member is told: anonymised ("a 9-year-old girl in Village 7 needs meals").
    public_text = models.CharField(_("what the member sees"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PledgeRequestStatus.choices, default=PledgeRequestStatus.REQUESTED
    )
    requested_on = models.DateField(_("requested on"))
    requested_by = acting_user()
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)
    value = models.DecimalField(_("value (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("pledge request")
        verbose_name_plural = _("pledge requests")
        ordering = ["-requested_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gt=0), name="pledgerequest_value_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="fulfilled") | (Q(value__isnull=False) & Q(fulfilled_on__isnull=False)),
                name="pledgerequest_fulfilled_has_value",
            ),
        ]
        indexes = [models.Index(fields=["status", "fulfilled_on"], name="pledgereq_status_fulfilled_idx")]

    def __str__(self) -> str:
        return f"{self.pledge} → {self.case_id}"
