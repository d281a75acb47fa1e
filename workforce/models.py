"""The workforce around the children: trainings for each profession (with participants from any
organisation, hours and topics against a competency framework) and supervisors' quality checks of
cases (a checklist of quality points, findings, actions agreed, a follow-up date)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, acting_user


class Profession(models.TextChoices):
    SOCIAL_WORK = "social_work", _("Social work")
    LEGAL_AID = "legal_aid", _("Legal aid")
    PSYCHOLOGICAL_SUPPORT = "psychological_support", _("Psychological support")
    FAMILY_EDUCATION = "family_education", _("Family education")
    PROCURATORIAL_AND_POLICE = "procuratorial_and_police", _("Procuratorate and police")
    CHILDREN_DIRECTOR = "children_director", _("Children directors and supervisors")
    OTHER = "other", _("Other")


class Competency(models.TextChoices):
    """The competency framework trainings are held against."""

    CHILD_RIGHTS = "child_rights", _("Child rights and the law on minors")
    TRAUMA_INFORMED = "trauma_informed", _("Trauma-informed work with child survivors")
    FORENSIC_INTERVIEWING = "forensic_interviewing", _("Forensic interviewing (one interview)")
    RISK_ASSESSMENT = "risk_assessment", _("Risk assessment and safety planning")
    CASE_MANAGEMENT = "case_management", _("Case management")
    MULTI_AGENCY = "multi_agency", _("Working across agencies and referral")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality and ethics")
    FAMILY_SUPPORT = "family_support", _("Family support and parenting")


class Training(TimeStampedModel):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    topic = models.CharField(_("topic"), max_length=200)
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    competencies = ArrayField(
        models.CharField(max_length=30, choices=Competency.choices),
        verbose_name=_("competencies"),
        default=list,
        blank=True,
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("80"))],
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("participants"), blank=True, related_name="trainings_attended"
    )
    other_participants = models.PositiveIntegerField(
        _("participants without an account"),
        default=0,
        help_text=_("e.g. police officers or teachers who do not use Shouhu"),
    )
    created_by = acting_user()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.topic


class QualityPoint(models.TextChoices):
    """The checklist of a supervisor's case review."""

    CONSENT_RECORDED = "consent_recorded", _("Consent recorded")
    RISK_ASSESSED = "risk_assessed", _("Risk assessed and reviewed on time")
    PLAN_CURRENT = "plan_current", _("Care plan current, with the child's view")
    VISITS_ON_TIME = "visits_on_time", _("Visits on time")
    REFERRALS_FOLLOWED = "referrals_followed", _("Referrals followed up")
    RECORDS_COMPLETE = "records_complete", _("Records complete and factual")
    CONFIDENTIALITY_KEPT = "confidentiality_kept", _("Confidentiality kept")


class CaseReview(TimeStampedModel):
    """A supervisor's quality check of one case (a case sampled)."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="reviews")
    supervisor = acting_user(_("supervisor"), blank=False)
    date = models.DateField(_("date"))
    points_met = ArrayField(
        models.CharField(max_length=30, choices=QualityPoint.choices),
        verbose_name=_("quality points met"),
        default=list,
        blank=True,
    )
    findings = models.TextField(_("findings"), max_length=4000)
    actions = models.TextField(_("actions agreed"), max_length=4000, blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)

    class Meta:
        verbose_name = _("case review")
        verbose_name_plural = _("case reviews")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.date}"

    @property
    def points_missed(self) -> list[str]:
        return [code for code in QualityPoint.values if code not in self.points_met]
