from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from alliance.models import VolunteerLog
from core.models import AuditEntry
from notifications.models import Notification
from resources.models import Pledge, PledgeRequest
from resources.services import request_create
from tests.factories import PledgeFactory, make_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


# ``pledge`` and ``asked`` are the shared fixtures of tests/conftest.py.


def test_matching_promises_are_ranked_nearest_first(cast, pledge, client_for):
    from tests.factories import LocationFactory, MemberFactory

    far = PledgeFactory(
        member=MemberFactory(location=LocationFactory(name="远村")), kind="goods", valid_from=TODAY.replace(day=1)
    )
    PledgeFactory(member=cast.pledger.member, kind="service", valid_from=TODAY.replace(day=1))
    PledgeFactory(
        member=cast.pledger.member,
        kind="goods",
        valid_from=TODAY - dt.timedelta(days=100),
        valid_until=TODAY - dt.timedelta(days=1),
    )  # expired
    cast.case.child.location = cast.village
    cast.case.child.save()
    response = client_for(cast.worker).get(f"/promises/case/{cast.case.pk}/", {"kind": "goods", "what": "书包"})
    assert [p.pk for p in response.context["matches"]] == [pledge.pk, far.pk]


def test_capacity_used_up_is_not_offered(cast, pledge):
    from resources.services import pledges_matching_need

    Pledge.objects.filter(pk=pledge.pk).update(capacity=1)
    assert list(pledges_matching_need(case=cast.case, kind="goods")) == [pledge]
    request_create(actor=cast.worker, case=cast.case, pledge=pledge, need="x", what="书包")
    assert list(pledges_matching_need(case=cast.case, kind="goods")) == []


def test_request_tells_the_member_only_the_anonymised_need(cast, asked):
    child = cast.case.child
    assert child.name not in asked.public_text and cast.case.number not in asked.public_text
    assert "七里村" in asked.public_text or child.location.name in asked.public_text
    note = Notification.objects.get(user=cast.pledger, kind="pledge_request")
    assert child.name not in note.text and note.object_type == "pledge-request"


def test_the_childs_name_may_not_be_sent_to_a_member(cast, pledge):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        request_create(
            actor=cast.worker, case=cast.case, pledge=pledge, need="x", what=f"给{cast.case.child.name}买书包"
        )
    assert not PledgeRequest.objects.exists()


def test_pledger_sees_own_requests_and_never_the_child(cast, asked, client_for, api_for):
    name = cast.case.child.name
    page = client_for(cast.pledger).get("/promises/")
    assert page.status_code == 200 and asked.public_text in page.content.decode() and name not in page.content.decode()
    api = api_for(cast.pledger)
    rows = api.get("/api/v1/pledge-requests/").json()["results"]
    assert rows == [
        {
            "id": asked.pk,
            "case": None,
            "pledge": asked.pledge_id,
            "need": asked.public_text,
            "status": "requested",
            "requested_on": TODAY.isoformat(),
        }
    ]
    assert name not in api.get(f"/api/v1/pledge-requests/{asked.pk}/").content.decode()
    # a child's record does not exist for a pledger (404); the staff lists are closed to the role (403)
    for url, code in (
        (f"/cases/{cast.case.pk}/", 404),
        (f"/promises/case/{cast.case.pk}/", 404),
        ("/cases/", 403),
        ("/alliance/", 403),
    ):
        response = client_for(cast.pledger).get(url)
        assert response.status_code == code and name not in response.content.decode(), url
    assert api.get(f"/api/v1/cases/{cast.case.pk}/").status_code == 403
    assert api.get("/api/v1/members/").status_code == 403


def test_another_pledger_sees_nothing(cast, asked, api_for):
    from tests.factories import MemberFactory, UserFactory

    other = UserFactory(role="pledger", member=MemberFactory(is_pledger=True))
    assert api_for(other).get("/api/v1/pledge-requests/").json()["count"] == 0
    assert api_for(other).get(f"/api/v1/pledge-requests/{asked.pk}/").status_code == 404
    assert (
        api_for(other)
        .post(
            f"/api/v1/pledge-requests/{asked.pk}/fulfil/",
            {"fulfilled_on": TODAY.isoformat(), "value": "10"},
            format="json",
        )
        .status_code
        == 404
    )
    assert api_for(other).get("/api/v1/pledges/").json()["count"] == 0


def test_social_workers_see_requests_only_for_their_cases(cast, asked, api_for):
    assert api_for(cast.worker).get("/api/v1/pledge-requests/").json()["count"] == 1
    assert api_for(cast.colleague).get("/api/v1/pledge-requests/").json()["count"] == 0
    assert api_for(cast.colleague).get(f"/api/v1/pledge-requests/{asked.pk}/").status_code == 404
    assert api_for(cast.manager).get("/api/v1/pledge-requests/").json()["count"] == 1
    for user in (cast.volunteer, cast.funder, cast.referrer):
        assert api_for(user).get("/api/v1/pledge-requests/").status_code == 403


def test_member_accepts_and_fulfils_with_a_value(cast, asked, client_for):
    client = client_for(cast.pledger)
    client.post(f"/promises/requests/{asked.pk}/accept/")
    asked.refresh_from_db()
    assert asked.status == "accepted"
    client.post(f"/promises/requests/{asked.pk}/fulfil/", {"value": "158.50", "fulfilled_on": TODAY.isoformat()})
    asked.refresh_from_db()
    assert (asked.status, asked.value, asked.fulfilled_on) == ("fulfilled", Decimal("158.50"), TODAY)
    timeline = client_for(cast.worker).get(f"/cases/{cast.case.pk}/").content.decode()
    assert "158.50" in timeline
    assert AuditEntry.objects.filter(object_type="pledgerequest", detail__fulfilled="158.50").exists()


@pytest.mark.parametrize("value", ["0", "-5", "1e309", "NaN", "Infinity", "abc", "", "10.005", "99999999999"])
def test_bad_values_are_refused_and_nothing_changes(cast, asked, api_for, value):
    response = api_for(cast.worker).post(
        f"/api/v1/pledge-requests/{asked.pk}/fulfil/",
        {"fulfilled_on": TODAY.isoformat(), "value": value},
        format="json",
    )
    assert response.status_code == 400
    assert "value" in response.json()
    asked.refresh_from_db()
    assert asked.status == "requested" and asked.value is None


def test_fulfil_through_the_api_and_totals_exact_to_the_fen(cast, pledge, api_for):
    values = ["0.10", "0.20", "1234.56"]
    for value in values:
        r = request_create(actor=cast.worker, case=cast.case, pledge=pledge, need="x", what="书包")
        response = api_for(cast.pledger).post(
            f"/api/v1/pledge-requests/{r.pk}/fulfil/",
            {"fulfilled_on": TODAY.isoformat(), "value": value, "note": "送到了"},
            format="json",
        )
        assert response.status_code == 200 and response.json()["status"] == "fulfilled"
    total = PledgeRequest.objects.aggregate(s=Sum("value"))["s"]
    assert total == Decimal("1234.86")


def test_pledges_api(cast, api_for):
    body = {
        "member": cast.pledger.member.pk,
        "kind": "service",
        "description": "每周两小时辅导",
        "estimated_value": "80.00",
        "valid_from": TODAY.isoformat(),
    }
    created = api_for(cast.manager).post("/api/v1/pledges/", body, format="json")
    assert created.status_code == 201 and created.json()["estimated_value"] == "80.00"
    # a pledger updates their own promise, not someone else's
    pledge_id = created.json()["id"]
    updated = api_for(cast.pledger).patch(
        f"/api/v1/pledges/{pledge_id}/", {"description": "每周三小时辅导", "estimated_value": "95.50"}, format="json"
    )
    assert updated.status_code == 200
    assert (updated.json()["description"], updated.json()["estimated_value"]) == ("每周三小时辅导", "95.50")
    mine = Pledge.objects.get(pk=pledge_id)  # re-read: the change is stored, not only answered
    assert (mine.description, mine.estimated_value, mine.kind) == ("每周三小时辅导", Decimal("95.50"), "service")
    other = PledgeFactory()
    before = Pledge.objects.filter(pk=other.pk).values().get()
    assert (
        api_for(cast.pledger).patch(f"/api/v1/pledges/{other.pk}/", {"description": "x"}, format="json").status_code
        == 404
    )
    assert Pledge.objects.filter(pk=other.pk).values().get() == before
    for bad in ({"estimated_value": "-1"}, {"kind": "love"}, {"valid_until": "2000-01-01"}):
        assert api_for(cast.manager).post("/api/v1/pledges/", {**body, **bad}, format="json").status_code == 400
    bad_patch = api_for(cast.pledger).patch(f"/api/v1/pledges/{pledge_id}/", {"estimated_value": "-1"}, format="json")
    assert bad_patch.status_code == 400
    assert Pledge.objects.count() == 2 and Pledge.objects.get(pk=pledge_id).estimated_value == Decimal("95.50")


def test_members_api_and_phone_validation(cast, api_for):
    body = {
        "name": "李老师",
        "kind": "individual",
        "sector": "school",
        "location": cast.village.pk,
        "is_referrer": True,
        "is_pledger": False,
        "is_volunteer": False,
        "phone": "13912345678",
        "joined_on": TODAY.isoformat(),
    }
    assert api_for(cast.worker).post("/api/v1/members/", body, format="json").status_code == 201
    bad = api_for(cast.worker).post("/api/v1/members/", {**body, "phone": "12345"}, format="json")
    assert bad.status_code == 400 and "phone" in bad.json()
    assert api_for(cast.worker).get("/api/v1/members/", {"sector": "school"}).json()["count"] == 1
    for user in (cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        assert api_for(user).get("/api/v1/members/").status_code == 403


def test_volunteer_sees_only_assigned_visits_and_logs_them(cast, client_for, api_for):
    from alliance.services import volunteer_assign

    other_case = make_case(lead_worker=cast.worker)
    volunteer_assign(actor=cast.worker, case=cast.case, member=cast.volunteer.member, brief="周二陪孩子写作业")
    page = client_for(cast.volunteer).get("/alliance/visits/").content.decode()
    assert "周二陪孩子写作业" in page and cast.case.child.name not in page and other_case.child.name not in page
    api = api_for(cast.volunteer)
    ok = api.post(
        "/api/v1/volunteer-logs/",
        {"case": cast.case.pk, "date": TODAY.isoformat(), "minutes": 90, "note": "作业完成"},
        format="json",
    )
    assert ok.status_code == 201
    refused = api.post(
        "/api/v1/volunteer-logs/", {"case": other_case.pk, "date": TODAY.isoformat(), "minutes": 30}, format="json"
    )
    assert refused.status_code == 400
    assert VolunteerLog.objects.get().member == cast.volunteer.member
    assert [r["id"] for r in api.get("/api/v1/volunteer-logs/").json()["results"]] == [ok.json()["id"]]
    assert client_for(cast.volunteer).get(f"/cases/{cast.case.pk}/").status_code == 404


def test_worried_button_notifies_the_lead_worker_at_once(cast, client_for):
    from alliance.services import volunteer_assign

    volunteer_assign(actor=cast.worker, case=cast.case, member=cast.volunteer.member, brief="每周探访")
    client_for(cast.volunteer).post(f"/alliance/visits/{cast.case.pk}/worried/", {"message": "孩子身上有伤"})
    note = Notification.objects.get(user=cast.worker, kind="volunteer_concern")
    assert "孩子身上有伤" in note.text
    other = make_case(lead_worker=cast.colleague)
    assert client_for(cast.volunteer).post(f"/alliance/visits/{other.pk}/worried/").status_code == 404
    assert Notification.objects.filter(kind="volunteer_concern").count() == 1


def test_directors_without_this_months_meeting(cast, client_for):
    from alliance.services import event_create

    event_create(
        actor=cast.worker, kind="director_meeting", date=TODAY, title="月度会面", members=[cast.referrer.member]
    )
    missing = [m.name for m in client_for(cast.worker).get("/alliance/events/").context["missing"]]
    assert "李主任" in missing and "王主任" not in missing


def test_joint_conference_records_what_each_department_agreed(cast, client_for):
    from alliance.models import ConferenceAgreement
    from alliance.services import event_create

    conference = event_create(
        actor=cast.manager, kind="joint_conference", date=TODAY, title="个案联席会议", case=cast.case
    )
    training = event_create(actor=cast.manager, kind="training", date=TODAY, title="培训")
    client = client_for(cast.worker)
    client.post(
        f"/alliance/events/{conference.pk}/agreements/",
        {
            "department": "民政",
            "agreed_action": "启动事实无人抚养认定",
            "follow_up_on": (TODAY + dt.timedelta(days=14)).isoformat(),
        },
    )
    client.post(f"/alliance/events/{training.pk}/agreements/", {"department": "教育"})
    assert list(ConferenceAgreement.objects.values_list("event_id", "department")) == [(conference.pk, "民政")]
    assert "启动事实无人抚养认定" in client.get("/alliance/events/").content.decode()
    # a conference on a case the colleague may not see is not theirs to see or add to
    assert (
        client_for(cast.colleague)
        .post(f"/alliance/events/{conference.pk}/agreements/", {"department": "公安"})
        .status_code
        == 404
    )
    assert (
        client_for(cast.pledger)
        .post(f"/alliance/events/{conference.pk}/agreements/", {"department": "公安"})
        .status_code
        == 403
    )


def test_need_urgency_and_value_are_recorded_and_validated(cast, pledge, client_for):
    client = client_for(cast.worker)
    client.post(
        f"/promises/case/{cast.case.pk}/request/",
        {"pledge": pledge.pk, "what": "书包", "need": "书包", "urgency": "immediate", "estimated_value": "120.50"},
    )
    request = PledgeRequest.objects.get()
    assert (request.need_urgency, str(request.need_estimated_value)) == ("immediate", "120.50")
    client.post(f"/promises/case/{cast.case.pk}/request/", {"pledge": pledge.pk, "what": "书包", "urgency": "whenever"})
    client.post(
        f"/promises/case/{cast.case.pk}/request/", {"pledge": pledge.pk, "what": "书包", "estimated_value": "-3"}
    )
    assert PledgeRequest.objects.count() == 1
