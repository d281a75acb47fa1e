"""The weekly parent–child call: targets, the "missed this week" list, conflicts become care-plan actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import CarePlanAction, CaseFlag
from core.models import AuditEntry
from programmes import parent_calls
from programmes.models import ParentCall
from tests.factories import ChildFactory, make_case

pytestmark = pytest.mark.django_db

FIELDS = {"id", "case", "date", "kind", "duration_minutes", "held", "note"}


@pytest.fixture
def week(cast):
    """A seeded week (last week, Monday to Sunday) with four left-behind children and one target of 2."""
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    cast.case.child.left_behind = True
    cast.case.child.save()
    kids = [cast.case] + [make_case(lead_worker=cast.worker, child=ChildFactory(left_behind=True)) for _ in range(3)]
    not_left_behind = make_case(lead_worker=cast.worker)
    parent_calls.call_target_set(actor=cast.worker, case=kids[3], per_week=2)
    record = parent_calls.parent_call_record
    record(actor=cast.worker, case=kids[0], date=monday + dt.timedelta(days=2), kind="video", duration_minutes=20)
    record(actor=cast.worker, case=kids[1], date=monday + dt.timedelta(days=3), kind="voice", held=False)
    record(actor=cast.worker, case=kids[3], date=monday, kind="video", duration_minutes=15)
    record(actor=cast.worker, case=kids[2], date=monday - dt.timedelta(days=1), kind="voice", duration_minutes=10)
    return {"monday": monday, "kids": kids, "other": not_left_behind}


def test_missed_list_for_the_seeded_week(cast, week):
    from cases.permissions import cases_visible_to

    kids = week["kids"]
    rows = parent_calls.weekly_calls(cases_visible_to(cast.worker), week_start=week["monday"])
    assert {(r.case.pk, r.held, r.target) for r in rows} == {
        (kids[0].pk, 1, 1),
        (kids[1].pk, 0, 1),  # arranged but not held
        (kids[2].pk, 0, 1),  # their call was the Sunday before
        (kids[3].pk, 1, 2),  # a target of two
    }
    missed = parent_calls.missed_this_week(cases_visible_to(cast.worker), week_start=week["monday"])
    assert sorted((r.case.pk, r.missed) for r in missed) == sorted([(kids[1].pk, 1), (kids[2].pk, 1), (kids[3].pk, 1)])


def test_the_calls_page_lists_the_missed(cast, client_for, week):
    page = client_for(cast.worker).get(f"/programmes/calls/?week={week['monday'] + dt.timedelta(days=4)}")
    assert page.status_code == 200
    assert [r.case.pk for r in page.context["missed"]] == [
        r.case.pk for r in page.context["rows"] if r.case.pk != week["kids"][0].pk
    ]
    assert AuditEntry.objects.filter(object_type="parentcall-week", user_id=cast.worker.pk).exists()
    # a colleague who sees none of these cases sees an empty list
    assert client_for(cast.colleague).get("/programmes/calls/").context["rows"] == []
    assert client_for(cast.referrer).get("/programmes/calls/").status_code == 403


def test_a_conflict_noted_on_a_call_becomes_a_care_plan_action(cast, api_for):
    from cases.services.casework import careplan_save

    plan = careplan_save(actor=cast.worker, case=cast.case, goals="稳定照料", review_on=timezone.localdate())
    body = {
        "case": cast.case.pk,
        "date": str(timezone.localdate()),
        "kind": "video",
        "duration_minutes": 25,
        "held": True,
        "note": "妈妈在东莞",
        "conflict_note": "爸爸和奶奶为学费争吵",
    }
    response = api_for(cast.worker).post("/api/v1/parent-calls/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert FIELDS <= set(data) and data["held"] is True and data["kind"] == "video"
    action = CarePlanAction.objects.get(plan=plan)
    assert "爸爸和奶奶为学费争吵" in action.description and action.actor_kind == "social_worker"
    assert action.due_on == timezone.localdate() + dt.timedelta(days=7)
    assert ParentCall.objects.get().follow_up_action == action and data["follow_up_action"] == action.pk


def test_a_conflict_on_a_case_without_a_plan_raises_a_flag(cast):
    parent_calls.parent_call_record(
        actor=cast.worker,
        case=cast.case,
        date=timezone.localdate(),
        duration_minutes=10,
        conflict_note="孩子不愿意和爸爸说话",
    )
    assert "孩子不愿意和爸爸说话" in CaseFlag.objects.get(case=cast.case).message


def test_parent_calls_follow_the_case_access_policy(cast, api_for):
    call = parent_calls.parent_call_record(
        actor=cast.worker, case=cast.case, date=timezone.localdate(), duration_minutes=10
    )
    assert api_for(cast.colleague).get(f"/api/v1/parent-calls/{call.pk}/").status_code == 404
    assert api_for(cast.colleague).get("/api/v1/parent-calls/").json()["count"] == 0
    assert api_for(cast.worker).get(f"/api/v1/parent-calls/{call.pk}/").status_code == 200
    assert api_for(cast.pledger).get("/api/v1/parent-calls/").status_code == 403
    body = {"case": cast.case.pk, "date": str(timezone.localdate()), "kind": "voice", "duration_minutes": 5}
    refused = api_for(cast.colleague).post("/api/v1/parent-calls/", body, format="json")
    assert refused.status_code == 400 and "case" in refused.json()
    assert api_for(cast.worker).delete(f"/api/v1/parent-calls/{call.pk}/").status_code == 405
    assert ParentCall.objects.count() == 1


def test_bad_calls_are_refused_with_a_message(cast, api_for):
    client = api_for(cast.worker)
    future = {"case": cast.case.pk, "date": str(timezone.localdate() + dt.timedelta(days=2)), "kind": "video"}
    assert "date" in client.post("/api/v1/parent-calls/", {**future, "duration_minutes": 5}, format="json").json()
    zero = {"case": cast.case.pk, "date": str(timezone.localdate()), "kind": "video", "duration_minutes": 0}
    assert "duration_minutes" in client.post("/api/v1/parent-calls/", zero, format="json").json()
    assert client.post("/api/v1/parent-calls/", {**zero, "kind": "fax"}, format="json").status_code == 400
    assert ParentCall.objects.count() == 0
