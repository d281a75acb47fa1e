from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.choices import Sex, Urgency  # noqa: F401  (Urgency re-exported)
from core.models import TimeStampedModel


class Channel(models.TextChoices):
    ALLIANCE = "alliance", _("Alliance member")
    HOTLINE = "hotline", _("Hotline (12345/12349)")
    POLICE = "police", _("Police")
    GOVERNMENT = "government", _("Government department")
    SELF_OR_FAMILY = "self_or_family", _("The child or family")
    OUTREACH = "outreach", _("Outreach")
    OTHER = "other", _("Other")
    CHILDREN_DIRECTOR = "children_director", _("Monitoring register (children director or supervisor)")


class Indicator(models.TextChoices):
    NO_ADULT_AT_NIGHT = "no_adult_at_night", _("No adult at home at night")
    VISIBLE_INJURIES = "visible_injuries", _("Visible injuries")
    OUT_OF_SCHOOL = "out_of_school", _("Out of school")
    NO_HUKOU = "no_hukou", _("No household registration (hukou)")
    BEGGING_OR_WANDERING = "begging_or_wandering", _("Begging or wandering")
    UNTREATED_ILLNESS = "untreated_illness", _("Serious illness not treated")
    PARENT_ABSENT = "parent_absent", _("Parent dead, in prison, disabled or lost contact")
    LIVING_ALONE = "living_alone", _("Child living alone")
    HUNGER = "hunger", _("Often hungry")
    SELF_HARM_TALK = "self_harm_talk", _("Talked of hurting themselves")
    OTHER = "other", _("Other")


class ReferralStatus(models.TextChoices):
    NEW = "new", _("New")
    NEEDS_INFO = "needs_info", _("Needs more information")
    ACCEPTED = "accepted", _("Accepted")
    REFERRED_ON = "referred_on", _("Referred on")
    DECLINED = "declined", _("Declined")


class Referral(TimeStampedModel):
    """A report of a child who may be at risk, from the community or another channel."""

    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    child_name = models.CharField(_("child's name"), max_length=100)
    child_sex = models.CharField(_("child's sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    child_age = models.PositiveSmallIntegerField(_("child's age"), null=True, blank=True)
    child_birth_date = models.DateField(_("child's birth date"), null=True, blank=True)
    location = models.ForeignKey(
        "core.Location", verbose_name=_("village / community"), on_delete=models.PROTECT, related_name="referrals"
    )
    where_found = models.CharField(_("where the child can be found"), max_length=300, blank=True)
    caregiver_situation = models.TextField(_("who looks after the child"), blank=True)
    concerns = models.TextField(_("what you saw"))
    indicators = ArrayField(
        models.CharField(max_length=30, choices=Indicator.choices),
        verbose_name=_("indicators"),
        default=list,
        blank=True,
    )
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.ROUTINE)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.ALLIANCE)
    referrer_member = models.ForeignKey(
        "alliance.Member",
        verbose_name=_("referring Alliance member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.NEW)
    received_on = models.DateField(_("received on"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    outcome_note = models.TextField(_("outcome note"), blank=True)
    question = models.TextField(_("question for the referrer"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_entered",
    )
    # The client's idempotency key: a double click or a retry creates one referral, not two.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["status", "urgency"], name="referral_status_urgency_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def indicator_labels(self) -> list[str]:
        labels = dict(Indicator.choices)
        return [str(labels.get(code, code)) for code in self.indicators]


class OutgoingService(models.TextChoices):
    LEGAL_AID = "legal_aid", _("Legal aid")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    MEDICAL = "medical", _("Medical care")
    ONE_STOP = "one_stop_centre", _("One-Stop Centre (child survivors of sexual abuse)")
    POLICE = "police", _("Police")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
    OTHER = "other", _("Other")


class ConsentBasis(models.TextChoices):
    GUARDIAN = "guardian", _("The guardian consented")
    CHILD = "child", _("The child consented")
    MANAGER_OVERRIDE = "manager_override", _("A manager overrode the need for consent")


class OutgoingReferral(TimeStampedModel):
    """A case referred out to another service. Sharing a child's details outside the project needs recorded
    consent, or a manager's override with a reason."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="outgoing_referrals"
    )
    service = models.CharField(_("service"), max_length=30, choices=OutgoingService.choices)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        default="sent",
        choices=(
            ("sent", _("Sent")),
            ("in_progress", _("In progress")),
            ("done", _("Done")),
            ("cancelled", _("Cancelled")),
        ),
    )
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    consent_basis = models.CharField(_("consent"), max_length=20, choices=ConsentBasis.choices)
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("outgoing referral")
        verbose_name_plural = _("outgoing referrals")
        ordering = ["-created_at"]
