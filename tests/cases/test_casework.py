from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import RiskChange
from cases.models.casework import Assessment, CarePlan, ClosureRequest

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _assessment(client, case, **extra):
    data = {
        "assessed_on": TODAY.isoformat(),
        "safety": "3",
        "safety_notes": "晚上独自在家",
        "health": "1",
        "education": "2",
        "economic": "2",
        "psychological": "1",
        "family": "3",
        "risk_level": "high",
        "summary": "监护缺失",
        "submit": "1",
    }
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
    assert (
        client_for(cast.worker)
        .post(f"/cases/{cast.case.pk}/assessment/{assessment.pk}/decide/", {"decision": "approve"})
        .status_code
        == 403
    )
    assert (
        client_for(cast.colleague)
        .post(f"/cases/{cast.case.pk}/assessment/{assessment.pk}/decide/", {"decision": "approve"})
        .status_code
        == 404
    )
    assert client_for(cast.colleague).get(f"/cases/{cast.case.pk}/assessment/new/").status_code == 404
    assert client_for(cast.colleague).get(f"/cases/{cast.case.pk}/work/").status_code == 404
    assert client_for(cast.worker).get("/cases/approvals/").status_code == 403
    for user in (cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        assert client_for(user).get(f"/cases/{cast.case.pk}/work/").status_code == 404
    cast.case.refresh_from_db()
    assert cast.case.status == "assessment"


@pytest.mark.parametrize(
    "bad",
    [
        {"assessed_on": (TODAY + dt.timedelta(days=2)).isoformat()},
        {"safety": "9"},
        {"risk_level": "apocalyptic"},
        {"health": "x"},
    ],
)
def test_bad_assessment_input_writes_nothing(cast, client_for, bad):
    response = _assessment(client_for(cast.worker), cast.case, **bad)
    assert response.status_code == 200 and not Assessment.objects.exists()


def test_care_plan_versions_are_kept_and_open_actions_carried_over(cast, client_for):
    client = client_for(cast.worker)
    client.post(
        f"/cases/{cast.case.pk}/plan/",
        {"goals": "保证每晚有成人照顾", "review_on": (TODAY + dt.timedelta(days=30)).isoformat()},
    )
    client.post(
        f"/cases/{cast.case.pk}/plan/actions/",
        {
            "description": "联系姑姑",
            "actor_kind": "social_worker",
            "due_on": (TODAY + dt.timedelta(days=7)).isoformat(),
        },
    )
    client.post(
        f"/cases/{cast.case.pk}/plan/",
        {"goals": "保证每晚有成人照顾；恢复上学", "review_on": (TODAY + dt.timedelta(days=60)).isoformat()},
    )
    plans = list(CarePlan.objects.filter(case=cast.case).order_by("version"))
    assert [(p.version, p.is_current) for p in plans] == [(1, False), (2, True)]
    assert plans[0].goals == "保证每晚有成人照顾" and [a.description for a in plans[1].actions.all()] == ["联系姑姑"]
    past = client.post(
        f"/cases/{cast.case.pk}/plan/", {"goals": "x", "review_on": (TODAY - dt.timedelta(days=1)).isoformat()}
    )
    assert past.status_code == 302 and CarePlan.objects.count() == 2


def test_closure_needs_a_managers_approval(cast, client_for):
    client_for(cast.worker).post(
        f"/cases/{cast.case.pk}/closure/", {"closed_on": TODAY.isoformat(), "reason": "目标达成", "closure_code": "x"}
    )
    assert not ClosureRequest.objects.exists()  # not a code of the list
    client_for(cast.worker).post(
        f"/cases/{cast.case.pk}/closure/",
        {"closed_on": TODAY.isoformat(), "reason": "目标达成", "closure_code": "moved_away"},
    )
    request = ClosureRequest.objects.get()
    cast.case.refresh_from_db()
    assert cast.case.status == "assessment"
    assert (
        client_for(cast.worker).post(f"/cases/closures/{request.pk}/decide/", {"decision": "approve"}).status_code
        == 403
    )
    client_for(cast.manager).post(f"/cases/closures/{request.pk}/decide/", {"decision": "approve"})
    cast.case.refresh_from_db()
    assert (cast.case.status, cast.case.closed_on, cast.case.closure_reason) == ("closed", TODAY, "目标达成")
    assert cast.case.closure_code == "moved_away"  # the worker's choice, carried by the approval


def test_documents_are_checked_private_and_audited(cast, client_for, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.models.casework import CaseDocument
    from core.models import AuditEntry

    client = client_for(cast.worker)
    pdf = SimpleUploadedFile("同意书.pdf", b"%PDF-1.4 test consent", content_type="application/pdf")
    assert client.post(f"/cases/{cast.case.pk}/documents/", {"kind": "consent", "file": pdf}).status_code == 302
    document = CaseDocument.objects.get()
    assert document.original_name == "同意书.pdf"
    with pytest.raises(ValueError, match="no public URL"):  # private storage: no URL at all (core/storage.py)
        document.file.url  # noqa: B018
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    client.post(f"/cases/{cast.case.pk}/documents/", {"kind": "consent", "file": fake})
    settings.SHOUHU = {**settings.SHOUHU, "MAX_ATTACHMENT_BYTES": 10}
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"x" * 100, content_type="application/pdf")
    client.post(f"/cases/{cast.case.pk}/documents/", {"kind": "consent", "file": big})
    assert CaseDocument.objects.count() == 1
    url = f"/cases/{cast.case.pk}/documents/{document.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="view", object_type="casedocument", object_id=str(document.pk)).exists()
    for user in (cast.colleague, cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        assert client_for(user).get(url).status_code == 404
    assert client_for(cast.manager).get(url).status_code == 200


def test_entitlements(cast, client_for):
    from cases.models.casework import Entitlement

    client = client_for(cast.worker)
    client.post(
        f"/cases/{cast.case.pk}/entitlements/",
        {"kind": "minimum_living_allowance", "status": "applying", "monthly_amount": "680.00"},
    )
    client.post(
        f"/cases/{cast.case.pk}/entitlements/",
        {"kind": "minimum_living_allowance", "status": "granted", "monthly_amount": "680.00"},
    )
    entitlement = Entitlement.objects.get()
    assert entitlement.status == "granted" and str(entitlement.monthly_amount) == "680.00"
    client.post(
        f"/cases/{cast.case.pk}/entitlements/", {"kind": "medical_aid", "status": "granted", "monthly_amount": "NaN"}
    )
    assert Entitlement.objects.count() == 1
    assert (
        client_for(cast.colleague)
        .post(f"/cases/{cast.case.pk}/entitlements/", {"kind": "medical_aid", "status": "granted"})
        .status_code
        == 404
    )


def test_a_new_assessment_starts_from_nothing_chosen_and_the_cases_risk(cast, client_for):
    from cases.models import Case

    Case.objects.filter(pk=cast.case.pk).update(risk_level="immediate")
    response = client_for(cast.worker).get(f"/cases/{cast.case.pk}/assessment/new/")
    html = response.content.decode()
    assert response.status_code == 200
    assert " checked" not in html
    assert '<option value="immediate" selected>' in html and '<option value="low" selected>' not in html
    # every notes box has a label
    for domain in ("safety", "health", "education", "economic", "psychological", "family"):
        assert f'<label class="form-label small mb-1" for="{domain}_notes">' in html


def test_an_unrated_domain_is_refused_and_what_was_typed_comes_back(cast, client_for):
    response = _assessment(client_for(cast.worker), cast.case, health="", summary="奶奶年迈")
    assert response.status_code == 200
    assert not Assessment.objects.exists()
    html = response.content.decode()
    assert response.context["domains"][1]["errors"] == [response.context["domains"][1]["errors"][0]]
    assert response.context["domains"][1]["errors"][0] in html
    assert not response.context["domains"][0]["errors"]
    assert "晚上独自在家" in html and "奶奶年迈" in html
    assert 'id="safety-3" value="3" required checked' in html
    assert '<option value="high" selected>' in html


def test_the_approvals_page_shows_the_assessment_and_a_return_needs_a_reason(cast, client_for):
    _assessment(client_for(cast.worker), cast.case)
    assessment = Assessment.objects.get()
    manager = client_for(cast.manager)
    page = manager.get("/cases/approvals/").content.decode()
    assert "晚上独自在家" in page and "监护缺失" in page  # the notes and summary being approved
    assert "高度担忧" in page  # safety and family rated 3
    # when: returned with no reason
    url = f"/cases/{cast.case.pk}/assessment/{assessment.pk}/decide/"
    response = manager.post(url, {"decision": "return", "comment": "   ", "next": "approvals"})
    # then: refused, said why, nothing changed
    assert response.status_code == 200
    assert response.context["failed"]["pk"] == assessment.pk
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    # with a reason it goes back, and the reason is kept on it
    response = manager.post(url, {"decision": "return", "comment": "请补充家庭情况", "next": "approvals"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.review_comment) == ("returned", "请补充家庭情况")


def test_a_closure_return_needs_a_reason(cast, client_for):
    client_for(cast.worker).post(
        f"/cases/{cast.case.pk}/closure/", {"closed_on": TODAY.isoformat(), "reason": "目标达成", "closure_code": "x"}
    )
    assert not ClosureRequest.objects.exists()  # not a code of the list
    client_for(cast.worker).post(
        f"/cases/{cast.case.pk}/closure/",
        {"closed_on": TODAY.isoformat(), "reason": "目标达成", "closure_code": "moved_away"},
    )
    request = ClosureRequest.objects.get()
    response = client_for(cast.manager).post(f"/cases/closures/{request.pk}/decide/", {"decision": "return"})
    assert response.status_code == 200 and response.context["failed"]["errors"]
    request.refresh_from_db()
    assert request.status == "submitted"


def test_the_timeline_reads_as_sentences_with_labels_and_names(cast, client_for):
    from cases.services import case_assign, case_update

    case = cast.case
    case_update(actor=cast.worker, case=case, version=case.version, family_situation="with_one_parent")
    case.refresh_from_db()
    case_update(actor=cast.worker, case=case, version=case.version, risk_level="immediate", reason="夜里独自在家")
    case.refresh_from_db()
    case_assign(actor=cast.manager, case=case, lead_worker=cast.colleague)
    response = client_for(cast.manager).get(f"/cases/{case.pk}/")
    text = " ".join(f"{e.title} {e.text}" for e in response.context["timeline"])
    for raw in ("with_one_parent", "skip_generation", "immediate", "medium", f": {cast.worker.pk} →", "→"):
        assert raw not in text, raw
    assert "小陈" in text and "小李" in text  # the lead workers by name
    titles = [e.title for e in response.context["timeline"]]
    # newest first within the day: the reassignment, then the risk change, then the family situation
    kinds = [e.kind for e in response.context["timeline"]]
    assert kinds[:3] == ["change", "risk", "change"], titles
    assert kinds[-1] == "opened"
