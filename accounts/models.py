from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import MANAGERS, PROJECT_STAFF, Role
from core.models import optional_location_field
from organisations.defaults import organisation_field

__all__ = ["Role", "User"]  # Role lives in accounts.roles; re-exported for the many `from accounts.models import Role`


class User(AbstractUser):
    """A person who logs in. Their role decides their group (model permissions) and navigation;
    their cases come from object permissions granted by the case services."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.REFERRER)
    phone = models.CharField(_("phone"), max_length=20, blank=True, null=True, unique=True)
    member = models.ForeignKey(
        "alliance.Member",
        verbose_name=_("Alliance member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accounts",
    )
    organisation = organisation_field(related_name="staff")
    # The area a children director (a village or community) or a children supervisor (a town) serves.
    location = optional_location_field(_("area served"), related_name="served_by")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def effective_role(self) -> str:
        """A Django superuser has every power of ``admin`` whatever role is stored."""
        return Role.ADMIN if self.is_superuser else self.role

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.is_active and self.effective_role in roles

    @property
    def is_project_staff(self) -> bool:
        return self.has_role(*PROJECT_STAFF)

    @property
    def is_manager(self) -> bool:
        return self.has_role(*MANAGERS)
