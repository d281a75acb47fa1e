from __future__ import annotations

from celery import shared_task


@shared_task(name="cases.tasks.access_expiry_sweep", acks_late=True, soft_time_limit=120, time_limit=180)
def access_expiry_sweep() -> int:
    """Every five minutes: grants past their time end (``cases.services.access``); idempotent."""
    from cases.services.access import access_expiry_sweep as sweep

    return sweep()


@shared_task(name="cases.tasks.retention_sweep", acks_late=True, soft_time_limit=1800, time_limit=1900)
def retention_sweep() -> int:
    """Nightly: closed case files past their retention period are anonymised (idempotent)."""
    from cases.services.retention import retention_sweep as sweep

    return sweep()
