from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.search_keys import search_key
from organisations.defaults import organisation_field

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from accounts.models import User


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SearchableNameModel(TimeStampedModel):
    """A model with a ``name`` that people search for: ``search_key`` holds the name as it may be
    searched (simplified, pinyin, initials; see ``core.search_keys``) and follows every save of it."""

    # The name as it may be searched (simplified, pinyin, initials): see core.search_keys.
    search_key = models.CharField(_("search key"), max_length=400, blank=True, editable=False)

    name: str

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = search_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)


def acting_user(
    verbose_name: _StrOrPromise | None = None, *, blank: bool = True
) -> models.ForeignKey[User | None, User | None]:
    """The user who did something to a row (recorded, created, decided, reviewed it …). The row
    outlives the account (``SET_NULL``), and a user has no reverse accessor to these rows."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=blank,
        on_delete=models.SET_NULL,
        related_name="+",
    )


def location_field(verbose_name: _StrOrPromise, *, related_name: str) -> models.ForeignKey[Location, Location]:
    """A place on the location tree that a row must have; a place in use is never deleted."""
    return models.ForeignKey(
        "core.Location", verbose_name=verbose_name, on_delete=models.PROTECT, related_name=related_name
    )


def optional_location_field(
    verbose_name: _StrOrPromise, *, related_name: str
) -> models.ForeignKey[Location | None, Location | None]:
    """A place on the location tree that a row may leave empty; a place in use is never deleted."""
    return models.ForeignKey(
        "core.Location",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class LocationKind(models.TextChoices):
    DISTRICT = "district", _("District")
    TOWN = "town", _("Town")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")


class Location(SearchableNameModel):
    """A place in the district → town → community/village tree."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=LocationKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="location_unique_name_in_parent"),
        ]

    @property
    def is_village_level(self) -> bool:
        return self.kind in (LocationKind.VILLAGE, LocationKind.COMMUNITY)


class Contract(TimeStampedModel):
    """A funded project period: who pays, how much, and how many serious cases it expects."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=200)
    funder = models.CharField(_("funder"), max_length=200)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    caseload_target = models.PositiveIntegerField(_("caseload target"))
    organisation = organisation_field(_("delivered by"), related_name="contracts")
    # The government body that pays, when it is an organisation on the instance: its funder accounts
    # read the aggregates of the contracts it funds, across NGOs. ``funder`` stays its name as text.
    funder_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("funding organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funded_contracts",
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="contract_end_after_start"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contract_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class AuditAction(models.TextChoices):
    VIEW = "view", _("View")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    LOGIN = "login", _("Log in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    PERMISSION_DENIED = "permission_denied", _("Permission denied")


class AuditEntry(models.Model):
    """One append-only row per action on confidential data.

    PostgreSQL refuses UPDATE and DELETE on this table (trigger in migration 0002) and TRUNCATE
    (migration 0006), and chains each row to the one before by hash, so
    not even a bug or a compromised admin page can rewrite history. The user is kept as a
    plain id column so that no cascade ever needs to touch these rows. The table is partitioned by
    month of ``created_at`` (migration 0009; its primary key in the database is (id, created_at)).
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=50, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    # The hash chain (migration 0006): PostgreSQL fills these in a BEFORE INSERT trigger under a
    # transaction-level lock, whatever the application sends; ``manage.py audit_verify`` checks them.
    # Partitioned by month (migration 0009): unique per (chain_seq, created_at) in the database; the
    # chain trigger's lock keeps it unique across partitions, and audit_verify checks it.
    chain_seq = models.BigIntegerField(_("chain position"), null=True, blank=True, editable=False, db_index=True)
    prev_hash = models.CharField(_("hash of the previous entry"), max_length=64, blank=True, editable=False)
    row_hash = models.CharField(_("hash of this entry"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            GinIndex(fields=["detail"], name="audit_detail_gin", opclasses=["jsonb_path_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}:{self.object_id}"


class OutboxMessage(models.Model):
    """A Celery task that a transaction wanted to enqueue.

    Written in the same transaction as the change that asked for it, so it is never lost:
    sent on commit when the broker answers, otherwise by the next drain.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{self.args}"


class ServiceHeartbeat(models.Model):
    """The last time the worker (or beat) proved it was alive, for the health page."""

    name = models.CharField(max_length=50, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
