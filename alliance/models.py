from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel, acting_user, optional_location_field
from organisations.defaults import organisation_field


class MemberKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


class Sector(models.TextChoices):
    WF_DIRECTOR = "wf_director", _("WF director")
    CHILDREN_DIRECTOR = "children_director", _("Children director")
    SCHOOL = "school", _("School")
    NGO = "ngo", _("NGO")
    HOSPITAL = "hospital", _("Hospital")
    POLICE = "police", _("Police")
    RESIDENT = "resident", _("Resident")
    LAW_FIRM = "law_firm", _("Law firm")
    ENTERPRISE = "enterprise", _("Enterprise")
    GOVERNMENT = "government", _("Government department")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other")


class Member(TimeStampedModel):
    """A member of the Alliance: refers children, pledges help, volunteers — any combination."""

    name = models.CharField(pgettext_lazy("member", "name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=MemberKind.choices, default=MemberKind.INDIVIDUAL)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices, default=Sector.OTHER)
    location = optional_location_field(_("location"), related_name="members")
    is_referrer = models.BooleanField(_("referrer"), default=False)
    is_pledger = models.BooleanField(_("pledger"), default=False)
    is_volunteer = models.BooleanField(_("volunteer"), default=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    organisation = organisation_field(related_name="alliance_members")
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible social worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alliance_members",
    )

    class Meta:
        verbose_name = _("Alliance member")
        verbose_name_plural = _("Alliance members")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["sector", "is_active"], name="member_sector_active_idx")]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    TRAINING = "training", _("Training")
    DIRECTOR_MEETING = "director_meeting", _("WF director's monthly meeting")
    JOINT_CONFERENCE = "joint_conference", _("Joint conference")
    FOCUS_GROUP = "focus_group", _("Focus group")


class Event(TimeStampedModel):
    """Alliance work: a training, a director's monthly meeting, a joint conference, a focus group."""

    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    members = models.ManyToManyField(Member, verbose_name=_("members"), blank=True, related_name="events")
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    minutes = models.TextField(pgettext_lazy("meeting minutes", "minutes"), blank=True)
    created_by = acting_user()

    class Meta:
        verbose_name = _("Alliance event")
        verbose_name_plural = _("Alliance events")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["kind", "date"], name="event_kind_date_idx")]

    def __str__(self) -> str:
        return self.title


class VolunteerLog(TimeStampedModel):
    """A volunteer's visit: when, how long, what they saw."""

    member = models.ForeignKey(
        Member, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="volunteer_logs"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="volunteer_logs"
    )
    date = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(pgettext_lazy("duration", "minutes"), validators=[MinValueValidator(1)])
    note = models.TextField(_("note"), blank=True)
    # The form's idempotency key: a visit logged on a phone with no signal and sent again when the
    # signal returns is logged once.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("volunteer log")
        verbose_name_plural = _("volunteer logs")
        ordering = ["-date", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(minutes__gt=0), name="volunteerlog_minutes_positive")]

    def __str__(self) -> str:
        return f"{self.member} {self.date}"


class VolunteerAssignment(TimeStampedModel):
    """A volunteer assigned to visit a case: they see only the brief written for them."""

    member = models.ForeignKey(
        Member, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="assignments"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="volunteer_assignments"
    )
    brief = models.CharField(_("what the volunteer needs to know"), max_length=500)
    is_active = models.BooleanField(_("active"), default=True)
    assigned_by = acting_user(blank=False)

    class Meta:
        verbose_name = _("volunteer assignment")
        verbose_name_plural = _("volunteer assignments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "case"], condition=Q(is_active=True), name="assignment_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.case_id}"


class ConferenceAgreement(TimeStampedModel):
    """At a joint conference: which department came and what it agreed to do, with a follow-up date."""

    event = models.ForeignKey(
        Event, verbose_name=_("joint conference"), on_delete=models.CASCADE, related_name="agreements"
    )
    department = models.CharField(_("department"), max_length=100)
    attended = models.BooleanField(_("attended"), default=True)
    agreed_action = models.CharField(_("what it agreed to do"), max_length=500, blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        verbose_name = _("conference agreement")
        verbose_name_plural = _("conference agreements")
        ordering = ["pk"]
