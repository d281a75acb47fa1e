"""The monitoring register of children in difficulty (一人一档): one file per child, kept by the
village's children director, updated every quarter and reviewed by the town's children supervisor."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import Category, EntitlementAmount, EntitlementApplication, Sex
from core.encryption import EncryptedCharField, EncryptedTextField
from core.models import TimeStampedModel, acting_user, location_field
from organisations.defaults import organisation_field
from programmes.models import PupilDetails, RosterPlace
from referrals.models import ReportedChild


class ChildType(models.TextChoices):
    ORPHAN = "orphan", _("Orphan")
    DE_FACTO_UNSUPPORTED = "de_facto_unsupported", _("De facto unsupported child")
    KUNJING = "kunjing", _("Child in difficulty")
    LEFT_BEHIND = "left_behind", _("Left-behind child")


class FileStatus(models.TextChoices):
    MONITORED = "monitored", _("On the register")
    LEFT = "left", _("Left the register")


class LeaveReason(models.TextChoices):
    TURNED_18 = "turned_18", _("Turned 18")
    MOVED_AWAY = "moved_away", _("Moved away")
    NO_LONGER_IN_DIFFICULTY = "no_longer_in_difficulty", _("No longer in difficulty")
    PLACED_IN_CARE = "placed_in_care", _("Placed in care")
    DIED = "died", _("Died")
    OTHER = "other", _("Other")


class UpdateStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class EntitlementCode(models.TextChoices):
    """The entitlement codes of shared/api-v1.md (a superset of the case file's kinds)."""

    MINIMUM_LIVING_ALLOWANCE = "minimum_living_allowance", _("Minimum living allowance")
    UNSUPPORTED_CHILD_SUBSIDY = "unsupported_child_subsidy", _("De facto unsupported child subsidy")
    ORPHAN_ALLOWANCE = "orphan_allowance", _("Orphan allowance")
    MEDICAL_AID = "medical_aid", _("Medical aid")
    EDUCATION_AID = "education_aid", _("Education aid")
    DISABILITY_SUBSIDY = "disability_subsidy", _("Disability subsidy")
    OTHER = "other", _("Other")


class ClaimStatus(models.TextChoices):
    NOT_APPLIED = "not_applied", _("Not applied yet")
    APPLIED = "applied", _("Applied")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class ServiceArea(TimeStampedModel):
    """A further village or community a children director serves, besides ``User.location``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="service_areas"
    )
    location = location_field(_("place"), related_name="service_areas")

    class Meta:
        verbose_name = _("area served")
        verbose_name_plural = _("areas served")
        constraints = [models.UniqueConstraint(fields=["user", "location"], name="service_area_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.location}"


class CategoryRule(EntitlementAmount):
    """Which entitlement a child type (and kunjing category, or any) may claim, with the monthly amount
    where the locality has fixed one. Managers edit it; a data migration holds the national defaults."""

    child_type = models.CharField(_("child type"), max_length=30, choices=ChildType.choices)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, blank=True, help_text=_("Empty: any category.")
    )
    entitlement = models.CharField(_("entitlement"), max_length=40, choices=EntitlementCode.choices)
    is_active = models.BooleanField(_("in force"), default=True)

    class Meta:
        verbose_name = _("category rule")
        verbose_name_plural = _("category rules")
        ordering = ["child_type", "category", "entitlement"]
        constraints = [
            models.UniqueConstraint(fields=["child_type", "category", "entitlement"], name="category_rule_once"),
            models.CheckConstraint(
                condition=Q(monthly_amount__isnull=True) | Q(monthly_amount__gte=0),
                name="category_rule_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_child_type_display()} / {self.get_category_display() or '*'} → {self.entitlement}"


class ChildFile(TimeStampedModel):
    """One file per child in difficulty. Identity fields are confidential."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("birth date"))
    location = location_field(_("village / community"), related_name="child_files")
    child_type = models.CharField(_("child type"), max_length=30, choices=ChildType.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.NONE)
    left_behind = models.BooleanField(_("left-behind child"), default=False)
    guardian_situation = EncryptedTextField(_("guardians and their situation"), blank=True)
    entitlements = models.JSONField(_("eligible entitlements"), default=list, blank=True)
    director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("children director"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_files",
    )
    organisation = organisation_field(
        related_name="child_files"
    )  # whose register the file is on: the organisation of whoever registered it
    status = models.CharField(_("status"), max_length=20, choices=FileStatus.choices, default=FileStatus.MONITORED)
    leave_reason = models.CharField(_("why the file left"), max_length=30, choices=LeaveReason.choices, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"))
    last_update_on = models.DateField(_("last update"), null=True, blank=True)
    next_update_due = models.DateField(_("next update due"))
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="register_files",
    )
    created_by = acting_user()
    # The phone's idempotency key: a file queued offline and sent twice is created once.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("register file")
        verbose_name_plural = _("register files")
        ordering = ["next_update_due", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="monitored", leave_reason="") | Q(status="left") & ~Q(leave_reason=""),
                name="child_file_left_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_update_due"], name="child_file_due_idx"),
            models.Index(fields=["location", "status"], name="child_file_place_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class RegisterUpdate(TimeStampedModel):
    """The quarterly update of a file: the director's visit, reviewed by the town's supervisor."""

    file = models.ForeignKey(ChildFile, verbose_name=_("file"), on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("visited on"))
    summary = models.TextField(_("what changed"))
    risk_raised = models.BooleanField(_("risk raised"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=UpdateStatus.choices, default=UpdateStatus.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    review_note = models.TextField(pgettext_lazy("review", "note"), blank=True)
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("register update")
        verbose_name_plural = _("register updates")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["status"], name="register_update_status_idx")]

    def __str__(self) -> str:
        return f"{self.file_id} {self.date}"


class Escalation(TimeStampedModel):
    """A file passed to the social workers as a referral (channel ``children_director``)."""

    file = models.ForeignKey(ChildFile, verbose_name=_("file"), on_delete=models.CASCADE, related_name="escalations")
    referral = models.OneToOneField(
        "referrals.Referral", verbose_name=_("referral"), on_delete=models.CASCADE, related_name="register_escalation"
    )
    escalated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    update = models.ForeignKey(
        RegisterUpdate, null=True, blank=True, on_delete=models.SET_NULL, related_name="escalations"
    )

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_id} → {self.referral_id}"


class FileEntitlement(EntitlementApplication):
    """Where the claim of one entitlement stands for one child on the register.

    The case file's ``Entitlement`` hangs on a case; most children on the register have none, so the
    register keeps its own claims (with the contract's full list of codes)."""

    file = models.ForeignKey(ChildFile, verbose_name=_("file"), on_delete=models.CASCADE, related_name="claims")
    code = models.CharField(_("entitlement"), max_length=40, choices=EntitlementCode.choices)
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.APPLIED)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        verbose_name = _("entitlement claim")
        verbose_name_plural = _("entitlement claims")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["file", "code"], name="file_entitlement_once")]

    def __str__(self) -> str:
        return f"{self.file_id} {self.code} {self.status}"


class IdentificationStatus(models.TextChoices):
    GATHERING = "gathering", _("Gathering evidence")
    SUBMITTED = "submitted", _("Submitted to civil affairs")
    BLOCKED = "blocked", _("Blocked")
    IDENTIFIED = "identified", _("Identified")
    REFUSED = "refused", _("Refused")


class IdentificationStage(models.TextChoices):
    POLICE = "police", _("Police (certificate of lost contact)")
    COURT = "court", _("Court (declaration of missing person, judgment)")
    HOSPITAL = "hospital", _("Hospital (illness or disability records)")
    PRISON = "prison", _("Prison (certificate of detention)")
    TOWN_REVIEW = "town_review", _("Township review")
    CIVIL_AFFAIRS = "civil_affairs", _("County civil affairs")
    OTHER = "other", _("Other")


class EvidenceKind(models.TextChoices):
    POLICE_LOST_CONTACT = "police_lost_contact", _("Police certificate of lost contact")
    COURT_DECISION = "court_decision", _("Court decision")
    HOSPITAL_RECORD = "hospital_record", _("Hospital records")
    PRISON_CERTIFICATE = "prison_certificate", _("Certificate of imprisonment")
    DEATH_CERTIFICATE = "death_certificate", _("Death certificate")
    DISABILITY_CERTIFICATE = "disability_certificate", _("Disability certificate")
    OTHER = "other", _("Other")


class EvidenceStatus(models.TextChoices):
    NEEDED = "needed", _("Needed")
    REQUESTED = "requested", _("Requested")
    OBTAINED = "obtained", _("Obtained")
    REFUSED = "refused", _("Refused")


class Identification(TimeStampedModel):
    """The application to have a child identified as de facto unsupported, tracked with its evidence
    and where it is blocked (a mother who left but whom the police say they can still find)."""

    file = models.ForeignKey(
        ChildFile, verbose_name=_("file"), on_delete=models.CASCADE, related_name="identifications"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IdentificationStatus.choices, default=IdentificationStatus.GATHERING
    )
    started_on = models.DateField(_("started on"))
    blocked_at = models.CharField(_("blocked at"), max_length=20, choices=IdentificationStage.choices, blank=True)
    blocked_reason = models.TextField(_("why it is blocked"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_by = acting_user(blank=False)

    class Meta:
        verbose_name = _("de facto unsupported identification")
        verbose_name_plural = _("de facto unsupported identifications")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="blocked") | ~Q(blocked_at=""), name="identification_blocked_says_where"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_id} {self.status}"


class IdentificationEvidence(TimeStampedModel):
    identification = models.ForeignKey(
        Identification, verbose_name=_("identification"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EvidenceKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=EvidenceStatus.choices, default=EvidenceStatus.NEEDED)
    obtained_on = models.DateField(_("obtained on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.identification_id} {self.kind}"


class HotlineLine(models.TextChoices):
    L12345 = "12345", _("12345 (municipal hotline)")
    L12349 = "12349", _("12349 (civil affairs hotline)")
    OTHER = "other", _("Other")


class CallStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REFERRED = "referred", _("Became a referral")
    CLOSED = "closed", _("Closed with an answer")


class HotlineCall(ReportedChild):
    """A call forwarded from the municipal hotlines: it becomes a referral or is closed with an answer."""

    line = models.CharField(_("line"), max_length=10, choices=HotlineLine.choices, default=HotlineLine.L12345)
    work_order = models.CharField(_("work-order number"), max_length=50, blank=True)
    caller_name = models.CharField(_("caller"), max_length=100, blank=True)
    caller_phone = EncryptedCharField(_("caller's phone"), max_length=30, blank=True)
    location = location_field(_("village / community"), related_name="hotline_calls")
    summary = EncryptedTextField(_("summary"))
    urgency = models.CharField(_("urgency"), max_length=20, default="routine")
    status = models.CharField(_("status"), max_length=20, choices=CallStatus.choices, default=CallStatus.OPEN)
    answer = models.TextField(_("answer given"), blank=True)
    referral = models.OneToOneField(
        "referrals.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="hotline_call"
    )
    file = models.ForeignKey(
        ChildFile,
        verbose_name=_("register file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    received_at = models.DateTimeField(_("received at"))
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "work_order"], condition=~Q(work_order=""), name="hotline_work_order_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.work_order}"


class ProgrammePlace(RosterPlace, PupilDetails):
    """A register child without a case on a group programme's roster (the 4:30 classroom, …), and the
    sessions they attended. The register keeps it because programmes may not know the register: it shows
    these children through ``programmes.roster`` (``registry/roster.py``)."""

    file = models.ForeignKey(
        ChildFile, verbose_name=_("file"), on_delete=models.PROTECT, related_name="programme_places"
    )
    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+"
    )
    sessions_attended = models.ManyToManyField(
        "programmes.ProgrammeSession", verbose_name=_("sessions attended"), blank=True, related_name="+"
    )
    # The pupil profile (PupilDetails, the 4:30 classroom): the programme's facilitators and the file's
    # director only.

    class Meta:
        verbose_name = _("place on a programme")
        verbose_name_plural = _("places on programmes")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["programme", "file"], name="programme_place_once")]

    def __str__(self) -> str:
        return f"{self.programme_id} · {self.file_id}"
