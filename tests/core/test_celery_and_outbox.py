from __future__ import annotations

import pytest
from django.db import transaction

from core import outbox
from core.models import OutboxMessage, ServiceHeartbeat
from tests.conftest import wait_for


@pytest.mark.worker
def test_heartbeat_runs_on_a_real_worker(celery_worker):
    # given a real worker on the real Redis
    # when a task is enqueued through the outbox, in a transaction that commits
    with transaction.atomic():
        message = outbox.enqueue("core.tasks.heartbeat", "worker")
    # then the worker runs it and writes to the (test) database
    beat = wait_for(lambda: ServiceHeartbeat.objects.filter(name="worker").first())
    assert beat.seen_at is not None
    message.refresh_from_db()
    assert message.sent_at is not None


@pytest.mark.worker
def test_result_travels_back_through_redis(celery_worker):
    from core.tasks import audit_daily_stats

    result = audit_daily_stats.apply_async(args=["2026-01-01"])
    assert result.get(timeout=30) == {}


def test_nothing_is_sent_when_the_transaction_rolls_back(transactional_db):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue("core.tasks.heartbeat", "worker")
        raise RuntimeError("boom")
    assert not OutboxMessage.objects.exists()


def test_broker_down_keeps_the_message_and_the_request_fast(transactional_db, broker_down):
    import time

    # given a broker that does not answer (a closed port on this machine)
    started = time.monotonic()
    with transaction.atomic():
        message = outbox.enqueue("core.tasks.heartbeat", "worker")
    elapsed = time.monotonic() - started
    # then the caller is not held up, and the message waits in the outbox
    assert elapsed < 8
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1 and message.last_error
    assert outbox.drain() == 0


@pytest.mark.worker
def test_drain_sends_what_waited_once_the_broker_is_back(celery_worker, monkeypatch):
    import core.outbox
    from tests.conftest import celery_app_on

    real = core.outbox.celery_app
    monkeypatch.setattr(core.outbox, "celery_app", lambda: celery_app_on("redis://127.0.0.1:1/0"))
    with transaction.atomic():
        message = outbox.enqueue("core.tasks.heartbeat", "drained")
    monkeypatch.setattr(core.outbox, "celery_app", real)
    message.refresh_from_db()
    assert message.sent_at is None
    assert outbox.drain() == 1
    assert wait_for(lambda: ServiceHeartbeat.objects.filter(name="drained").exists())
    assert outbox.drain() == 0  # sent once, not again
