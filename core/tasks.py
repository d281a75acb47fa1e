from __future__ import annotations

from celery import shared_task
from celery.signals import worker_ready
from django.db.models import Count
from django.utils import timezone

from core import outbox
from core.models import AuditEntry, ServiceHeartbeat


@shared_task(name="core.tasks.outbox_drain", acks_late=True, soft_time_limit=120, time_limit=150)
def outbox_drain() -> int:
    return outbox.drain()


@shared_task(name="core.tasks.heartbeat", soft_time_limit=20, time_limit=30)
def heartbeat(name: str = "worker") -> str:
    now = timezone.now()
    ServiceHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": now})
    return now.isoformat()


@shared_task(name="core.tasks.audit_daily_stats", soft_time_limit=120, time_limit=150)
def audit_daily_stats(day: str | None = None) -> dict[str, int]:
    """Counts yesterday's audit rows by action (computed in the database), for the admin's eye."""
    date = (
        timezone.localdate() - timezone.timedelta(days=1)
        if day is None
        else timezone.datetime.fromisoformat(day).date()
    )
    rows = AuditEntry.objects.filter(created_at__date=date).values("action").annotate(n=Count("id"))
    return {row["action"]: row["n"] for row in rows}


@shared_task(name="core.tasks.audit_partitions_ahead", soft_time_limit=60, time_limit=90)
def audit_partitions_ahead() -> list[str]:
    """Daily: the audit log's partitions exist for this month and the next three."""
    from core.audit_chain import audit_partitions_ahead as ensure

    return ensure()


@worker_ready.connect
def _drain_on_worker_start(**_: object) -> None:
    outbox_drain.delay()
