"""Access beyond the team: asked for with a reason, granted by a manager for a limited time, ended by
itself; emergency access opens at once and tells the managers; all audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import AccessGrant
from cases.services.access import access_expiry_sweep
from core.models import AuditEntry
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _ask(client, case, reason="孩子转学到我负责的村，需要看家访记录", **extra):
    return client.post("/cases/access/", {"number": case.number, "reason": reason, **extra})


def test_a_request_granted_for_a_week_opens_the_case_and_the_sweep_ends_it(cast, client_for):
    colleague = client_for(cast.colleague)
    assert colleague.get(f"/cases/{cast.case.pk}/").status_code == 404
    assert _ask(colleague, cast.case).status_code == 302
    grant = AccessGrant.objects.get(user=cast.colleague, case=cast.case)
    assert grant.status == "requested"
    assert Notification.objects.filter(user=cast.manager, kind="access_requested").count() == 1
    assert colleague.get(f"/cases/{cast.case.pk}/").status_code == 404  # not before a manager answers
    answer = client_for(cast.manager).post(f"/cases/access/{grant.pk}/decide/", {"decision": "grant", "days": "7"})
    assert answer.status_code == 302
    grant.refresh_from_db()
    assert grant.status == "granted" and grant.decided_by == cast.manager
    assert abs(grant.ends_at - (timezone.now() + dt.timedelta(days=7))) < dt.timedelta(minutes=1)
    assert colleague.get(f"/cases/{cast.case.pk}/").status_code == 200
    assert access_expiry_sweep(now=timezone.now() + dt.timedelta(days=6)) == 0
    assert colleague.get(f"/cases/{cast.case.pk}/").status_code == 200
    assert access_expiry_sweep(now=timezone.now() + dt.timedelta(days=7, minutes=1)) == 1
    grant.refresh_from_db()
    assert grant.status == "ended"
    assert colleague.get(f"/cases/{cast.case.pk}/").status_code == 404
    assert client_for(cast.worker).get(f"/cases/{cast.case.pk}/").status_code == 200  # the lead keeps the case
    kinds = list(
        AuditEntry.objects.filter(object_type="accessgrant", object_id=str(grant.pk))
        .order_by("pk")
        .values_list("action", "detail")
    )
    assert [k[0] for k in kinds] == ["create", "update", "update"]
    assert [k[1].get("status") for k in kinds] == [None, "granted", "ended"]


def test_the_answer_is_the_same_whether_the_number_exists_or_not(cast, client_for):
    colleague = client_for(cast.colleague)
    real = _ask(colleague, cast.case)
    missing = colleague.post("/cases/access/", {"number": "2099-9999", "reason": "孩子转学到我负责的村"})
    assert (real.status_code, missing.status_code) == (302, 302)
    follow = colleague.get("/cases/access/").content.decode()
    assert "如果这个个案在你的机构" in follow
    assert AccessGrant.objects.count() == 1


def test_a_request_needs_a_reason_and_keeps_what_was_typed(cast, client_for):
    response = _ask(client_for(cast.colleague), cast.case, reason="看")
    assert response.status_code == 400
    assert cast.case.number in response.content.decode() and "说明" in response.content.decode()
    assert not AccessGrant.objects.exists()


def test_emergency_access_opens_at_once_for_a_day_and_tells_the_managers(cast, client_for):
    colleague = client_for(cast.colleague)
    response = _ask(colleague, cast.case, reason="孩子今晚可能有危险，负责社工联系不上", emergency="on")
    assert response.status_code == 302 and response["Location"] == f"/cases/{cast.case.pk}/"
    assert colleague.get(f"/cases/{cast.case.pk}/").status_code == 200
    grant = AccessGrant.objects.get()
    assert (grant.kind, grant.status) == ("break_glass", "granted")
    assert dt.timedelta(hours=23, minutes=59) < grant.ends_at - grant.decided_at <= dt.timedelta(hours=24)
    told = Notification.objects.get(user=cast.manager, kind="access_break_glass")
    assert cast.case.number in told.display_text and cast.case.child.name not in told.display_text
    access_expiry_sweep(now=timezone.now() + dt.timedelta(hours=24, minutes=1))
    assert colleague.get(f"/cases/{cast.case.pk}/").status_code == 404


def test_only_a_manager_of_the_case_answers_and_a_request_is_answered_once(cast, client_for):
    _ask(client_for(cast.colleague), cast.case)
    grant = AccessGrant.objects.get()
    url = f"/cases/access/{grant.pk}/decide/"
    assert client_for(cast.worker).post(url, {"decision": "grant", "days": "7"}).status_code == 404
    assert client_for(cast.colleague).post(url, {"decision": "grant", "days": "7"}).status_code == 404
    grant.refresh_from_db()
    assert grant.status == "requested"
    assert client_for(cast.manager).post(url, {"decision": "decline", "note": ""}).status_code == 302
    grant.refresh_from_db()
    assert grant.status == "requested"  # a decline needs its reason
    assert client_for(cast.manager).post(url, {"decision": "decline", "note": "请先联系负责社工"}).status_code == 302
    grant.refresh_from_db()
    assert grant.status == "declined"
    assert client_for(cast.manager).post(url, {"decision": "grant", "days": "7"}).status_code == 404
    assert client_for(cast.colleague).get(f"/cases/{cast.case.pk}/").status_code == 404


def test_referrers_and_volunteers_cannot_ask(cast, client_for):
    for user in (cast.referrer, cast.volunteer, cast.pledger):
        assert client_for(user).get("/cases/access/").status_code == 403
