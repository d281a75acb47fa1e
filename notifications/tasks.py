from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail

from notifications.models import Notification


@shared_task(name="notifications.tasks.send_notification_email", soft_time_limit=30, time_limit=60)
def send_notification_email(notification_id: int) -> bool:
    """Email one notification at most once: the send record is claimed and committed before sending."""
    from notifications.delivery import deliver

    return deliver(notification_id)


def _email_final_failure(exc: BaseException, notification_id: int, *args: object, **kwargs: object) -> None:
    from notifications.delivery import give_up

    give_up(notification_id, exc)


send_notification_email.on_final_failure = _email_final_failure


@shared_task(name="notifications.tasks.reminder_sweep", acks_late=True, soft_time_limit=300, time_limit=360)
def reminder_sweep() -> dict[str, int]:
    from notifications.reminders import sweep

    return sweep()


@shared_task(name="notifications.tasks.daily_digest", soft_time_limit=600, time_limit=660)
def daily_digest() -> int:
    """One email per user who chose the digest, with yesterday's and today's unread notifications, grouped
    as the inbox groups them (urgent first, one line per case for the reminders)."""
    from django.utils import timezone as tz

    from notifications.models import NotificationPreference

    sent = 0
    since = tz.now() - tz.timedelta(days=1)
    for pref in NotificationPreference.objects.filter(daily_digest=True, user__is_active=True).select_related("user"):
        user = pref.user
        pending = list(
            Notification.objects.filter(user=user, emailed_at=None, created_at__gte=since, read_at=None)[:50]
        )
        if not user.email or not pending:
            continue
        from notifications.delivery import digest_email
        from notifications.services import digest_of

        subject, body = digest_email(digest_of(pending))
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=tz.now())
        sent += 1
    return sent


@shared_task(name="notifications.tasks.email_recovery_sweep", acks_late=True, soft_time_limit=120, time_limit=150)
def email_recovery_sweep() -> dict[str, int]:
    """Every minute from beat: notification emails enqueued but never sent are published again (the
    send record keeps each once); claims whose sender died are marked uncertain."""
    from core import outbox
    from notifications.delivery import emails_recover

    done = emails_recover()
    done["published"] = outbox.drain()
    return done
