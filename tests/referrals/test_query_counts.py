"""The triage queue in a pinned number of statements whatever its length, and referral submission (POST /api/v1/referrals/ with a real token) in a pinned number of statements,
whatever the number of on-duty staff an immediate referral tells: each of them gets the in-app
notification and, after commit, one email task in the outbox."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from core.models import OutboxMessage
from notifications.models import Notification, NotificationPreference
from referrals.models import Referral
from tests.factories import ReferralFactory, UserFactory
from tests.referrals.test_referrals import _api_body

pytestmark = pytest.mark.django_db

# The token (with the user's Alliance membership), the location; in the test's transaction a savepoint,
# the reference's advisory lock, the last reference, the INSERT, the figures' generation, the audit row,
# the savepoint's release.
ROUTINE = 9
# + the on-duty staff, who already has the notice, the savepoint, one INSERT of every notice, its release,
# their email preferences — not asked for an urgent kind — and one outbox INSERT for the emails.
IMMEDIATE = ROUTINE + 5


def _client(user):
    return APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


def test_routine_submission_queries_are_pinned(cast, django_assert_num_queries):
    client = _client(cast.referrer)
    client.post("/api/v1/referrals/", _api_body(cast), format="json")  # warm-up (content types)
    with django_assert_num_queries(ROUTINE):
        response = client.post("/api/v1/referrals/", _api_body(cast, child_name="小明"), format="json")
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(pk=response.json()["id"])
    assert referral.referrer_member_id == cast.referrer.member_id and referral.channel == "alliance"


@pytest.mark.parametrize("extra_staff", [0, 12])
def test_immediate_submission_tells_every_on_duty_worker_in_constant_queries(
    cast, django_assert_num_queries, extra_staff
):
    staff = [UserFactory(role=Role.SOCIAL_WORKER) for _ in range(extra_staff)]
    quiet = UserFactory(role=Role.SOCIAL_WORKER)
    NotificationPreference.objects.create(user=quiet, daily_digest=True)  # urgent kinds are emailed anyway
    client = _client(cast.referrer)
    client.post("/api/v1/referrals/", _api_body(cast), format="json")  # warm-up
    outbox_before = OutboxMessage.objects.count()
    with django_assert_num_queries(IMMEDIATE):
        response = client.post("/api/v1/referrals/", _api_body(cast, urgency="immediate"), format="json")
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(pk=response.json()["id"])
    on_duty = {cast.worker.pk, cast.colleague.pk, cast.manager.pk, quiet.pk, *(u.pk for u in staff)}
    told = Notification.objects.filter(kind="referral_immediate", object_id=str(referral.pk))
    assert set(told.values_list("user_id", flat=True)) == on_duty
    assert all(referral.reference in n.text for n in told)
    with_email = {u for u in on_duty if UserFactory._meta.model.objects.get(pk=u).email}
    emails = OutboxMessage.objects.order_by("pk")[outbox_before:]
    assert sorted(m.args[0] for m in emails if m.task_name.endswith("send_notification_email")) == sorted(
        told.filter(user_id__in=with_email).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("waiting", [10, 25, 100])
def test_triage_queue_queries_are_pinned(cast, client_for, django_assert_num_queries, waiting):
    for _ in range(waiting):
        ReferralFactory(location=cast.village, referrer_member=cast.referrer.member)
    client = client_for(cast.manager)
    client.get("/referrals/queue/")  # the session is saved once
    # session, user, the queue with its places and referrers (one query), the audit row naming the
    # referrals shown, the bell
    with django_assert_num_queries(5):
        response = client.get("/referrals/queue/")
    assert response.status_code == 200
    assert len(response.context["queue"]) == waiting
