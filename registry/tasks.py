from __future__ import annotations

from celery import shared_task


@shared_task(name="registry.tasks.register_daily", acks_late=True, soft_time_limit=300, time_limit=360)
def register_daily() -> int:
    """Files whose child has turned 18 leave the register, each with a note to the director. Each
    file is its own transaction and the service is idempotent, so a retried run changes nothing twice."""
    from django.utils import timezone

    from registry.services import file_turned_18, files_turning_18_ids

    today = timezone.localdate()
    return sum(file_turned_18(file_id=pk, today=today) for pk in files_turning_18_ids(today=today))
