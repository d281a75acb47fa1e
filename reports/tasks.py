from __future__ import annotations

from celery import shared_task

from core.celery_base import is_retryable
from reports.models import FailureReason
from reports.services import report_generate, report_mark_failed


def _final_failure(exc: BaseException, report_id: int, *args: object, **kwargs: object) -> None:
    reason = FailureReason.DATABASE if is_retryable(exc) else FailureReason.ERROR
    report_mark_failed(report_id=report_id, reason=reason, error=str(exc))


@shared_task(bind=True, name="reports.tasks.generate_report", acks_late=True, soft_time_limit=600, time_limit=660)
def generate_report(self, report_id: int) -> str:
    # The task id survives retries, so a retry takes back its own report; another delivery cannot.
    return report_generate(report_id=report_id, token=self.request.id or "").status


generate_report.on_final_failure = _final_failure


@shared_task(name="reports.tasks.report_recovery_sweep", acks_late=True, soft_time_limit=120, time_limit=150)
def report_recovery_sweep() -> dict[str, int]:
    """Every minute from beat: reports queued over five minutes or running with a silent heartbeat are
    re-queued, and failed with a reason after three attempts."""
    from reports.services import reports_recover

    return reports_recover()
