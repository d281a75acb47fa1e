from __future__ import annotations

from celery import shared_task

from reports.services import report_generate


@shared_task(name="reports.tasks.generate_report", acks_late=True, soft_time_limit=600, time_limit=660)
def generate_report(report_id: int) -> str:
    return report_generate(report_id=report_id).status
