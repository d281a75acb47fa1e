"""Group services: programmes (the 4:30 classroom, parenting groups, …), their sessions and attendance,
pupil profiles, the weekly parent–child call and the stock of donated books and goods."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel, acting_user, optional_location_field
from organisations.defaults import organisation_field


class ProgrammeKind(models.TextChoices):
    AFTER_SCHOOL_CLASS = "after_school_class", _("After-school class")
    PARENTING_GROUP = "parenting_group", _("Parenting group")
    CHILDREN_GROUP = "children_group", _("Children's group")
    SCHOOL_GROUP = "school_group", _("School group")
    OUTING = "outing", _("Outing")
    COMPETITION = "competition", _("Competition")
    TRAINING = "training", pgettext_lazy("programme kind", "Training")
    OTHER = "other", pgettext_lazy("programme kind", "Other")


class Programme(TimeStampedModel):
    """A group service run by the organisation at a place, with staff facilitators and Alliance volunteers."""

    kind = models.CharField(_("kind"), max_length=30, choices=ProgrammeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    location = optional_location_field(_("place"), related_name="programmes")
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    planned_sessions = models.PositiveIntegerField(_("planned sessions"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("facilitators"), blank=True, related_name="facilitated_programmes"
    )
    volunteers = models.ManyToManyField(
        "alliance.Member", verbose_name=_("volunteers"), blank=True, related_name="programmes"
    )
    created_by = acting_user()
    organisation = organisation_field(related_name="programmes")

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="programme_period"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RosterPlace(TimeStampedModel):
    """A child's place on a programme's roster: from when, until when, and who enrolled them. A child
    with a case has an ``Enrolment``; a register child without one a ``registry.ProgrammePlace``."""

    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    enrolled_by = acting_user()

    class Meta:
        abstract = True


class PupilDetails(models.Model):
    """What the 4:30 classroom knows of a pupil: school, grade and the subjects they need help with."""

    school = models.CharField(_("school"), max_length=200, blank=True)
    grade = models.CharField(_("grade"), max_length=50, blank=True)
    subjects_needing_support = models.CharField(_("subjects needing support"), max_length=300, blank=True)

    class Meta:
        abstract = True


class Enrolment(RosterPlace):
    """A child on a programme's roster (by case). Enrolling shares the child's name with the facilitators."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="enrolments"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="programme_enrolments"
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["programme", "case"], name="enrolment_once_per_programme")]

    def __str__(self) -> str:
        return f"{self.programme_id} · {self.case_id}"


class ProgrammeSession(TimeStampedModel):
    """One session held: date, topic, length, who came (children by case, guardians, volunteer tutors)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    attendees = models.ManyToManyField(
        "cases.Case", verbose_name=_("children present"), blank=True, related_name="programme_sessions"
    )
    tutors = models.ManyToManyField(
        "alliance.Member", verbose_name=_("volunteer tutors present"), blank=True, related_name="programme_sessions"
    )
    guardians_present = models.PositiveIntegerField(_("guardians present"), default=0)
    guardian_names = models.CharField(_("guardians (names)"), max_length=1000, blank=True)
    attendance_taken = models.BooleanField(_("attendance taken"), default=False)
    # The attendance of the children without a case (programmes.roster) was taken too: only the phone
    # page takes it (the API's attendees are case ids), so a session recorded through the API does not
    # count those children absent.
    others_attendance_taken = models.BooleanField(_("attendance of the children without a case taken"), default=False)
    recorded_by = acting_user()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["programme", "date"], name="progsession_programme_date_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="progsession_duration_positive")
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.date}"


class PupilProfile(PupilDetails, TimeStampedModel):
    """A classroom pupil's profile: seen by the programme's facilitators and the child's social worker only."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="pupil_profiles"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="pupil_profiles"
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("pupil profile")
        verbose_name_plural = _("pupil profiles")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["programme", "case"], name="pupilprofile_once")]


class TutorNote(TimeStampedModel):
    """A tutor's short note on one pupil at one session."""

    session = models.ForeignKey(
        ProgrammeSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="tutor_notes"
    )
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="tutor_notes")
    text = models.CharField(_("note"), max_length=1000)
    written_by = acting_user()

    class Meta:
        verbose_name = _("tutor's note")
        verbose_name_plural = _("tutor's notes")
        ordering = ["-session__date", "-pk"]


class CallKind(models.TextChoices):
    VIDEO = "video", _("Video")
    VOICE = "voice", _("Voice")


class ParentCall(TimeStampedModel):
    """A left-behind child's call with their migrant parents, arranged through the family window."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="parent_calls"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=CallKind.choices, default=CallKind.VIDEO)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), default=0, validators=[MaxValueValidator(24 * 60)]
    )
    held = models.BooleanField(_("held"), default=True)
    arranged_by = models.CharField(_("arranged by"), max_length=100, blank=True)
    participants = models.CharField(_("who took part"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    conflict_note = models.TextField(_("conflicts the call revealed"), blank=True)
    follow_up_action = models.ForeignKey(
        "cases.CarePlanAction",
        verbose_name=_("follow-up action"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = acting_user()

    class Meta:
        verbose_name = _("parent–child call")
        verbose_name_plural = _("parent–child calls")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["case", "date"], name="parentcall_case_date_idx")]


class CallTarget(TimeStampedModel):
    """How many calls a week a child should have with their parents (default 1 for a left-behind child)."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="call_target"
    )
    per_week = models.PositiveSmallIntegerField(_("calls a week"), default=1, validators=[MaxValueValidator(14)])

    class Meta:
        verbose_name = _("weekly call target")
        verbose_name_plural = _("weekly call targets")


class StoreKind(models.TextChoices):
    LIBRARY = "library", _("Library")
    STORE = "store", _("Store")


class Store(TimeStampedModel):
    """A village library or a store of donated goods at a place."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=StoreKind.choices, default=StoreKind.LIBRARY)
    location = optional_location_field(_("place"), related_name="+")

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ItemCategory(models.TextChoices):
    BOOKS = "books", _("Books")
    GOODS = "goods", _("Goods")


class StockItem(TimeStampedModel):
    """A donation received into a store: from a Promise First goods pledge, counted and valued."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="items")
    pledge = models.ForeignKey(
        "resources.Pledge",
        verbose_name=_("pledge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_items",
    )
    category = models.CharField(_("category"), max_length=10, choices=ItemCategory.choices, default=ItemCategory.BOOKS)
    description = models.CharField(_("what"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity received"), validators=[MinValueValidator(1)])
    unit_value = models.DecimalField(_("value of one (yuan)"), max_digits=12, decimal_places=2, default=0)
    received_on = models.DateField(_("received on"))
    received_by = acting_user()

    class Meta:
        verbose_name = _("stock item")
        verbose_name_plural = _("stock items")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="stockitem_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_value__gte=0), name="stockitem_value_not_negative"),
        ]

    def __str__(self) -> str:
        return self.description


class MovementKind(models.TextChoices):
    LENT = "lent", _("Lent")
    GIVEN = "given", _("Given")
    RETURNED = "returned", _("Returned")


class StockMovement(TimeStampedModel):
    """Items lent or given to a child (by case) or a programme, or returned to the store."""

    item = models.ForeignKey(StockItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    date = models.DateField(_("date"))
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("child (case)"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = acting_user()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="stockmovement_quantity_positive"),
            models.CheckConstraint(
                condition=Q(kind="returned") | Q(case__isnull=False) | Q(programme__isnull=False),
                name="stockmovement_has_recipient",
            ),
        ]
