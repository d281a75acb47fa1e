"""The multi-agency case of the One-Stop Centre pathway: a child survivor served by several agencies
(procuratorate, police, social work organisation, law firm, psychologist, family-education provider).

The organisation holding the case (the lead) invites partner organisations onto it, each with a role
and a scope that says what the partner's staff may read. A partner's staff reach the case only
through an active membership, and only what the scope allows (``multiagency.permissions``); they never
see the case file itself. The forensic interview is recorded once, so the child is not interviewed
again; the joint plan gives each agency its tasks and due dates."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, acting_user
from organisations.models import ServiceKind


class PartnerRole(models.TextChoices):
    PROCURATORATE = "procuratorate", _("Procuratorate")
    POLICE = "police", _("Police")
    SOCIAL_WORK = "social_work", _("Social work")
    LEGAL_AID = "legal_aid", _("Legal aid (law firm)")
    PSYCHOLOGICAL_SUPPORT = "psychological_support", _("Psychological support")
    FAMILY_EDUCATION = "family_education", _("Family education")
    MEDICAL_CARE = "medical_care", _("Medical care")
    OTHER = "other", _("Other")


class PartnerScope(models.TextChoices):
    """What a partner's staff read, each scope including the one before it."""

    OWN_TASKS = "own_tasks", _("The case summary and its own tasks and notes")
    PLAN = "plan", _("Also the child's name, every agency's tasks and the others' shared notes")
    PLAN_AND_INTERVIEW = "plan_and_interview", _("Also the forensic interview record")


SCOPE_ORDER = [PartnerScope.OWN_TASKS, PartnerScope.PLAN, PartnerScope.PLAN_AND_INTERVIEW]


class JointCase(TimeStampedModel):
    """A case served by several agencies. The lead is the organisation holding the case."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="joint_case"
    )
    summary = models.TextField(
        _("summary for the partners"),
        max_length=4000,
        help_text=_("What the partner agencies need to know. Every partner reads it; write no more than they need."),
    )
    opened_by = acting_user()
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = acting_user()

    class Meta:
        verbose_name = _("multi-agency case")
        verbose_name_plural = _("multi-agency cases")
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id}"


class Partner(TimeStampedModel):
    """An organisation's membership of a multi-agency case: its role, its scope, from when until when."""

    joint_case = models.ForeignKey(JointCase, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="joint_case_memberships",
    )
    role = models.CharField(_("role"), max_length=30, choices=PartnerRole.choices)
    scope = models.CharField(_("what it may see"), max_length=30, choices=PartnerScope.choices)
    invited_by = acting_user()
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_by = acting_user()

    class Meta:
        verbose_name = _("partner agency")
        verbose_name_plural = _("partner agencies")
        ordering = ["joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["joint_case", "organisation"],
                condition=Q(left_on__isnull=True),
                name="partner_one_active_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} · {self.role}"


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class JointTask(TimeStampedModel):
    """One agency's action in the joint plan, with its due date and status."""

    joint_case = models.ForeignKey(JointCase, on_delete=models.CASCADE, related_name="tasks")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    service = models.CharField(_("kind of service"), max_length=30, choices=ServiceKind.choices, blank=True)
    title = models.CharField(_("action"), max_length=300)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.PLANNED)
    outcome = models.TextField(_("outcome"), max_length=4000, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    conference = models.ForeignKey(
        "CaseConference",
        verbose_name=_("decided at the case conference"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_up_tasks",
    )
    created_by = acting_user()

    class Meta:
        verbose_name = _("joint plan task")
        verbose_name_plural = _("joint plan tasks")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class JointNote(TimeStampedModel):
    """A note an agency writes on the case. A confidential note is read by its own agency only."""

    joint_case = models.ForeignKey(JointCase, on_delete=models.CASCADE, related_name="notes")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    author = acting_user(blank=False)
    text = models.TextField(_("note"), max_length=4000)
    confidential = models.BooleanField(
        _("confidential to my agency"),
        default=True,
        help_text=_("Untick to share the note with the agencies whose scope includes the plan."),
    )

    class Meta:
        verbose_name = _("agency note")
        verbose_name_plural = _("agency notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.joint_case_id} · {self.organisation_id}"


class ForensicInterview(TimeStampedModel):
    """The one forensic interview of the child (the OSC principle: the child is not interviewed again)."""

    joint_case = models.OneToOneField(JointCase, on_delete=models.CASCADE, related_name="interview")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    agencies = models.ManyToManyField(
        "organisations.Organisation", verbose_name=_("agencies present"), related_name="+"
    )
    attendees = models.CharField(
        _("who attended"),
        max_length=500,
        help_text=_("Names and roles, e.g. 检察官 李, 民警 王, 社工 张, 心理咨询师 陈"),
    )
    record = models.TextField(
        _("record"), max_length=20000, help_text=_("What the child said, for every agency that needs it.")
    )
    recorded_by = acting_user(blank=False)

    class Meta:
        verbose_name = _("forensic interview")
        verbose_name_plural = _("forensic interviews")

    def __str__(self) -> str:
        return f"{self.joint_case_id} · {self.date}"


class CaseConference(TimeStampedModel):
    """A multi-agency case conference the lead schedules: the date and the agencies invited; after it,
    the agencies present, the minutes and the decisions, each decision a follow-up task of the agency
    that agreed to do it (``JointTask.conference``)."""

    joint_case = models.ForeignKey(JointCase, on_delete=models.CASCADE, related_name="conferences")
    date = models.DateField(_("date"))
    agencies = models.ManyToManyField("organisations.Organisation", verbose_name=_("agencies"), related_name="+")
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)
    decisions = models.TextField(_("decisions"), max_length=4000, blank=True)
    minuted_on = models.DateField(_("minutes recorded on"), null=True, blank=True)
    scheduled_by = acting_user(blank=False)
    minuted_by = acting_user()

    class Meta:
        verbose_name = _("case conference")
        verbose_name_plural = _("case conferences")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.joint_case_id} · {self.date}"


class MilestoneKind(models.TextChoices):
    REPORTED_TO_POLICE = "reported_to_police", _("Reported to the police")
    CASE_FILED = "case_filed", _("Case filed by the police")
    ARREST_APPROVED = "arrest_approved", _("Arrest approved")
    INDICTMENT = "indictment", _("Indictment")
    HEARING = "hearing", _("Court hearing")
    JUDGMENT = "judgment", _("Judgment")
    OTHER = "other", _("Other")


class Milestone(TimeStampedModel):
    """A date in the criminal proceedings (police, procuratorate, court), read at scope "plan" and above."""

    joint_case = models.ForeignKey(JointCase, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("milestone"), max_length=30, choices=MilestoneKind.choices)
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = acting_user(blank=False)

    class Meta:
        verbose_name = _("proceedings milestone")
        verbose_name_plural = _("proceedings milestones")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.joint_case_id} · {self.kind} · {self.date}"
