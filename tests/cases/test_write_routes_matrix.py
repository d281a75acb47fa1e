"""Every write route of a case file, POSTed by everyone who may not see the case: 404 (the case does not
exist for them), and the database is re-read to prove nothing changed. Then the same routes work for
the lead worker (the pages that had no test: close, household, care-plan actions)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Activity, Case, HouseholdMember
from tests.factories import PledgeFactory, ReferralFactory

pytestmark = pytest.mark.django_db

OUTSIDERS = ("colleague", "referrer", "pledger", "volunteer", "funder")


def _plan_with_action(cast):
    from cases.services import careplan_action_add, careplan_save

    plan = careplan_save(actor=cast.worker, case=cast.case, goals="目标", review_on=timezone.localdate())
    return careplan_action_add(
        actor=cast.worker, plan=plan, description="联系学校", actor_kind="social_worker", due_on=timezone.localdate()
    )


def _routes(cast, action, pledge):
    pk, today = cast.case.pk, timezone.localdate().isoformat()
    return [
        (f"/cases/{pk}/flags/", {"message": "外人的标记"}),
        (f"/cases/{pk}/visit/", {"kind": "home_visit", "date": today, "summary": "外人的家访"}),
        (f"/cases/{pk}/edit/", {"case-risk_level": "low", "case-version": cast.case.version}),
        (f"/cases/{pk}/household/", {"name": "外人", "relation": "uncle", "status": "present"}),
        (f"/cases/{pk}/plan/", {"goals": "外人的目标", "review_on": today}),
        (f"/cases/{pk}/plan/actions/", {"description": "外人的行动", "actor_kind": "other", "due_on": today}),
        (f"/cases/{pk}/plan/actions/{action.pk}/", {"status": "done"}),
        (f"/cases/{pk}/closure/", {"closed_on": today, "closure_reason": "外人要结案"}),
        (f"/cases/{pk}/close/", {"closed_on": today, "closure_reason": "外人结案"}),
        (f"/cases/{pk}/assign/", {"lead_worker": cast.colleague.pk}),
        (f"/cases/{pk}/documents/", {"title": "外人的文件", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")}),
        (f"/promises/case/{pk}/request/", {"pledge": pledge.pk, "need": "外人的请求"}),
    ]


def _snapshot(cast) -> dict:
    from cases.models import CarePlan, CarePlanAction, ClosureRequest
    from resources.models import PledgeRequest

    case = Case.objects.get(pk=cast.case.pk)
    return {
        "case": (case.version, case.status, case.risk_level, case.lead_worker_id, case.closed_on),
        "flags": list(case.flags.values_list("message", flat=True)),
        "activities": Activity.objects.filter(case=case).count(),
        "household": HouseholdMember.objects.filter(child=case.child).count(),
        "plans": list(CarePlan.objects.filter(case=case).values_list("goals", "is_current")),
        "actions": list(CarePlanAction.objects.filter(plan__case=case).values_list("description", "status")),
        "closures": ClosureRequest.objects.filter(case=case).count(),
        "documents": case.documents.count() if hasattr(case, "documents") else None,
        "pledge_requests": PledgeRequest.objects.filter(case=case).count(),
    }


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_writes_on_a_case_are_404_and_change_nothing(cast, client_for, role):
    action = _plan_with_action(cast)
    pledge = PledgeFactory(member=cast.pledger.member)
    before = _snapshot(cast)
    client = client_for(cast.by_role()[role])
    answers = {url: client.post(url, body).status_code for url, body in _routes(cast, action, pledge)}
    assert answers == dict.fromkeys(answers, 404), answers
    assert _snapshot(cast) == before


@pytest.mark.parametrize("role", ("referrer", "pledger", "volunteer", "funder"))
def test_outsiders_cannot_triage_a_referral_on_the_web(cast, client_for, role):
    from referrals.models import Referral

    referral = ReferralFactory(location=cast.village, referrer_member=cast.other_referrer.member)
    before = Referral.objects.filter(pk=referral.pk).values().get()
    client = client_for(cast.by_role()[role])
    answers = {
        action: client.post(f"/referrals/{referral.pk}/{action}/", {"reason": "外人"}).status_code
        for action in ("accept", "decline", "answer")
    }
    assert answers == dict.fromkeys(answers, 404), answers  # a referral they may not see does not exist
    assert Referral.objects.filter(pk=referral.pk).values().get() == before
