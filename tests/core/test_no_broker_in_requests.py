"""Requests never wait on the broker: a frozen Redis (accepts, never answers) costs a page nothing."""

from __future__ import annotations

import socket
import time

import pytest

from core import outbox
from core.models import OutboxMessage
from notifications.models import Notification
from tests.conftest import celery_app_on

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def frozen_broker(monkeypatch):
    """A port that completes the TCP handshake and then never says a word, like a stopped Redis."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    app = celery_app_on(f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
    monkeypatch.setattr(outbox, "celery_app", lambda: app)
    yield app
    listener.close()


def test_immediate_referral_to_eleven_staff_answers_fast_on_a_frozen_broker(cast, client_for, frozen_broker):
    from tests.factories import UserFactory

    for user in (cast.worker, cast.colleague, cast.manager):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    for n in range(8):
        UserFactory(username=f"staff{n}", role="manager", email=f"staff{n}@example.org")
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
            "submission_key": "frozen-1",
        },
    )
    elapsed = time.monotonic() - started
    print(f"\nimmediate referral, frozen broker, 11 staff: {elapsed:.2f} s")
    assert response.status_code == 302
    assert elapsed < 1.0
    emails = OutboxMessage.objects.filter(task_name="notifications.tasks.send_notification_email")
    assert Notification.objects.filter(kind="referral_immediate").count() == emails.count() == 11
    # the relay thread tried once (about a second), tripped its breaker and left the rest to the drain
    assert outbox.wait_for_relay(timeout=10)
    assert emails.filter(sent_at=None).count() == 11
    assert emails.filter(attempts__gte=1).count() == 1


def test_health_page_and_report_request_answer_fast_on_a_frozen_broker(cast, client_for, frozen_broker):
    started = time.monotonic()
    page = client_for(cast.admin).get("/system/health/")
    assert page.status_code == 200 and page.context["broker_ok"] is False
    assert time.monotonic() - started < 1.5
    started = time.monotonic()
    response = client_for(cast.manager).post(
        "/reports/new/", {"start": "2026-01-01", "end": "2026-06-30", "format": "pdf", "language": "zh-hans"}
    )
    assert response.status_code == 302
    assert time.monotonic() - started < 1.0
