from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import Notification
from referrals.models import Referral
from registry.models import Escalation, RegisterUpdate
from registry.services import add_quarter
from tests import contract
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

UPDATES = "/api/v1/registry-updates/"


def submit(register, user=None, **extra):
    body = {
        "child": register.file.pk,
        "date": str(timezone.localdate()),
        "summary": "祖母身体好转",
        "risk_raised": False,
    }
    body.update(extra)
    return api_as(user or register.director).post(UPDATES, body, format="json")


def test_director_submits_and_the_supervisor_is_told(cast, register):
    response = submit(register)
    assert response.status_code == 201, response.json()
    # api-v1.md, "The monitoring register": registry-updates/
    assert list(response.json()) == contract.fields(
        "id, child, date, summary, risk_raised, status, submitted_by, reviewed_by, reviewed_on, review_note"
    )
    update = RegisterUpdate.objects.get(pk=response.json()["id"])
    assert update.status == "submitted" and update.submitted_by == register.director
    assert Notification.objects.filter(user=register.supervisor, kind="registry_update_submitted").count() == 1
    assert not Notification.objects.filter(user=register.other_supervisor).exists()


def test_update_idempotency_key(cast, register):
    first = api_as(register.director).post(
        UPDATES,
        {"child": register.file.pk, "date": str(timezone.localdate()), "summary": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="u-1",
    )
    second = api_as(register.director).post(
        UPDATES,
        {"child": register.file.pk, "date": str(timezone.localdate()), "summary": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="u-1",
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert RegisterUpdate.objects.count() == 1


def test_update_of_a_file_not_visible_is_refused(cast, register):
    response = submit(register, child=register.far_file.pk)
    assert response.status_code == 400 and "child" in response.json()
    response = submit(register, user=register.supervisor)
    assert response.status_code == 403
    assert RegisterUpdate.objects.count() == 0


def test_bad_update_changes_nothing(cast, register):
    future = str(timezone.localdate() + dt.timedelta(days=2))
    response = submit(register, date=future)
    assert response.status_code == 400 and "date" in response.json()
    response = submit(register, summary="")
    assert response.status_code == 400 and "summary" in response.json()
    assert RegisterUpdate.objects.count() == 0


def test_supervisor_approves_and_the_next_update_is_due_a_quarter_on(cast, register):
    update_id = submit(register).json()["id"]
    due_before = register.file.next_update_due
    response = api_as(register.supervisor).post(f"{UPDATES}{update_id}/approve/", {"note": "好"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    register.file.refresh_from_db()
    assert register.file.last_update_on == timezone.localdate()
    assert register.file.next_update_due == add_quarter(due_before)
    # approving twice is refused
    again = api_as(register.supervisor).post(f"{UPDATES}{update_id}/approve/", {}, format="json")
    assert again.status_code == 400
    register.file.refresh_from_db()
    assert register.file.next_update_due == add_quarter(due_before)


def test_only_the_towns_supervisor_reviews(cast, register):
    update_id = submit(register).json()["id"]
    assert api_as(register.other_supervisor).post(f"{UPDATES}{update_id}/approve/").status_code == 404
    assert api_as(register.director).post(f"{UPDATES}{update_id}/approve/").status_code == 403
    assert api_as(cast.referrer).post(f"{UPDATES}{update_id}/approve/").status_code == 404
    assert RegisterUpdate.objects.get(pk=update_id).status == "submitted"


def test_return_needs_a_note_and_tells_the_director(cast, register):
    update_id = submit(register).json()["id"]
    response = api_as(register.supervisor).post(f"{UPDATES}{update_id}/return/", {"note": ""}, format="json")
    assert response.status_code == 400
    assert RegisterUpdate.objects.get(pk=update_id).status == "submitted"
    response = api_as(register.supervisor).post(
        f"{UPDATES}{update_id}/return/", {"note": "请写清楚监护人情况"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "returned"
    register.file.refresh_from_db()
    assert register.file.last_update_on is None
    assert Notification.objects.filter(user=register.director, kind="registry_update_returned").exists()


def test_approval_with_risk_raised_escalates(cast, register):
    update_id = submit(register, risk_raised=True, summary="孩子说晚上常一个人在家").json()["id"]
    assert not Referral.objects.exists()
    api_as(register.supervisor).post(f"{UPDATES}{update_id}/approve/", {}, format="json")
    referral = Referral.objects.get()
    assert referral.channel == "children_director" and referral.status == "new"
    assert Escalation.objects.get().file == register.file


def test_escalate_creates_a_referral_in_triage(cast, register):
    response = api_as(register.director).post(
        f"/api/v1/registry/{register.file.pk}/escalate/",
        {"concerns": "祖母住院，孩子无人照顾", "urgency": "soon", "indicators": ["no_adult_at_night"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    referral = Referral.objects.get(pk=response.json()["referral"])
    assert list(response.json()) == ["referral"]
    assert referral.channel == "children_director" and referral.referrer_member is None
    assert referral.child_name == register.file.name and referral.location == register.village
    queue = api_as(cast.worker).get("/api/v1/referrals/?status=new").json()["results"]
    assert referral.pk in [r["id"] for r in queue]


def test_escalate_refused_for_outsiders_and_bad_input(cast, register):
    url = f"/api/v1/registry/{register.file.pk}/escalate/"
    assert api_as(register.other_director).post(url, {"concerns": "x"}, format="json").status_code == 404
    assert api_as(cast.referrer).post(url, {"concerns": "x"}, format="json").status_code == 404
    assert api_as(register.director).post(url, {"concerns": ""}, format="json").status_code == 400
    assert api_as(register.director).post(url, {"concerns": "x", "urgency": "bad"}, format="json").status_code == 400
    assert not Referral.objects.exists()


def test_accepted_escalation_links_the_case_and_the_director_hears_the_outcome(cast, register):
    referral_id = (
        api_as(register.director)
        .post(f"/api/v1/registry/{register.file.pk}/escalate/", {"concerns": "需要帮助"}, format="json")
        .json()["referral"]
    )
    response = api_as(cast.worker).post(f"/api/v1/referrals/{referral_id}/accept/", {}, format="json")
    assert response.status_code == 200
    case_id = response.json()["case"]
    register.file.refresh_from_db()
    assert register.file.case_id == case_id
    note = Notification.objects.get(user=register.director, kind="referral_status")
    assert "已受理" in note.text or "Accepted" in note.text
    assert str(case_id) not in note.text
    # the social worker now sees the file through the case; the director still not the case
    assert api_as(cast.worker).get(f"/api/v1/registry/{register.file.pk}/").status_code == 200
    assert api_as(register.director).get(f"/api/v1/registry/{register.file.pk}/").json()["case"] is None
    assert api_as(register.director).get(f"/api/v1/cases/{case_id}/").status_code in (403, 404)
