"""Organisations on one instance: the NGOs holding cases, the departments funding them, and the
agencies (procuratorate, court, police, school, hospital, law firm) children are referred to."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, optional_location_field
from organisations.defaults import DEFAULT_ORGANISATION_NAME


class OrganisationKind(models.TextChoices):
    NGO = "ngo", _("Social work organisation (NGO)")
    GOVERNMENT = "government", _("Government department")
    PROCURATORATE = "procuratorate", _("Procuratorate")
    COURT = "court", _("Court")
    POLICE = "police", _("Police")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    LAW_FIRM = "law_firm", _("Law firm")
    OTHER = "other", _("Other")


class Organisation(TimeStampedModel):
    """An organisation with its staff, contracts, cases and Alliance members. Exactly one is the
    instance's default: what a user, contract or case gets when none is named."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.NGO)
    location = optional_location_field(_("location"), related_name="organisations")
    is_default = models.BooleanField(_("default organisation"), default=False, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="organisation_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name


def default_organisation_id() -> int:
    """The instance's default organisation (created the first time it is needed). The default of
    every ``organisation`` foreign key: a single-NGO instance never names it."""
    found = Organisation.objects.filter(is_default=True).values_list("pk", flat=True).first()
    if found is not None:
        return found
    organisation, _created = Organisation.objects.get_or_create(
        is_default=True, defaults={"name": DEFAULT_ORGANISATION_NAME, "kind": OrganisationKind.NGO}
    )
    return organisation.pk


class ServiceKind(models.TextChoices):
    LEGAL_AID = "legal_aid", _("Legal aid")
    PSYCHOLOGICAL_SUPPORT = "psychological_support", _("Psychological support")
    FAMILY_EDUCATION = "family_education", _("Family education")
    MEDICAL_CARE = "medical_care", _("Medical care")
    SHELTER = "shelter", _("Shelter")
    FORENSIC_INTERVIEW = "forensic_interview", _("Forensic interview (One-Stop Centre)")
    EDUCATION_SUPPORT = "education_support", _("Education support")
    BENEFITS_ADVICE = "benefits_advice", _("Benefits advice")


class Service(TimeStampedModel):
    """A service an organisation offers children and families (resource mapping): what, where, when,
    how many, in which languages, and whom to call."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="services"
    )
    kind = models.CharField(_("kind of service"), max_length=30, choices=ServiceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    areas = models.ManyToManyField(
        "core.Location",
        verbose_name=_("area covered"),
        blank=True,
        related_name="services_covering",
        help_text=_("The towns or villages served; a town covers its villages, a district its towns."),
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Children it can take on a month; empty if not known.")
    )
    languages = models.CharField(_("languages"), max_length=200, blank=True, help_text=_("e.g. 普通话, 彝语"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["kind", "name", "pk"]
        indexes = [models.Index(fields=["kind", "is_active"], name="service_kind_active_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"
