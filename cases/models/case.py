from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from cases.choices import RISK_ORDER, CaseStatus, ClosureCode, RiskLevel, Sex, rank  # noqa: F401  (re-exported)
from core.encryption import ConditionallyEncryptedTextField, EncryptedCharField
from core.models import SearchableNameModel, TimeStampedModel, acting_user, optional_location_field
from organisations.defaults import organisation_field


class HukouStatus(models.TextChoices):
    LOCAL = "local", _("Local hukou")
    MIGRANT = "migrant", _("Migrant (hukou elsewhere)")
    NONE = "none", _("No hukou")


class SchoolStatus(models.TextChoices):
    PRESCHOOL = "preschool", _("Pre-school")
    IN_SCHOOL = "in_school", _("In school")
    OUT_OF_SCHOOL = "out_of_school", _("Out of school / dropped out")
    GRADUATED = "graduated", _("Finished school / working")
    UNKNOWN = "unknown", _("Not known")


class PresentingIssue(models.TextChoices):
    SEVERE_ILLNESS = "severe_illness", _("Severe illness of the child")
    POVERTY = "poverty", _("Poverty")
    NEGLECT = "neglect", _("Neglect")
    PHYSICAL_ABUSE = "physical_abuse", _("Physical abuse")
    EMOTIONAL_ABUSE = "emotional_abuse", _("Emotional abuse")
    SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse")
    EMOTIONAL_DISTURBANCE = "emotional_disturbance", _("Emotional disturbance")
    SELF_HARM = "self_harm", _("Self-harm")
    NO_ACCOMMODATION = "no_accommodation", _("No accommodation")
    SCHOOL_PROBLEMS = "school_problems", _("School problems")
    OTHER = "other", _("Other")


class FamilySituation(models.TextChoices):
    PARENT_DEAD_OTHER_AWAY = "parent_dead_other_away", _("One parent dead, the other away")
    WITH_ONE_PARENT = "with_one_parent", _("Living with one parent")
    WITH_BOTH_PARENTS_POOR = "with_both_parents_poor", _("With both parents, but poor")
    SKIP_GENERATION = "skip_generation", _("Skip-generation care")
    LIVING_ALONE = "living_alone", _("Living alone")
    OTHER = "other", _("Other")


class Category(models.TextChoices):
    PHYSICAL_NEED = "physical_need", _("Physical need (illness or disability)")
    FAMILY_NEED = "family_need", _("Family need (poverty)")
    CUSTODY_NEED = "custody_need", _("Custody need (guardianship missing)")
    NONE = "none", _("Not a child in difficulty")


class ActivityKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    PHONE_CALL = "phone_call", _("Phone call")
    COUNSELLING = "counselling", _("Counselling")
    OFFICE_VISIT = "office_visit", _("Office visit")
    SCHOOL_VISIT = "school_visit", _("School visit")
    JOINT_CONFERENCE = "joint_conference", _("Joint conference")
    GROUP_SESSION = "group_session", _("Group session")
    OTHER = "other", _("Other")


class Child(SearchableNameModel):
    """A child known to the project. Identity fields are confidential."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_date_estimated = models.BooleanField(_("birth date estimated"), default=False)
    location = optional_location_field(_("location"), related_name="children_here")
    hukou_status = models.CharField(
        _("hukou status"), max_length=10, choices=HukouStatus.choices, default=HukouStatus.LOCAL
    )
    left_behind = models.BooleanField(_("left-behind child"), default=False)
    school_status = models.CharField(
        _("school status"), max_length=20, choices=SchoolStatus.choices, default=SchoolStatus.UNKNOWN
    )
    grade = models.CharField(_("grade"), max_length=30, blank=True)
    id_number = EncryptedCharField(_("ID number"), max_length=30, blank=True)
    siblings = models.ManyToManyField("self", verbose_name=_("siblings"), blank=True, symmetrical=True)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["name", "pk"]


class Case(TimeStampedModel):
    """A case file on one child: the heart of the project and its most confidential record."""

    number = models.CharField(_("case number"), max_length=20, unique=True)
    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.ASSESSMENT)
    risk_level = models.CharField(_("risk level"), max_length=20, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    presenting_issues = ArrayField(
        models.CharField(max_length=30, choices=PresentingIssue.choices),
        verbose_name=_("presenting issues"),
        default=list,
        blank=True,
        help_text=_("The first is the primary issue."),
    )
    family_situation = models.CharField(
        _("family situation"), max_length=30, choices=FamilySituation.choices, blank=True
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    lead_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead social worker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_cases",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("team members"), blank=True, related_name="team_cases"
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Set when the retention period ended and the file was anonymised (cases.services.retention).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    closure_reason = models.TextField(_("closure reason"), blank=True)
    closure_outcome = models.TextField(_("closure outcome"), blank=True)
    closure_code = models.CharField(
        _("why the case closed"), max_length=20, choices=ClosureCode.choices, blank=True, default=""
    )
    referral = models.OneToOneField(
        "referrals.Referral",
        verbose_name=_("referral"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opened_case",
    )
    contract = models.ForeignKey(
        "core.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # How the family is known to a volunteer (e.g. 王奶奶家): set by the social worker, shown on the
    # volunteer's visit cards instead of anything from the file.
    household_label = models.CharField(
        _("household label"),
        max_length=50,
        blank=True,
        help_text=_("How a volunteer knows this family, e.g. Granny Wang's. Shown on the volunteer's visit card."),
    )
    organisation = organisation_field(related_name="cases")
    version = models.PositiveIntegerField(_("version"), default=1)
    # Stored so the caseload and the reminder sweep sort and filter by an index, not a subquery per
    # row. Kept current by cases.due (called by the case and activity services); the
    # `repair_due_dates` command finds and fixes any drift.
    last_home_visit = models.DateField(_("last home visit"), null=True, blank=True, editable=False)
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True, editable=False)
    open_flag_count = models.PositiveIntegerField(_("open flags"), default=0, editable=False)
    # The risk level's urgency (0 immediate … 3 low, 4 unknown), computed by PostgreSQL on every write
    # of risk_level: the caseload's order reads it from an index instead of a CASE per row.
    risk_rank = models.GeneratedField(
        expression=rank("risk_level", RISK_ORDER),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
        verbose_name=_("risk rank"),
    )
    history = HistoricalRecords(
        excluded_fields=[
            "version",
            "updated_at",
            "last_home_visit",
            "next_visit_due",
            "open_flag_count",
            "risk_rank",
            "anonymised_at",
        ]
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-pk"]
        permissions = [("close_case", _("Can close a case")), ("assign_case", _("Can assign a case"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.CLOSED) | Q(closed_on__isnull=False), name="case_closed_has_date"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "risk_level"], name="case_status_risk_idx"),
            models.Index(fields=["closed_on"], name="case_closed_idx"),
            # The API list's order (-opened_on, -pk): a top-N read walks this index backwards.
            models.Index(fields=["opened_on", "id"], name="case_opened_id_idx"),
            # Caseloads by lead worker and the visit-due sweep: open cases only.
            models.Index(
                fields=["lead_worker", "next_visit_due"],
                condition=~Q(status="closed"),
                name="case_open_lead_due_idx",
            ),
            models.Index(fields=["next_visit_due"], condition=~Q(status="closed"), name="case_open_due_idx"),
            # An organisation's caseload (a manager's: every open case) in its default order, walked per
            # due group (overdue, today, later: ranges of next_visit_due), and its due counts and due sort.
            models.Index(
                fields=["organisation", "-open_flag_count", "risk_rank", "next_visit_due", "id"],
                condition=~Q(status="closed"),
                name="case_open_org_urgency_idx",
            ),
            models.Index(
                fields=["organisation", "next_visit_due"], condition=~Q(status="closed"), name="case_open_org_due_idx"
            ),
            # The managers' team table: each lead worker's open cases and how many are high risk.
            models.Index(
                fields=["lead_worker", "risk_rank"], condition=~Q(status="closed"), name="case_open_lead_rank_idx"
            ),
            # A reminder sweep's re-run reads only the cases written since its previous run.
            models.Index(fields=["updated_at"], name="case_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def primary_issue(self) -> str:
        return self.presenting_issues[0] if self.presenting_issues else ""

    @property
    def presenting_issue_labels(self) -> list[str]:
        labels = dict(PresentingIssue.choices)
        return [str(labels.get(code, code)) for code in self.presenting_issues]


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key object permissions (guardian): who may see or change which case."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission"], name="caseuop_user_perm_idx")]


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["group", "permission"], name="casegop_group_perm_idx")]


class Activity(TimeStampedModel):
    """Something done on a case: a home visit, a call, counselling, a joint conference …"""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    # Encrypted at rest on sensitive activities; the others stay searchable (cases.selectors.case_search).
    summary = ConditionallyEncryptedTextField(_("summary"), when="sensitive")
    sensitive = models.BooleanField(
        _("sensitive"), default=False, help_text=_("Readable only by the lead worker and managers.")
    )
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    recorded_by = acting_user()
    # The form's idempotency key: a visit note queued on a phone with no signal and sent again when
    # the signal returns (or a double tap) is recorded once.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["case", "kind", "date"], name="activity_case_kind_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class PersonStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    AWAY_FOR_WORK = "away_for_work", _("Away for work")
    DECEASED = "deceased", _("Deceased")
    IN_PRISON = "in_prison", _("In prison")
    ILL_OR_DISABLED = "ill_or_disabled", _("Severely ill or disabled")
    LOST_CONTACT = "lost_contact", _("Lost contact")


class HouseholdMember(TimeStampedModel):
    """A caregiver or household member of a child, and where they are."""

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="household")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    relation = models.CharField(_("relation"), max_length=50, help_text=_("e.g. mother, grandfather, aunt"))
    status = models.CharField(_("status"), max_length=20, choices=PersonStatus.choices, default=PersonStatus.PRESENT)
    is_caregiver = models.BooleanField(_("main caregiver"), default=False)
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["-is_caregiver", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class CaseFlag(TimeStampedModel):
    """A short warning on a case that shows on the caseload until it is resolved."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="flags")
    message = models.CharField(_("message"), max_length=200)
    due_on = models.DateField(_("date"), null=True, blank=True)
    created_by = acting_user(blank=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = acting_user()

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["case"], condition=Q(resolved_at__isnull=True), name="caseflag_open_idx")]

    def __str__(self) -> str:
        return self.message


class RiskChange(models.Model):
    """Who changed a case's risk level, when, and why."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="risk_changes")
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = acting_user(blank=False)
    from_level = models.CharField(_("from"), max_length=20, choices=RiskLevel.choices, blank=True)
    to_level = models.CharField(_("to"), max_length=20, choices=RiskLevel.choices)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("risk level change")
        verbose_name_plural = _("risk level changes")
        ordering = ["-changed_at", "-pk"]
