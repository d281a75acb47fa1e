"""Closed-loop outgoing referrals: NGO A refers its case to a service of NGO B (on Shouhu): it enters
B's triage queue with only what consent allows, B answers, and the answers show on A's case. A
referral to an agency outside Shouhu is answered by A's worker, and followed up when unanswered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import Notification
from organisations.models import Organisation
from organisations.services import service_save
from referrals.models import OutgoingReferral, Referral
from referrals.reminders import outgoing_unanswered
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(city):
    counselling = service_save(
        actor=city.admin,
        organisation=city.b.organisation,
        kind="psychological_support",
        name="乙中心心理辅导",
        areas=[city.village.parent],
    )
    law_firm = Organisation.objects.create(name="明理律师事务所", kind="law_firm")
    legal = service_save(
        actor=city.admin, organisation=law_firm, kind="legal_aid", name="免费法律援助", areas=[city.village.parent]
    )
    return {"counselling": counselling, "legal": legal}


def _refer(city, service, **extra):
    body = {
        "directory_service": service.pk,
        "consent_basis": "guardian",
        "consent_on": timezone.localdate().isoformat(),
        "note": "孩子需要心理辅导，请联系奶奶。",
        "share_identity": "on",
        **extra,
    }
    return login(city.a.worker).post(f"/referrals/case/{city.a.case.pk}/", body)


def test_a_referral_to_an_ngo_on_shouhu_enters_its_queue_and_its_answers_come_back(city, directory):
    # given A refers its case to B's counselling
    assert _refer(city, directory["counselling"]).status_code == 302
    outgoing = OutgoingReferral.objects.get()
    incoming = outgoing.incoming
    assert (outgoing.status, outgoing.receiving_organisation_id) == ("sent", city.b.organisation.pk)
    assert (incoming.organisation_id, incoming.channel, incoming.child_name) == (
        city.b.organisation.pk,
        "agency",
        city.a.child_name,
    )
    assert city.a.secret not in incoming.concerns  # the note, never A's file
    # B's manager is told; B's worker sees it in the queue; A's worker does not see B's copy
    assert Notification.objects.filter(user=city.b.manager, kind="referral_from_agency").count() == 1
    assert city.a.child_name in login(city.b.worker).get("/referrals/queue/").content.decode()
    assert login(city.a.worker).get(f"/referrals/{incoming.pk}/").status_code == 404
    # when B accepts, a case opens in B and A's case shows "accepted"
    response = login(city.b.manager).post(f"/referrals/{incoming.pk}/accept/", {"lead_worker": city.b.worker.pk})
    assert response.status_code == 302
    incoming.refresh_from_db()
    assert incoming.case.organisation_id == city.b.organisation.pk
    outgoing.refresh_from_db()
    assert outgoing.status == "accepted"
    assert Notification.objects.filter(user=city.a.worker, kind="outgoing_answered").count() == 1
    # B starts the service, then completes it with an outcome
    b = login(city.b.worker)
    assert b.post(f"/referrals/{incoming.pk}/loop/", {"status": "in_progress"}).status_code == 302
    assert b.post(f"/referrals/{incoming.pk}/loop/", {"status": "done", "note": ""}).status_code == 302
    outgoing.refresh_from_db()
    assert outgoing.status == "in_progress"  # an outcome is required: nothing changed
    assert (
        b.post(f"/referrals/{incoming.pk}/loop/", {"status": "done", "note": "完成8次辅导，情绪稳定"}).status_code
        == 302
    )
    outgoing.refresh_from_db()
    assert (outgoing.status, outgoing.outcome) == ("done", "完成8次辅导，情绪稳定")
    assert list(outgoing.answers.values_list("status", "by_receiver")) == [
        ("accepted", True),
        ("in_progress", True),
        ("done", True),
    ]
    # A's case page shows the loop's state and the outcome
    panel = login(city.a.worker).get(f"/referrals/case/{city.a.case.pk}/").content.decode()
    assert "完成8次辅导，情绪稳定" in panel and 'data-status="done"' in panel
    # A cannot answer for B
    response = login(city.a.worker).post(f"/referrals/outgoing/{outgoing.pk}/answer/", {"status": "done", "note": "x"})
    assert response.status_code == 302
    assert OutgoingReferral.objects.get(pk=outgoing.pk).answers.count() == 3


def test_a_decline_by_the_receiver_comes_back_with_its_reason(city, directory):
    _refer(city, directory["counselling"])
    outgoing = OutgoingReferral.objects.get()
    response = login(city.b.manager).post(f"/referrals/{outgoing.incoming_id}/decline/", {"text": "本月名额已满"})
    assert response.status_code == 302
    outgoing.refresh_from_db()
    assert outgoing.status == "declined"
    assert outgoing.answers.get().note == "本月名额已满"


def test_without_consent_to_share_the_name_the_receiver_does_not_get_it(city, directory):
    _refer(city, directory["counselling"], share_identity="")
    incoming = OutgoingReferral.objects.get().incoming
    assert city.a.child_name not in incoming.child_name
    assert incoming.child_birth_date is None
    assert city.a.child_name not in login(city.b.manager).get(f"/referrals/{incoming.pk}/").content.decode()


def test_an_agency_outside_shouhu_is_answered_by_the_worker_and_followed_up(city, directory):
    _refer(city, directory["legal"])
    outgoing = OutgoingReferral.objects.get()
    assert outgoing.incoming is None
    assert Referral.objects.filter(channel="agency").count() == 0
    assert outgoing.follow_up_on == timezone.localdate() + dt.timedelta(days=14)
    # no answer by the follow-up date: the worker is reminded, once
    day = outgoing.follow_up_on
    assert outgoing_unanswered(today=day - dt.timedelta(days=1)) == 0
    assert outgoing_unanswered(today=day) == 1
    outgoing_unanswered(today=day)
    reminders = Notification.objects.filter(kind="outgoing_unanswered", user=city.a.worker)
    assert reminders.count() == 1
    # the worker records the law firm's answers
    web = login(city.a.worker)
    url = f"/referrals/outgoing/{outgoing.pk}/answer/"
    assert web.post(url, {"status": "declined", "note": ""}).status_code == 302
    assert OutgoingReferral.objects.get(pk=outgoing.pk).status == "sent"  # a decline needs its reason
    assert web.post(url, {"status": "accepted", "note": "律师已联系家属"}).status_code == 302
    outgoing.refresh_from_db()
    assert outgoing.status == "accepted"
    assert list(outgoing.answers.values_list("status", "by_receiver")) == [("accepted", False)]
    assert outgoing_unanswered(today=day) == 0
    # B's or another NGO's staff may not touch A's loop
    assert login(city.b.manager).post(url, {"status": "done", "note": "x"}).status_code == 404
    assert OutgoingReferral.objects.get(pk=outgoing.pk).status == "accepted"


def test_referring_needs_the_childs_village_and_consent(city, directory):
    response = _refer(city, directory["counselling"], consent_on="")
    assert response.status_code == 302
    assert OutgoingReferral.objects.count() == 0 and Referral.objects.filter(channel="agency").count() == 0
    # own organisation's service is refused
    own = service_save(actor=city.admin, organisation=city.a.organisation, kind="shelter", name="甲庇护")
    _refer(city, own)
    assert OutgoingReferral.objects.count() == 0
