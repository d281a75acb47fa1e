from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

from notifications.models import Notification


@shared_task(
    name="notifications.tasks.send_notification_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=30,
    time_limit=60,
)
def send_notification_email(notification_id: int) -> bool:
    """Email one notification once; idempotent (emailed_at)."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id, emailed_at=None).first()
    if notification is None or not notification.user.email:
        return False
    send_mail(subject=notification.text[:80], message=notification.text, from_email=None,
              recipient_list=[notification.user.email])
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
    return True
