"""The social work on a case: assessments, care plans, documents, entitlements, closure approvals.

Re-exported by ``cases/models/__init__.py`` so Django registers these models under the ``cases`` app.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.choices import ClosureCode, RiskLevel
from core.models import TimeStampedModel, acting_user
from core.storage import private_storage


class ApprovalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")


class Rating(models.IntegerChoices):
    NO_CONCERN = 0, _("No concern")
    LOW = 1, _("Low concern")
    MEDIUM = 2, _("Medium concern")
    HIGH = 3, _("High concern")


class Assessment(TimeStampedModel):
    """A structured needs and risk assessment over six domains, ending in a risk level."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    safety = models.PositiveSmallIntegerField(_("safety"), choices=Rating.choices, default=Rating.NO_CONCERN)
    safety_notes = models.TextField(_("safety notes"), blank=True)
    health = models.PositiveSmallIntegerField(_("health"), choices=Rating.choices, default=Rating.NO_CONCERN)
    health_notes = models.TextField(_("health notes"), blank=True)
    education = models.PositiveSmallIntegerField(_("education"), choices=Rating.choices, default=Rating.NO_CONCERN)
    education_notes = models.TextField(_("education notes"), blank=True)
    economic = models.PositiveSmallIntegerField(
        _("economic situation"), choices=Rating.choices, default=Rating.NO_CONCERN
    )
    economic_notes = models.TextField(_("economic notes"), blank=True)
    psychological = models.PositiveSmallIntegerField(
        _("psychological state"), choices=Rating.choices, default=Rating.NO_CONCERN
    )
    psychological_notes = models.TextField(_("psychological notes"), blank=True)
    family = models.PositiveSmallIntegerField(
        _("family and guardianship"), choices=Rating.choices, default=Rating.NO_CONCERN
    )
    family_notes = models.TextField(_("family notes"), blank=True)
    risk_level = models.CharField(
        _("risk level"),
        max_length=20,
        choices=RiskLevel.choices,
    )
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.DRAFT)
    assessed_by = acting_user(blank=False)
    approved_by = acting_user()
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_on", "-pk"]


class CarePlan(TimeStampedModel):
    """A care plan; each revision is a new row (``version``), earlier ones are kept."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="care_plans")
    version = models.PositiveIntegerField(_("version"), default=1)
    goals = models.TextField(_("goals"))
    review_on = models.DateField(_("review date"))
    is_current = models.BooleanField(_("current"), default=True)
    created_by = acting_user(blank=False)

    class Meta:
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="careplan_unique_version"),
            models.UniqueConstraint(fields=["case"], condition=Q(is_current=True), name="careplan_one_current"),
        ]


class ActorKind(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    VOLUNTEER = "volunteer", _("Volunteer")
    ALLIANCE_MEMBER = "alliance_member", _("Alliance member")
    DEPARTMENT = "department", _("Government department")
    FAMILY = "family", _("Child or family")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class CarePlanAction(TimeStampedModel):
    plan = models.ForeignKey(CarePlan, verbose_name=_("care plan"), on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=300)
    actor_kind = models.CharField(_("who does it"), max_length=20, choices=ActorKind.choices)
    actor_name = models.CharField(_("name of who does it"), max_length=100, blank=True)
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED)

    class Meta:
        verbose_name = _("care plan action")
        verbose_name_plural = _("care plan actions")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="careplanaction_status_due_idx")]


class ClosureRequest(TimeStampedModel):
    """A social worker asks to close a case; a manager approves (the case is closed) or returns it."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="closure_requests"
    )
    closed_on = models.DateField(_("closed on"))
    reason = models.TextField(_("closure reason"))
    outcome = models.TextField(_("closure outcome"), blank=True)
    closure_code = models.CharField(
        _("why the case closed"), max_length=20, choices=ClosureCode.choices, blank=True, default=""
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.SUBMITTED
    )
    requested_by = acting_user(blank=False)
    decided_by = acting_user()
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("reviewer's comment"), blank=True)

    class Meta:
        verbose_name = _("closure request")
        verbose_name_plural = _("closure requests")
        ordering = ["-created_at"]


class DocumentKind(models.TextChoices):
    CONSENT = "consent", _("Consent form")
    SCHOOL = "school_certificate", _("School certificate")
    MEDICAL = "medical_certificate", _("Medical certificate")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other")


class CaseDocument(TimeStampedModel):
    """An attachment on a case, stored privately and served only through a permission-checked, audited view."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    file = models.FileField(_("file"), upload_to="case-documents/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = acting_user(blank=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at"]


class EntitlementKind(models.TextChoices):
    MINIMUM_LIVING = "minimum_living_allowance", _("Minimum living allowance")
    UNSUPPORTED_CHILD = "unsupported_child_subsidy", _("De facto unsupported child subsidy")
    MEDICAL_AID = "medical_aid", _("Medical aid")
    EDUCATION_AID = "education_aid", _("Education aid")
    OTHER = "other", _("Other")


class EntitlementStatus(models.TextChoices):
    NOT_APPLIED = "not_applied", _("Not applied yet")
    APPLYING = "applying", _("Applying")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class EntitlementAmount(TimeStampedModel):
    """What every record of an entitlement holds besides its code: the monthly amount (where it is
    known or fixed) and a note. The case file's entitlements, the register's claims
    (``registry.FileEntitlement``) and the register's category rules (``registry.CategoryRule``)."""

    monthly_amount = models.DecimalField(
        _("monthly amount (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        abstract = True


class EntitlementApplication(EntitlementAmount):
    """An entitlement a child's family applies for: the amount and note, and when they applied."""

    applied_on = models.DateField(_("applied on"), null=True, blank=True)

    class Meta:
        abstract = True


class Entitlement(EntitlementApplication):
    """A policy or subsidy the family is entitled to, and where the application stands."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="entitlements"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=EntitlementKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=EntitlementStatus.choices, default=EntitlementStatus.NOT_APPLIED
    )

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="entitlement_once_per_case")]
