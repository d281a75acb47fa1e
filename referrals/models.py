from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.choices import Sex, Urgency  # noqa: F401  (Urgency re-exported)
from core.encryption import EncryptedTextField
from core.models import TimeStampedModel, acting_user, location_field
from organisations.defaults import organisation_field


class Channel(models.TextChoices):
    ALLIANCE = "alliance", _("Alliance member")
    HOTLINE = "hotline", _("Hotline (12345/12349)")
    POLICE = "police", _("Police")
    GOVERNMENT = "government", _("Government department")
    SELF_OR_FAMILY = "self_or_family", _("The child or family")
    OUTREACH = "outreach", _("Outreach")
    OTHER = "other", _("Other")
    CHILDREN_DIRECTOR = "children_director", _("Monitoring register (children director or supervisor)")
    AGENCY = "agency", _("Another organisation on Shouhu (referral between agencies)")


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


class ReportedChild(TimeStampedModel):
    """A child as whoever reports them describes them, before anyone keeps a file: name, sex and age.
    A referral and a hotline call (``registry.HotlineCall``) start from this."""

    child_name = models.CharField(_("child's name"), max_length=100)
    child_sex = models.CharField(_("child's sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    child_age = models.PositiveSmallIntegerField(_("child's age"), null=True, blank=True)

    class Meta:
        abstract = True


class Referral(ReportedChild):
    """A report of a child who may be at risk, from the community or another channel."""

    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    child_birth_date = models.DateField(_("child's birth date"), null=True, blank=True)
    location = location_field(_("village / community"), related_name="referrals")
    where_found = models.CharField(_("where the child can be found"), max_length=300, blank=True)
    # The referrer's account: encrypted at rest (core.encryption).
    caregiver_situation = EncryptedTextField(_("who looks after the child"), blank=True)
    concerns = EncryptedTextField(_("what you saw"))
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
    triaged_by = acting_user()
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
    organisation = organisation_field(_("receiving organisation"), related_name="referrals")
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


class OutgoingStatus(models.TextChoices):
    """The state of the loop: sent, then the receiver's answer (accepted or declined), the service
    started, completed with an outcome; or cancelled by the referring worker."""

    SENT = "sent", _("Sent, no answer yet")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("Service started")
    DONE = "done", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_OUTGOING = (OutgoingStatus.SENT, OutgoingStatus.ACCEPTED, OutgoingStatus.IN_PROGRESS)
# Which answer may follow which state.
OUTGOING_NEXT = {
    OutgoingStatus.SENT: {
        OutgoingStatus.ACCEPTED,
        OutgoingStatus.DECLINED,
        OutgoingStatus.IN_PROGRESS,
        OutgoingStatus.DONE,
    },
    OutgoingStatus.ACCEPTED: {OutgoingStatus.IN_PROGRESS, OutgoingStatus.DONE},
    OutgoingStatus.IN_PROGRESS: {OutgoingStatus.DONE},
}


class OutgoingReferral(TimeStampedModel):
    """A case referred out to another service. Sharing a child's details outside the project needs recorded
    consent, or a manager's override with a reason.

    Picked from the service directory, the loop closes: when the receiving organisation works on
    Shouhu the referral enters its triage queue (``incoming``) and its answers come back here; when
    it does not, the referring worker records the answers, and a reminder follows up when none
    arrives by ``follow_up_on``."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="outgoing_referrals"
    )
    service = models.CharField(_("service"), max_length=30, choices=OutgoingService.choices)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=20, default=OutgoingStatus.SENT, choices=OutgoingStatus.choices)
    directory_service = models.ForeignKey(
        "organisations.Service",
        verbose_name=_("service (directory)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outgoing_referrals",
    )
    receiving_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("receiving organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outgoing_referrals_received",
    )
    incoming = models.OneToOneField(
        Referral,
        verbose_name=_("referral in the receiver's queue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="from_outgoing",
    )
    share_identity = models.BooleanField(
        _("share the child's name"),
        default=True,
        help_text=_("Only with consent: otherwise the receiver sees age, sex, village and the note."),
    )
    answered_on = models.DateField(_("last answer on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    consent_basis = models.CharField(_("consent"), max_length=20, choices=ConsentBasis.choices)
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    created_by = acting_user(blank=False)

    class Meta:
        verbose_name = _("outgoing referral")
        verbose_name_plural = _("outgoing referrals")
        ordering = ["-created_at"]


class OutgoingAnswer(models.Model):
    """One answer in the loop: from the receiver on Shouhu, or recorded by the referring worker."""

    outgoing = models.ForeignKey(
        OutgoingReferral, verbose_name=_("outgoing referral"), on_delete=models.CASCADE, related_name="answers"
    )
    status = models.CharField(_("status"), max_length=20, choices=OutgoingStatus.choices)
    note = models.TextField(_("note"), blank=True)
    answered_on = models.DateField(_("answered on"))
    by_receiver = models.BooleanField(_("from the receiving organisation"), default=False)
    recorded_by = acting_user()
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer to an outgoing referral")
        verbose_name_plural = _("answers to outgoing referrals")
        ordering = ["created_at", "pk"]
