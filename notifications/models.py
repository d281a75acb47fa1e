from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message for one user. ``dedupe_key`` makes each reminder exactly-once per recipient."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=50)
    # What the reader sees is rendered in their language when shown: ``message`` (the English source
    # string, a gettext msgid) with ``params``. ``text`` is the same rendered at creation, kept as the
    # fallback (rows from before ``message`` existed have only it).
    text = models.CharField(_("text"), max_length=500)
    message = models.CharField(_("message"), max_length=300, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    object_type = models.CharField(_("object type"), max_length=50, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], name="notification_once_per_user_key"),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread_idx"),
            # The resolvers read open reminders by kind and item: a small index, not the whole table.
            models.Index(
                fields=["kind", "object_id"],
                condition=models.Q(resolved_at__isnull=True),
                name="notification_open_kind_obj_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def display_text(self) -> str:
        """The message in the active language, or the stored text if it cannot be rendered."""
        from notifications.rendering import render_message

        return render_message(self.message, self.params, fallback=self.text)


class NotificationPreference(models.Model):
    """Per user: which kinds are not emailed, and a daily digest instead of single mails."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_off_kinds = ArrayField(
        models.CharField(max_length=50), default=list, blank=True, verbose_name=_("kinds not sent by email")
    )
    daily_digest = models.BooleanField(_("one daily email instead of single emails"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class EmailDelivery(models.Model):
    """The send record of one notification's email: claimed (committed) before the mail goes out.

    Unique per notification, so however often the task runs (retries, the recovery sweep, a redelivered
    message after a crash) at most one attempt holds the claim, and a ``sent`` or ``uncertain`` record
    is never sent again. ``uncertain`` means a worker died between claiming and recording the result:
    the mail may have left, so it is not re-sent blind; the health page counts these for a person.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent again")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCERTAIN = "uncertain", _("Unknown (the sender stopped)")

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="delivery")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")

    def __str__(self) -> str:
        return f"{self.notification_id} {self.status}"


class SweepWatermark(models.Model):
    """How far one reminder rule has swept, so that a re-run selects only what became due since.

    ``swept_through`` is the clock the rule last ran with (its ``now``; a date rule reads its local
    date): everything due by then was reminded. ``changed_after`` is the app's clock at the start of
    that run less a margin (a write whose transaction began earlier may commit after the run's
    snapshot): a row written after it may have become due again. ``full_at`` is the last run that
    looked at everything, which catches what no row's time shows (a user reactivated, a new manager).
    """

    rule = models.CharField(max_length=100, primary_key=True)
    swept_through = models.DateTimeField()
    changed_after = models.DateTimeField()
    full_at = models.DateTimeField()

    class Meta:
        verbose_name = _("reminder sweep watermark")
        verbose_name_plural = _("reminder sweep watermarks")

    def __str__(self) -> str:
        return f"{self.rule}: {self.swept_through:%Y-%m-%d %H:%M}"
