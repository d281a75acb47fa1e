from __future__ import annotations

import pytest

from notifications.models import Notification
from referrals.models import Referral
from tests.conftest import wait_for

pytestmark = pytest.mark.worker


def test_immediate_referral_emails_on_duty_staff_through_a_real_worker(cast, celery_worker, client_for):
    for user in (cast.worker, cast.colleague, cast.manager):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    response = client_for(cast.referrer).post(
        "/referrals/new/",
        {
            "child_name": "小华",
            "child_sex": "female",
            "child_age": "7",
            "location": cast.village.pk,
            "concerns": "孩子说继父打她",
            "indicators": ["visible_injuries"],
            "urgency": "immediate",
            "submission_key": "imm-1",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    notes = Notification.objects.filter(kind="referral_immediate", object_id=str(referral.pk))
    assert set(notes.values_list("user__username", flat=True)) == {"xiaochen", "xiaoli", "liu"}
    # the real worker sends each email once and marks it
    wait_for(lambda: notes.filter(emailed_at__isnull=False).count() == 3, timeout=60)
    # each recipient got exactly one message (counted in the mail the worker wrote, not by the flag)
    assert celery_worker.mail_count_by_recipient() == {
        "xiaochen@example.org": 1,
        "xiaoli@example.org": 1,
        "liu@example.org": 1,
    }
    message = celery_worker.sent_mail()[0]
    body = message.get_payload(decode=True).decode()
    # the email says only that something urgent waits, with a link into Shouhu (issue 14)
    assert "/notifications/" in body and "/open/" in body
    assert referral.reference not in body and referral.reference not in str(message["Subject"])
    assert not Notification.objects.filter(user=cast.referrer, kind="referral_immediate").exists()
