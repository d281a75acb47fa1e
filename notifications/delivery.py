"""Sending one notification's email exactly once, whatever crashes around it.

1. Claim: in its own committed transaction, create (or take back) the notification's EmailDelivery
   with status ``sending``. A record already ``sent``, ``uncertain`` or ``failed`` is never sent again;
   one ``sending`` and fresh belongs to another attempt.
2. Send through Django's mail backend.
3. Record: ``sent`` (and ``Notification.emailed_at``). If the database is down at this moment the
   record is retried here for up to a minute, because the task must not send again.

A known sending failure (SMTP refused, connection error) releases the claim (``pending``) and the task
retries. A worker killed between 1 and 3 leaves a ``sending`` claim; the recovery sweep turns one older
than ``CLAIM_STALE`` into ``uncertain`` (the mail may have left) for a person to check, never re-sends.
"""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.mail import send_mail
from django.db import OperationalError, close_old_connections, connection, transaction
from django.utils import timezone

from notifications.models import EmailDelivery, Notification

if TYPE_CHECKING:
    from notifications.services import Digest

log = logging.getLogger(__name__)
CLAIM_STALE = timedelta(minutes=10)
Status = EmailDelivery.Status


def _claim(notification: Notification) -> bool:
    now = timezone.now()
    with transaction.atomic():
        delivery, created = EmailDelivery.objects.select_for_update().get_or_create(
            notification=notification, defaults={"status": Status.SENDING, "claimed_at": now, "attempts": 1}
        )
        if created:
            return True
        if delivery.status != Status.PENDING:
            return False
        delivery.status, delivery.claimed_at, delivery.attempts = Status.SENDING, now, delivery.attempts + 1
        delivery.save(update_fields=["status", "claimed_at", "attempts"])
        return True


def _record_sent(notification_id: int, deadline_seconds: float = 60) -> None:
    deadline = time.monotonic() + deadline_seconds
    while True:
        try:
            now = timezone.now()
            with transaction.atomic():
                EmailDelivery.objects.filter(notification_id=notification_id).update(
                    status=Status.SENT, sent_at=now, last_error=""
                )
                Notification.objects.filter(pk=notification_id).update(emailed_at=now)
            return
        except OperationalError:
            if time.monotonic() > deadline:
                raise
            connection.close()
            time.sleep(1)
            close_old_connections()


def deliver(notification_id: int) -> bool:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None or not notification.user.email:
        return False
    if not _claim(notification):
        return False
    try:
        subject, body = notification_email(notification)
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[notification.user.email])
    except (smtplib.SMTPException, OSError) as exc:
        EmailDelivery.objects.filter(notification_id=notification_id, status=Status.SENDING).update(
            status=Status.PENDING, last_error=str(exc)[:500]
        )
        raise ConnectionError(f"email not sent: {exc}") from exc
    _record_sent(notification_id)
    return True


def _site_link(path: str) -> str:
    from django.conf import settings

    return str(settings.SHOUHU.get("SITE_URL", "")).rstrip("/") + path


def notification_email(notification: Notification) -> tuple[str, str]:
    """Subject and body of one notification's email: only that something waits (urgent or not) and
    a link into Shouhu — never the notification's text, a child's name or a case's details, which
    stay inside the system where access is checked and audited."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import gettext as _

    from notifications.services import URGENT_KINDS

    with translation.override(settings.LANGUAGE_CODE):
        link = _site_link(reverse("notifications:open", args=[notification.pk]))
        if notification.kind in URGENT_KINDS:
            subject = _("Shouhu: something urgent needs your attention")
        else:
            subject = _("Shouhu: something needs your attention")
        body = _(
            "Something in Shouhu needs your attention. Log in to read it:\n%(link)s\n\n"
            "(For the children's safety, details are never sent by email.)"
        ) % {"link": link}
    return subject, body


def digest_email(digest: Digest) -> tuple[str, str]:
    """The daily digest, grouped as the inbox is: each urgent item on its own line first (its kind and a
    link), then one line per case for its routine reminders (how many, of which kinds), then how many
    others wait — never what any of them says, a child's name or a case number."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from notifications.services import KINDS

    count = digest.count
    with translation.override(settings.LANGUAGE_CODE):
        link = _site_link(reverse("notifications:list"))
        if digest.urgent:
            subject = ngettext(
                "Shouhu: %(n)s notification waits for you, urgent",
                "Shouhu: %(n)s notifications wait for you, %(u)s of them urgent",
                count,
            ) % {"n": count, "u": len(digest.urgent)}
        else:
            subject = ngettext(
                "Shouhu: %(n)s notification waits for you", "Shouhu: %(n)s notifications wait for you", count
            ) % {"n": count}
        lines: list[str] = []
        if digest.urgent:
            lines.append(_("Urgent — open each at once:"))
            lines += [
                f"! {KINDS.get(n.kind, n.kind)}: {_site_link(reverse('notifications:open', args=[n.pk]))}"
                for n in digest.urgent
            ]
            lines.append("")
        if digest.groups:
            lines.append(
                ngettext(
                    "Reminders about %(c)s case or item:", "Reminders about %(c)s cases or items:", len(digest.groups)
                )
                % {"c": len(digest.groups)}
            )
            for group in digest.groups:
                kinds = "、".join(str(label) for label in group.kind_labels)
                lines.append(
                    "- "
                    + ngettext("%(n)s reminder: %(kinds)s", "%(n)s reminders: %(kinds)s", group.count)
                    % {"n": group.count, "kinds": kinds}
                )
            lines.append("")
        if digest.others:
            lines.append(
                ngettext("%(n)s other notification.", "%(n)s other notifications.", digest.others)
                % {"n": digest.others}
            )
            lines.append("")
        lines.append(_("Log in to read them:\n%(link)s") % {"link": link})
        lines.append("")
        lines.append(_("(For the children's safety, details are never sent by email.)"))
    return subject, "\n".join(lines)


def give_up(notification_id: int, exc: BaseException) -> None:
    """The task ran out of retries: say so on the send record (the health page counts them)."""
    EmailDelivery.objects.filter(notification_id=notification_id).exclude(status=Status.SENT).update(
        status=Status.FAILED, last_error=str(exc)[:500]
    )


def wanted_email_ids(since: timedelta = timedelta(days=2), settle: timedelta = timedelta(minutes=3)) -> list[int]:
    """Notifications whose email was enqueued (published a while ago) but has not gone out."""
    from core.models import OutboxMessage

    now = timezone.now()
    rows = OutboxMessage.objects.filter(
        task_name="notifications.tasks.send_notification_email",
        created_at__gte=now - since,
        sent_at__lt=now - settle,
    ).values_list("args", flat=True)[:2000]
    ids = {args[0] for args in rows if args}
    return list(
        Notification.objects.filter(pk__in=ids, emailed_at=None)
        .exclude(user__email="")
        .exclude(delivery__status__in=[Status.SENT, Status.SENDING, Status.FAILED, Status.UNCERTAIN])
        .values_list("pk", flat=True)
    )


def emails_recover() -> dict[str, int]:
    """The sweep's part for emails: re-publish the unsent, mark stale claims uncertain."""
    from core.models import OutboxMessage

    now = timezone.now()
    uncertain = EmailDelivery.objects.filter(status=Status.SENDING, claimed_at__lt=now - CLAIM_STALE).update(
        status=Status.UNCERTAIN, last_error="the sender stopped between claiming and recording"
    )
    resent = 0
    for notification_id in wanted_email_ids():
        # Re-open its outbox row (bounded) so the relay publishes it again; the claim keeps it once.
        reopened = (
            OutboxMessage.objects.filter(
                task_name="notifications.tasks.send_notification_email",
                args=[notification_id],
                sent_at__isnull=False,
                attempts__lt=12,
            )
            .order_by("-created_at")[:1]
            .values_list("pk", flat=True)
        )
        resent += OutboxMessage.objects.filter(pk__in=list(reopened)).update(sent_at=None)
    return {"emails_resent": resent, "emails_uncertain": uncertain}
