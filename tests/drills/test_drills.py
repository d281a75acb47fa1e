"""The failure drills of issue 10, as tests: Redis down and frozen, PostgreSQL down mid-task, a worker
killed mid-report, backup → restore. Each prints its outcome and timings (see tests/drills/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid

import pytest
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage
from notifications.models import EmailDelivery, Notification
from reports import services as reports
from reports.models import Report, ReportStatus
from tests.conftest import _test_database_url, wait_for
from tests.drills.conftest import mails_to, record

pytestmark = [pytest.mark.drill, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _staff_emails(cast) -> list[str]:
    for user in (cast.worker, cast.colleague, cast.manager):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    return sorted(u.email for u in (cast.worker, cast.colleague, cast.manager))


def _immediate_referral(client, cast, key: str) -> tuple[int, float]:
    started = time.monotonic()
    response = client.post(
        "/referrals/new/",
        {
            "child_name": "小雪",
            "child_sex": "female",
            "child_age": "6",
            "location": cast.village.pk,
            # each drill referral is a report of its own (the same text again would be a resubmission)
            "concerns": f"孩子一个人在河边（{key}）",
            "urgency": "immediate",
            "submission_key": key,
        },
    )
    return response.status_code, time.monotonic() - started


def _pages_fast(cast, client_for) -> float:
    slowest = 0.0
    for user, path in ((cast.worker, "/cases/"), (cast.worker, "/referrals/queue/"), (cast.admin, "/system/health/")):
        started = time.monotonic()
        assert client_for(user).get(path).status_code == 200, path
        slowest = max(slowest, time.monotonic() - started)
    return slowest


def test_drill_redis_down_then_frozen(cast, client_for, redis_server, worker_factory):
    addresses = _staff_emails(cast)
    worker = worker_factory()
    worker.start(None)
    referrer = client_for(cast.referrer)
    # a warm process (a cold first request spends seconds importing, whatever the broker does)
    assert _immediate_referral(referrer, cast, "drill-warm")[0] == 302
    _pages_fast(cast, client_for)
    wait_for(lambda: EmailDelivery.objects.filter(status="sent").count() == 3, timeout=60)
    # Redis dies
    redis_server.stop()
    status, down = _immediate_referral(referrer, cast, "drill-down")
    assert status == 302 and down < 1.0
    slowest_down = _pages_fast(cast, client_for)
    # Redis comes back frozen (accepts, never answers)
    redis_server.start()
    redis_server.freeze()
    outbox.reset_breaker()
    status, frozen = _immediate_referral(referrer, cast, "drill-frozen")
    assert status == 302 and frozen < 1.0
    slowest_frozen = _pages_fast(cast, client_for)
    assert outbox.wait_for_relay(timeout=10)
    notes = Notification.objects.filter(kind="referral_immediate")
    assert notes.count() == 9 and OutboxMessage.objects.filter(sent_at=None).count() == 6  # kept, not lost
    # Redis answers again: beat's drain (called here) sends everything, each email once
    redis_server.thaw()
    back = time.monotonic()
    wait_for(lambda: outbox.drain() >= 0 and not OutboxMessage.objects.filter(sent_at=None).exists(), timeout=30)
    wait_for(lambda: EmailDelivery.objects.filter(status="sent").count() == 9, timeout=60)
    delivered = time.monotonic() - back
    assert outbox.drain() == 0
    time.sleep(1)
    assert sorted(mails_to(worker_factory.mail_dir)) == sorted(addresses * 3)
    record(
        f"redis down/frozen: immediate referral {down:.2f} s / {frozen:.2f} s, slowest page {slowest_down:.2f} s /"
        f" {slowest_frozen:.2f} s; 6 emails kept, delivered {delivered:.1f} s after Redis returned, each once"
    )
    assert delivered < 60


def test_drill_worker_killed_mid_report(cast, client_for, worker_factory, settings):
    worker = worker_factory()
    worker.start(None, SHOUHU_DRILL_REPORT_PAUSE_SECONDS="4", SHOUHU_REPORT_HEARTBEAT_SECONDS="0.5")
    today = timezone.localdate()
    report = reports.report_request(actor=cast.manager, start=today - dt.timedelta(days=60), end=today)
    wait_for(lambda: Report.objects.filter(pk=report.pk, progress__gte=40).exists(), timeout=60)
    worker.kill9()
    killed = time.monotonic()
    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING  # what it says just after the crash
    # the sweep (every minute from beat) with a 3 s stale limit for the drill
    settings.SHOUHU = {**settings.SHOUHU, "REPORT_STALE_SECONDS": 3}
    wait_for(lambda: reports.reports_recover()["requeued"] == 1, timeout=30, interval=0.5)
    honest = time.monotonic() - killed
    report.refresh_from_db()
    assert (report.status, report.progress, report.attempts) == (ReportStatus.QUEUED, 0, 1)
    second = worker_factory()
    second.start(None)
    outbox.drain()
    wait_for(lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.DONE).exists(), timeout=90)
    done = time.monotonic() - killed
    files = sorted(p.name for p in (worker_factory.private_dir / "reports").iterdir())
    assert files == [f"report-{report.pk}.pdf"]
    response = client_for(cast.manager).get(f"/reports/{report.pk}/")
    assert response.status_code == 200
    record(f"worker kill -9 at 40 %: re-queued (honest 0 %) after {honest:.1f} s, done after {done:.1f} s, 1 file")


def test_drill_postgres_down_mid_task(cast, client_for, postgres_cluster, redis_server, worker_factory, settings):
    from tests.conftest import celery_app_on

    settings.SHOUHU_OUTBOX_RELAY = "off"  # this drill publishes the tasks itself, while PostgreSQL is down
    _staff_emails(cast)
    status, _ = _immediate_referral(client_for(cast.referrer), cast, "drill-pg")
    assert status == 302
    today = timezone.localdate()
    report = reports.report_request(actor=cast.manager, start=today - dt.timedelta(days=60), end=today)
    assert outbox.wait_for_relay(timeout=10)
    messages = list(OutboxMessage.objects.filter(sent_at=None).values_list("task_name", "args"))
    assert len(messages) == 4
    # the drill's own PostgreSQL gets a copy of this database (the machine's server is never touched)
    postgres_cluster.restore_test_database()
    postgres_cluster.psql("UPDATE core_outboxmessage SET sent_at = now()")  # published: they are in Redis
    worker = worker_factory(database_url=postgres_cluster.url)
    worker.env["PRIVATE_MEDIA_ROOT"] = str(postgres_cluster.dir / "private")
    worker.start(None)
    # PostgreSQL dies; the worker takes the tasks off the queue while it is down
    postgres_cluster.stop()
    down = time.monotonic()
    app = celery_app_on(redis_server.url)
    for name, args in messages:
        app.send_task(name, args=args, queue=worker.queue)
    time.sleep(3)
    postgres_cluster.start()
    back = time.monotonic()

    def finished() -> bool:
        sent = postgres_cluster.psql("SELECT count(*) FROM notifications_emaildelivery WHERE status = 'sent'")
        state = postgres_cluster.psql(f"SELECT status FROM reports_report WHERE id = {int(report.pk)}")  # noqa: S608
        return sent == "3" and state == "done"

    wait_for(finished, timeout=120, interval=0.5)
    recovered = time.monotonic() - back
    assert len(mails_to(worker_factory.mail_dir)) == 3
    retries = worker.log.read_text().count("Retry in")
    record(
        f"postgres down {back - down:.1f} s mid-task: {retries} retries, 3 emails once and the report done"
        f" {recovered:.1f} s after it returned"
    )


def test_drill_backup_then_restore_gives_identical_fingerprints(cast, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.services import document_add

    private = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(private)}},
        "private": {"BACKEND": "core.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(private)}},
    }
    document_add(
        actor=cast.worker,
        case=cast.case,
        upload=SimpleUploadedFile("同意书.pdf", b"%PDF-1.4 consent", content_type="application/pdf"),
        kind="consent",
    )
    source = _test_database_url()
    target_name = f"shouhu_drill_restore_{uuid.uuid4().hex[:8]}"
    target = source.rsplit("/", 1)[0] + "/" + target_name
    script = [sys.executable, str(settings.BASE_DIR / "scripts" / "backup.py")]
    env = dict(os.environ, DATABASE_URL=source, PRIVATE_MEDIA_ROOT=str(private))
    started = time.monotonic()
    out = subprocess.run(
        script + ["backup", "--out", str(tmp_path / "backups")], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    archive = out.stdout.strip()
    backed_up = time.monotonic() - started
    try:
        restored_dir = tmp_path / "restored"
        out = subprocess.run(
            script + ["restore", archive, "--database-url", target, "--private-dir", str(restored_dir)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stderr
        sys.path.insert(0, str(settings.BASE_DIR / "scripts"))
        import backup

        original, copy = backup.fingerprint(source, private), backup.fingerprint(target, restored_dir)
        assert original == copy and original["files"] and original["tables"]["cases_case"]["rows"] == 1
        # a second restore into the same place is refused (restore into a fresh database and folder)
        again = subprocess.run(
            script + ["restore", archive, "--database-url", target, "--private-dir", str(tmp_path / "other")],
            env=env,
            capture_output=True,
            text=True,
        )
        assert again.returncode != 0 and "fresh database" in again.stderr
    finally:
        backup_module = sys.modules.get("backup")
        if backup_module:
            backup_module._psql(source, f'DROP DATABASE IF EXISTS "{target_name}"', dbname="postgres")
    record(
        f"backup → restore: {len(original['tables'])} tables and {len(original['files'])} file(s) identical;"
        f" backup {backed_up:.1f} s, total {time.monotonic() - started:.1f} s"
    )
