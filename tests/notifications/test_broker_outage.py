"""Redis goes away while the web app is used; nothing is lost and each email is sent once when it is back.

Uses its own redis-server on a spare port (never the machine's shared Redis) and a real worker on it.
"""

from __future__ import annotations

import socket
import subprocess
import time
import uuid

import pytest
from django.conf import settings

from core import outbox
from core.models import OutboxMessage
from notifications.models import Notification
from tests.conftest import WorkerHandle, _test_database_url, celery_app_on, celery_command, wait_for, worker_env

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("redis-server did not start")


def test_web_app_keeps_working_without_redis_and_delivers_once_after(cast, client_for, monkeypatch, tmp_path):
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    queue = f"outage-{uuid.uuid4().hex[:8]}"
    broker = _redis(port)
    app = celery_app_on(url)
    app.conf.task_default_queue = queue
    monkeypatch.setattr(outbox, "celery_app", lambda: app)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = subprocess.Popen(
        celery_command(
            "worker", "-Q", queue, "--pool", "solo", "-l", "warning", "--without-gossip", "--without-mingle"
        ),
        env=worker_env(
            DATABASE_URL=_test_database_url(),
            REDIS_URL=url,
            CELERY_TASK_DEFAULT_QUEUE=queue,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(mail_dir),
        ),
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for user in (cast.worker, cast.colleague, cast.manager):
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
        # given: the broker goes down
        broker.terminate()
        broker.wait(timeout=10)
        # when: a director sends an immediate referral, and staff keep using pages
        started = time.monotonic()
        response = client_for(cast.referrer).post(
            "/referrals/new/",
            {
                "child_name": "小雪",
                "child_sex": "female",
                "child_age": "6",
                "location": cast.village.pk,
                "concerns": "孩子一个人在河边",
                "urgency": "immediate",
                "submission_key": "outage-1",
            },
        )
        assert response.status_code == 302 and time.monotonic() - started < 10
        for path in ("/cases/", "/referrals/queue/", "/notifications/"):
            assert client_for(cast.worker).get(path).status_code == 200
        notes = Notification.objects.filter(kind="referral_immediate")
        assert notes.count() == 3 and not notes.filter(emailed_at__isnull=False).exists()
        assert OutboxMessage.objects.filter(sent_at=None).count() == 3  # kept, not lost
        # then: the broker comes back, the outbox is drained, each email goes once
        broker = _redis(port)
        assert outbox.drain() == 3
        wait_for(lambda: notes.filter(emailed_at__isnull=False).count() == 3, timeout=90)
        assert outbox.drain() == 0
        emailed = list(notes.values_list("emailed_at", flat=True))
        time.sleep(2)
        assert list(notes.values_list("emailed_at", flat=True)) == emailed
        # one message per recipient, counted in what the worker really sent
        sent = WorkerHandle(queue=queue, process=worker, mail_dir=mail_dir).mail_count_by_recipient()
        assert sent == {"xiaochen@example.org": 1, "xiaoli@example.org": 1, "liu@example.org": 1}
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        broker.terminate()
