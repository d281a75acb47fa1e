"""A report whose worker dies is re-queued or failed within minutes, shows why, and can be retried."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import OperationalError
from django.utils import timezone

from core.models import OutboxMessage
from reports import services
from reports.models import FailureReason, Report, ReportStatus
from reports.tasks import _final_failure, generate_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_dir(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
        "private": {"BACKEND": "core.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def _report(cast, **fields) -> Report:
    today = timezone.localdate()
    return services.report_request(actor=cast.manager, start=today - dt.timedelta(days=30), end=today, **fields)


def test_a_running_report_with_a_silent_heartbeat_is_requeued_then_failed(cast):
    report = _report(cast)
    silent_since = timezone.now() - dt.timedelta(minutes=3)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, progress=60, heartbeat_at=silent_since)
    sent_before = OutboxMessage.objects.filter(task_name="reports.tasks.generate_report").count()
    assert services.reports_recover() == {"requeued": 1, "failed": 0}
    report.refresh_from_db()
    assert (report.status, report.progress, report.attempts) == (ReportStatus.QUEUED, 0, 1)
    assert OutboxMessage.objects.filter(task_name="reports.tasks.generate_report").count() == sent_before + 1
    # a fresh heartbeat is left alone
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, heartbeat_at=timezone.now())
    assert services.reports_recover() == {"requeued": 0, "failed": 0}
    # silent again, twice more: the third attempt ends as failed with a reason
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, heartbeat_at=silent_since)
    assert services.reports_recover() == {"requeued": 1, "failed": 0}
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, heartbeat_at=silent_since)
    assert services.reports_recover() == {"requeued": 0, "failed": 1}
    report.refresh_from_db()
    assert (report.status, report.failure_reason) == (ReportStatus.FAILED, FailureReason.WORKER_LOST)


def test_a_report_queued_too_long_is_sent_again(cast):
    report = _report(cast)
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=6))
    assert services.reports_recover() == {"requeued": 1, "failed": 0}
    assert services.reports_recover() == {"requeued": 0, "failed": 0}  # not again before its deadline


def test_failed_report_shows_the_reason_and_a_retry_button(cast, client_for):
    report = _report(cast)
    _final_failure(OperationalError("connection refused"), report.pk)
    report.refresh_from_db()
    assert (report.status, report.failure_reason) == (ReportStatus.FAILED, FailureReason.DATABASE)
    client = client_for(cast.manager)
    page = client.get(f"/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "The database could not be reached for several minutes." in page.content.decode()
    assert 'data-testid="retry"' in page.content.decode()
    # a funder sees the report but may not retry it
    assert client_for(cast.funder).post(f"/reports/{report.pk}/retry/").status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    response = client.post(f"/reports/{report.pk}/retry/")
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.progress, report.failure_reason) == (ReportStatus.QUEUED, 0, "")
    # only a failed report can be retried
    assert client.post(f"/reports/{report.pk}/retry/").status_code == 302
    assert OutboxMessage.objects.filter(task_name="reports.tasks.generate_report", args=[report.pk]).count() == 2


def test_running_twice_keeps_one_file_and_a_second_delivery_does_nothing(cast, private_dir):
    report = _report(cast, format="xlsx")
    assert services.report_generate(report_id=report.pk, token="first").status == ReportStatus.DONE
    # the sweep re-queued it after a crash that happened just before "done" was written
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED, progress=0)
    assert services.report_generate(report_id=report.pk, token="second").status == ReportStatus.DONE
    assert [p.name for p in (private_dir / "reports").iterdir()] == [f"report-{report.pk}.xlsx"]
    # an old message of a run that lost its claim cannot take a report another run holds
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, run_token="third", heartbeat_at=timezone.now()
    )
    assert services.report_generate(report_id=report.pk, token="first").status == ReportStatus.RUNNING
    report.refresh_from_db()
    assert report.run_token == "third"


def test_report_task_retries_database_and_broker_errors_boundedly():
    from kombu.exceptions import OperationalError as KombuOperationalError

    from notifications.tasks import send_notification_email

    for task in (generate_report, send_notification_email):
        assert OperationalError in task.autoretry_for and KombuOperationalError in task.autoretry_for
        assert task.max_retries == 8 and task.retry_backoff_max == 120 and task.acks_late


def test_a_report_whose_file_is_missing_answers_a_clear_404(cast, client_for, private_dir):
    report = _report(cast, format="xlsx")
    services.report_generate(report_id=report.pk, token="t")
    report.refresh_from_db()
    (private_dir / report.file.name).unlink()
    response = client_for(cast.manager).get(f"/reports/{report.pk}/download/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "The file of this report is missing from the server." in response.content.decode()
