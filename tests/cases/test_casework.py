from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import RiskChange
from cases.models_work import Assessment, CarePlan, ClosureRequest

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _assessment(client, case, **extra):
    data = {"assessed_on": TODAY.isoformat(), "safety": "3", "safety_notes": "晚上独自在家", "health": "1", "education": "2",
            "economic": "2", "psychological": "1", "family": "3", "risk_level": "high", "summary": "监护缺失", "submit": "1"}
    data.update(extra)
    return client.post(f"/cases/{case.pk}/assessment/new/", data)


def test_approved_assessment_makes_the_case_active_at_its_risk(cast, client_for):
    assert _assessment(client_for(cast.worker), cast.case).status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.status == "submitted" and assessment.safety == 3
    approvals = client_for(cast.manager).get("/cases/approvals/")
    assert assessment in approvals.context["assessments"]
    client_for(cast.manager).post(f"/cases/{cast.case.pk}/assessment/{assessment.pk}/decide/", {"decision": "approve"})
    cast.case.refresh_from_db()
    assessment.refresh_from_db()
    assert (cast.case.status, cast.case.risk_level, assessment.status) == ("active", "high", "approved")
    assert RiskChange.objects.filter(case=cast.case, to_level="high").exists()


def test_only_managers_approve_and_colleagues_see_nothing(cast, client_for):
    _assessment(client_for(cast.worker), cast.case)
    assessment = Assessment.objects.get()
    assert client_for(cast.worker).post(f"/cases/{cast.case.pk}/assessment/{assessment.pk}/decide/",
                                        {"decision": "approve"}).status_code == 403
    assert client_for(cast.colleague).post(f"/cases/{cast.case.pk}/assessment/{assessment.pk}/decide/",
                                           {"decision": "approve"}).status_code == 404
    assert client_for(cast.colleague).get(f"/cases/{cast.case.pk}/assessment/new/").status_code == 404
    assert client_for(cast.colleague).get(f"/cases/{cast.case.pk}/work/").status_code == 404
    assert client_for(cast.worker).get("/cases/approvals/").status_code == 403
    for user in (cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        assert client_for(user).get(f"/cases/{cast.case.pk}/work/").status_code == 404
    cast.case.refresh_from_db()
    assert cast.case.status == "assessment"


@pytest.mark.parametrize("bad", [{"assessed_on": (TODAY + dt.timedelta(days=2)).isoformat()}, {"safety": "9"},
                                 {"risk_level": "apocalyptic"}, {"health": "x"}])
def test_bad_assessment_input_writes_nothing(cast, client_for, bad):
    response = _assessment(client_for(cast.worker), cast.case, **bad)
    assert response.status_code == 200 and not Assessment.objects.exists()


def test_care_plan_versions_are_kept_and_open_actions_carried_over(cast, client_for):
    client = client_for(cast.worker)
    client.post(f"/cases/{cast.case.pk}/plan/", {"goals": "保证每晚有成人照顾", "review_on": (TODAY + dt.timedelta(days=30)).isoformat()})
    client.post(f"/cases/{cast.case.pk}/plan/actions/", {"description": "联系姑姑", "actor_kind": "social_worker",
                                                         "due_on": (TODAY + dt.timedelta(days=7)).isoformat()})
    client.post(f"/cases/{cast.case.pk}/plan/", {"goals": "保证每晚有成人照顾；恢复上学", "review_on": (TODAY + dt.timedelta(days=60)).isoformat()})
    plans = list(CarePlan.objects.filter(case=cast.case).order_by("version"))
    assert [(p.version, p.is_current) for p in plans] == [(1, False), (2, True)]
    assert plans[0].goals == "保证每晚有成人照顾" and [a.description for a in plans[1].actions.all()] == ["联系姑姑"]
    past = client.post(f"/cases/{cast.case.pk}/plan/", {"goals": "x", "review_on": (TODAY - dt.timedelta(days=1)).isoformat()})
    assert past.status_code == 302 and CarePlan.objects.count() == 2


def test_closure_needs_a_managers_approval(cast, client_for):
    client_for(cast.worker).post(f"/cases/{cast.case.pk}/closure/", {"closed_on": TODAY.isoformat(), "reason": "目标达成"})
    request = ClosureRequest.objects.get()
    cast.case.refresh_from_db()
    assert cast.case.status == "assessment"
    assert client_for(cast.worker).post(f"/cases/closures/{request.pk}/decide/", {"decision": "approve"}).status_code == 403
    client_for(cast.manager).post(f"/cases/closures/{request.pk}/decide/", {"decision": "approve"})
    cast.case.refresh_from_db()
    assert (cast.case.status, cast.case.closed_on, cast.case.closure_reason) == ("closed", TODAY, "目标达成")
