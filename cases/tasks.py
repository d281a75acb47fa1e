from __future__ import annotations

from celery import shared_task


@shared_task(name="cases.tasks.access_expiry_sweep", acks_late=True, soft_time_limit=120, time_limit=180)
def access_expiry_sweep() -> int:
    """Every five minutes: grants past their time end (``cases.services.access``); idempotent."""
    from cases.services.access import access_expiry_sweep as sweep

    return sweep()
