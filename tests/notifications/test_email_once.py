"""Each notification's email goes out at most once: a unique send record is claimed before sending."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.utils import timezone

from core.models import OutboxMessage
from notifications import delivery
from notifications.models import EmailDelivery, Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(cast):
    cast.worker.email = "xiaochen@example.org"
    cast.worker.save(update_fields=["email"])
    return notify(user=cast.worker, kind="referral_immediate", text="紧急转介：七里村")


def test_a_second_run_sends_nothing(note, mailoutbox):
    assert delivery.deliver(note.pk) is True
    assert delivery.deliver(note.pk) is False
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["xiaochen@example.org"]
    record = EmailDelivery.objects.get(notification=note)
    assert record.status == EmailDelivery.Status.SENT and record.attempts == 1
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_a_crash_after_claiming_never_resends(note, mailoutbox):
    # given a worker that claimed the email and died (the mail may or may not have left)
    EmailDelivery.objects.create(
        notification=note, status=EmailDelivery.Status.SENDING, claimed_at=timezone.now(), attempts=1
    )
    # then a redelivered message sends nothing, and the sweep marks the stale claim for a person
    assert delivery.deliver(note.pk) is False
    EmailDelivery.objects.filter(notification=note).update(claimed_at=timezone.now() - dt.timedelta(minutes=11))
    assert delivery.emails_recover()["emails_uncertain"] == 1
    assert delivery.deliver(note.pk) is False
    assert mailoutbox == []
    assert EmailDelivery.objects.get(notification=note).status == EmailDelivery.Status.UNCERTAIN


def test_a_refused_send_is_released_and_retried(note, mailoutbox, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(delivery, "send_mail", refuse)
    with pytest.raises(ConnectionError):  # retryable: the task's autoretry covers it
        delivery.deliver(note.pk)
    record = EmailDelivery.objects.get(notification=note)
    assert record.status == EmailDelivery.Status.PENDING and "gone" in record.last_error
    monkeypatch.undo()
    assert delivery.deliver(note.pk) is True
    assert len(mailoutbox) == 1
    assert EmailDelivery.objects.get(notification=note).attempts == 2


def test_out_of_retries_is_failed_and_visible(note, cast, client_for):
    from notifications.tasks import _email_final_failure

    EmailDelivery.objects.create(notification=note, status=EmailDelivery.Status.PENDING, attempts=8)
    _email_final_failure(ConnectionError("smtp down"), note.pk)
    assert EmailDelivery.objects.get(notification=note).status == EmailDelivery.Status.FAILED
    page = client_for(cast.admin).get("/system/health/")
    assert page.status_code == 200 and page.context["emails_failed"] == 1


def test_the_sweep_republishes_an_email_that_never_went_out(note, mailoutbox):
    # given: the outbox published the task long ago, but the worker lost it (database down, no retry)
    message = OutboxMessage.objects.get(task_name="notifications.tasks.send_notification_email", args=[note.pk])
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=long_ago, attempts=1)
    # when the sweep runs, the row is opened again for the relay; once sent, the sweep leaves it
    assert delivery.emails_recover() == {"emails_resent": 1, "emails_uncertain": 0}
    message.refresh_from_db()
    assert message.sent_at is None
    assert delivery.deliver(note.pk) is True
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=long_ago)
    assert delivery.emails_recover() == {"emails_resent": 0, "emails_uncertain": 0}
    assert Notification.objects.get(pk=note.pk).emailed_at is not None
