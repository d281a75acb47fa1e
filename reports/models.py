from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, acting_user
from core.storage import private_storage


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class FailureReason(models.TextChoices):
    DATABASE = "database", _("The database could not be reached for several minutes.")
    WORKER_LOST = "worker_lost", _("The background worker stopped several times while making it.")
    NOT_STARTED = "not_started", _("No background worker picked it up. Tell the administrator.")
    ERROR = "error", _("An unexpected error stopped it. The administrator has the details.")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class Report(TimeStampedModel):
    """A funder report generated in the background."""

    kind = models.CharField(_("kind"), max_length=20, default="funder")
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    contract = models.ForeignKey(
        "core.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    format = models.CharField(_("format"), max_length=10, choices=ReportFormat.choices, default=ReportFormat.PDF)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    narrative = models.TextField(_("narrative"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), upload_to="reports/", blank=True, storage=private_storage)
    error = models.TextField(_("error"), blank=True)
    created_by = acting_user(_("created by"), blank=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Written every few seconds while a worker makes the report; silence means the worker died.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The Celery task id that holds the report; another delivery of an old message cannot overwrite it.
    run_token = models.CharField(max_length=64, blank=True)
    failure_reason = models.CharField(
        _("why it failed"), max_length=20, choices=FailureReason.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="report_end_after_start"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}–{self.end}"
