"""Unit tests of cases.services.casework: assessments and their approval, care plans by version,
closure requests and their decision, documents and entitlements — called directly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case, RiskChange
from cases.models.casework import Assessment, CarePlan, CarePlanAction, CaseDocument, ClosureRequest, Entitlement
from cases.services import (
    assessment_decide,
    assessment_save,
    careplan_action_add,
    careplan_action_set_status,
    careplan_save,
    casework,
    closure_decide,
    closure_request_create,
    document_add,
    entitlement_set,
)
from tests.writes import closure_of, last_audit, message_of, risk_changes, today, writes_nothing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

RATED = {"safety": 3, "health": 1, "education": "2", "economic": 0, "psychological": 1, "family": 3}


def submitted(cast, risk_level="high", **ratings) -> Assessment:
    return assessment_save(
        actor=cast.worker,
        case=cast.case,
        assessed_on=today(),
        risk_level=risk_level,
        submit=True,
        **{**RATED, **ratings},
    )


# --- assessments -----------------------------------------------------------------------------------


def test_an_assessment_stores_every_rating_and_its_notes_trimmed(cast):
    assessment = submitted(cast, safety_notes="  晚上独自在家 ", summary="  需要尽快家访 ")
    stored = Assessment.objects.get(pk=assessment.pk)
    assert [getattr(stored, d) for d in casework.DOMAINS] == [3, 1, 2, 0, 1, 3]
    assert (stored.safety_notes, stored.health_notes, stored.summary) == ("晚上独自在家", "", "需要尽快家访")
    assert (stored.status, stored.assessed_by, stored.risk_level) == ("submitted", cast.worker, "high")
    entry = last_audit(stored)
    assert (entry.action, entry.user_id, entry.detail) == (
        "create",
        cast.worker.pk,
        {"case": cast.case.pk, "submitted": True},
    )


def test_a_draft_is_kept_as_a_draft(cast):
    draft = assessment_save(
        actor=cast.worker, case=cast.case, assessed_on=today(), risk_level="low", submit=False, **RATED
    )
    assert Assessment.objects.get(pk=draft.pk).status == "draft"
    assert last_audit(draft).detail["submitted"] is False


@pytest.mark.parametrize("value", [None, "", "4", "-1", "high", "1.5"])
def test_every_domain_must_be_rated_on_purpose(cast, value):
    with writes_nothing(Assessment), pytest.raises(ValidationError) as error:
        submitted(cast, health=value)
    assert set(error.value.message_dict) == {"health"}
    assert message_of(error.value, "health") == "Choose a rating for health."


def test_all_missing_domains_are_named_at_once(cast):
    with writes_nothing(Assessment), pytest.raises(ValidationError) as error:
        assessment_save(actor=cast.worker, case=cast.case, assessed_on=today(), risk_level="low", submit=True, safety=1)
    assert set(error.value.message_dict) == set(casework.DOMAINS) - {"safety"}


def test_an_assessment_dated_tomorrow_or_without_a_risk_level_is_refused(cast):
    with writes_nothing(Assessment), pytest.raises(ValidationError) as error:
        assessment_save(
            actor=cast.worker,
            case=cast.case,
            assessed_on=today() + dt.timedelta(days=1),
            risk_level="low",
            submit=True,
            **RATED,
        )
    assert message_of(error.value, "assessed_on") == "The date cannot be in the future."
    with writes_nothing(Assessment), pytest.raises(ValidationError) as error:
        submitted(cast, risk_level="dire")
    assert message_of(error.value, "risk_level") == "Choose a risk level."


def test_approval_makes_the_case_active_at_the_assessed_risk_and_records_the_change(cast):
    assessment = submitted(cast, risk_level="high")
    version = Case.objects.get(pk=cast.case.pk).version
    assessment_decide(actor=cast.manager, assessment=assessment, approve=True, comment=" 同意 ")
    stored = Assessment.objects.get(pk=assessment.pk)
    assert (stored.status, stored.approved_by, stored.review_comment) == ("approved", cast.manager, "同意")
    assert stored.approved_at is not None
    case = Case.objects.get(pk=cast.case.pk)
    assert (case.status, case.risk_level, case.version) == ("active", "high", version + 1)
    assert risk_changes(case) == [("medium", "high", cast.manager, "Assessment approved")]
    assert last_audit(stored).detail == {"approved": True}


def test_approval_at_the_same_risk_records_no_risk_change(cast):
    assessment_decide(actor=cast.manager, assessment=submitted(cast, risk_level="medium"), approve=True)
    assert not RiskChange.objects.filter(case=cast.case).exists()
    assert Case.objects.get(pk=cast.case.pk).status == "active"


def test_returning_needs_a_reason_and_leaves_the_case_as_it_was(cast):
    assessment = submitted(cast)
    with writes_nothing(RiskChange), pytest.raises(ValidationError) as error:
        assessment_decide(actor=cast.manager, assessment=assessment, approve=False, comment="  ")
    assert message_of(error.value, "comment").startswith("Say why the assessment goes back")
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"
    assessment_decide(actor=cast.manager, assessment=assessment, approve=False, comment="请补充家庭情况")
    stored = Assessment.objects.get(pk=assessment.pk)
    assert (stored.status, stored.approved_by, stored.review_comment) == ("returned", None, "请补充家庭情况")
    case = Case.objects.get(pk=cast.case.pk)
    assert (case.status, case.risk_level) == ("assessment", "medium")


def test_only_a_manager_decides_an_assessment(cast):
    assessment = submitted(cast)
    with writes_nothing(RiskChange), pytest.raises(PermissionDenied):
        assessment_decide(actor=cast.worker, assessment=assessment, approve=True)
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"
    assert Case.objects.get(pk=cast.case.pk).status == "assessment"


def test_a_draft_or_decided_assessment_cannot_be_decided(cast):
    draft = assessment_save(
        actor=cast.worker, case=cast.case, assessed_on=today(), risk_level="low", submit=False, **RATED
    )
    approved = submitted(cast)
    assessment_decide(actor=cast.manager, assessment=approved, approve=True)
    for assessment in (draft, approved):
        with writes_nothing(RiskChange), pytest.raises(ValidationError) as error:
            assessment_decide(actor=cast.manager, assessment=assessment, approve=False, comment="再看看")
        assert message_of(error.value) == "Only a submitted assessment can be approved or returned."
    assert Assessment.objects.get(pk=approved.pk).status == "approved"


def test_approving_an_active_cases_assessment_keeps_it_active(cast):
    assessment_decide(actor=cast.manager, assessment=submitted(cast, risk_level="high"), approve=True)
    assessment_decide(actor=cast.manager, assessment=submitted(cast, risk_level="low"), approve=True)
    case = Case.objects.get(pk=cast.case.pk)
    assert (case.status, case.risk_level) == ("active", "low")
    assert list(RiskChange.objects.filter(case=case).order_by("pk").values_list("to_level", flat=True)) == [
        "high",
        "low",
    ]


# --- care plans ------------------------------------------------------------------------------------


def test_a_new_plan_version_carries_the_open_actions_only(cast):
    review = today() + dt.timedelta(days=30)
    first = careplan_save(actor=cast.worker, case=cast.case, goals="  孩子按时上学 ", review_on=review)
    assert (first.version, first.goals, first.is_current) == (1, "孩子按时上学", True)
    kept = careplan_action_add(
        actor=cast.worker, plan=first, description="联系学校", actor_kind="social_worker", due_on=review
    )
    moving = careplan_action_add(
        actor=cast.worker,
        plan=first,
        description="志愿者陪读",
        actor_kind="volunteer",
        due_on=review,
        actor_name=" 孙阿姨 ",
    )
    careplan_action_set_status(actor=cast.worker, action=moving, status="in_progress")
    done = careplan_action_add(
        actor=cast.worker, plan=first, description="申请低保", actor_kind="department", due_on=review
    )
    careplan_action_set_status(actor=cast.worker, action=done, status="done")
    dropped = careplan_action_add(actor=cast.worker, plan=first, description="转学", actor_kind="family", due_on=review)
    careplan_action_set_status(actor=cast.worker, action=dropped, status="dropped")

    second = careplan_save(actor=cast.worker, case=cast.case, goals="巩固", review_on=review)

    assert CarePlan.objects.get(pk=first.pk).is_current is False
    assert (second.version, CarePlan.objects.get(pk=second.pk).is_current) == (2, True)
    carried = {(a.description, a.status, a.actor_name) for a in CarePlanAction.objects.filter(plan=second)}
    assert carried == {("联系学校", "planned", ""), ("志愿者陪读", "in_progress", "孙阿姨")}
    assert CarePlanAction.objects.filter(plan=first).count() == 4  # the old version keeps its own
    assert CarePlanAction.objects.get(pk=kept.pk).plan_id == first.pk
    assert last_audit(second).detail == {"case": cast.case.pk, "version": 2}


@pytest.mark.parametrize(
    ("goals", "days", "field", "message"),
    [
        ("  ", 5, "goals", "Write the goals of the plan."),
        ("目标", -1, "review_on", "The review date cannot be in the past."),
    ],
)
def test_a_plan_without_goals_or_with_a_past_review_is_refused(cast, goals, days, field, message):
    first = careplan_save(actor=cast.worker, case=cast.case, goals="原计划", review_on=today())
    with writes_nothing(CarePlan, CarePlanAction), pytest.raises(ValidationError) as error:
        careplan_save(actor=cast.worker, case=cast.case, goals=goals, review_on=today() + dt.timedelta(days=days))
    assert message_of(error.value, field) == message
    assert CarePlan.objects.get(pk=first.pk).is_current is True


def test_a_plan_reviewed_today_is_accepted(cast):
    assert careplan_save(actor=cast.worker, case=cast.case, goals="目标", review_on=today()).review_on == today()


def test_a_bad_action_is_refused(cast):
    plan = careplan_save(actor=cast.worker, case=cast.case, goals="目标", review_on=today())
    for description, kind, field in (("  ", "volunteer", "description"), ("家访", "wizard", "actor_kind")):
        with writes_nothing(CarePlanAction), pytest.raises(ValidationError) as error:
            careplan_action_add(actor=cast.worker, plan=plan, description=description, actor_kind=kind, due_on=today())
        assert field in error.value.message_dict
    action = careplan_action_add(
        actor=cast.worker, plan=plan, description="家访", actor_kind="volunteer", due_on=today()
    )
    with writes_nothing(), pytest.raises(ValidationError) as error:
        careplan_action_set_status(actor=cast.worker, action=action, status="forgotten")
    assert message_of(error.value, "status") == "Unknown status."
    assert CarePlanAction.objects.get(pk=action.pk).status == "planned"


def test_an_action_status_change_is_audited(cast):
    plan = careplan_save(actor=cast.worker, case=cast.case, goals="目标", review_on=today())
    action = careplan_action_add(
        actor=cast.worker, plan=plan, description="家访", actor_kind="volunteer", due_on=today()
    )
    assert last_audit(action).detail == {"case": cast.case.pk}
    careplan_action_set_status(actor=cast.colleague, action=action, status="done")
    assert CarePlanAction.objects.get(pk=action.pk).status == "done"
    entry = last_audit(action)
    assert (entry.action, entry.user_id, entry.detail) == ("update", cast.colleague.pk, {"status": "done"})


# --- closures --------------------------------------------------------------------------------------


def test_a_closure_request_is_stored_and_a_second_one_waits_for_the_first(cast):
    request = closure_request_create(
        actor=cast.worker,
        case=cast.case,
        closed_on=today(),
        reason=" 目标达成 ",
        outcome=" 返校 ",
        closure_code="goals_met",
    )
    stored = ClosureRequest.objects.get(pk=request.pk)
    assert (stored.reason, stored.outcome, stored.closure_code, stored.requested_by, stored.status) == (
        "目标达成",
        "返校",
        "goals_met",
        cast.worker,
        "submitted",
    )
    assert last_audit(stored).detail == {"case": cast.case.pk}
    with writes_nothing(ClosureRequest), pytest.raises(ValidationError) as error:
        closure_request_create(actor=cast.worker, case=cast.case, closed_on=today(), reason="再来一次")
    assert message_of(error.value) == "A closure request is already waiting for approval."


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"reason": " "}, "reason", "Give the reason for closing the case."),
        ({"closed_on": "tomorrow"}, "closed_on", "The closing date must be between the opening date and today."),
        ({"closed_on": "before"}, "closed_on", "The closing date must be between the opening date and today."),
        ({"closure_code": "tired"}, "closure_code", "Choose why the case closed from the list."),
    ],
)
def test_a_bad_closure_request_is_refused(cast, change, field, message):
    values = {"closed_on": today(), "reason": "目标达成", **change}
    if values["closed_on"] == "tomorrow":
        values["closed_on"] = today() + dt.timedelta(days=1)
    elif values["closed_on"] == "before":
        values["closed_on"] = cast.case.opened_on - dt.timedelta(days=1)
    with writes_nothing(ClosureRequest), pytest.raises(ValidationError) as error:
        closure_request_create(actor=cast.worker, case=cast.case, **values)
    assert message_of(error.value, field) == message


def test_a_closed_case_takes_no_closure_request(cast):
    Case.objects.filter(pk=cast.case.pk).update(status="closed", closed_on=today())
    with writes_nothing(ClosureRequest), pytest.raises(ValidationError) as error:
        closure_request_create(actor=cast.worker, case=Case.objects.get(pk=cast.case.pk), closed_on=today(), reason="x")
    assert message_of(error.value) == "This case is already closed."


def test_an_approved_closure_closes_the_case_as_the_worker_asked(cast):
    asked = today() - dt.timedelta(days=2)
    request = closure_request_create(
        actor=cast.worker,
        case=cast.case,
        closed_on=asked,
        reason="搬走了",
        outcome="转介当地",
        closure_code="moved_away",
    )
    closure_decide(actor=cast.manager, request=request, approve=True)
    stored = ClosureRequest.objects.get(pk=request.pk)
    assert (stored.status, stored.decided_by) == ("approved", cast.manager) and stored.decided_at is not None
    case = Case.objects.get(pk=cast.case.pk)
    assert closure_of(case) == ("closed", asked, "搬走了", "转介当地", "moved_away")
    assert last_audit(stored).detail == {"approved": True}
    assert last_audit(case).detail == {"close": str(asked)}


def test_a_returned_closure_needs_a_reason_and_leaves_the_case_open(cast):
    request = closure_request_create(actor=cast.worker, case=cast.case, closed_on=today(), reason="目标达成")
    with writes_nothing(), pytest.raises(ValidationError) as error:
        closure_decide(actor=cast.manager, request=request, approve=False)
    assert message_of(error.value, "comment").startswith("Say why the closure goes back")
    closure_decide(actor=cast.manager, request=request, approve=False, comment=" 还需要一次家访 ")
    stored = ClosureRequest.objects.get(pk=request.pk)
    assert (stored.status, stored.comment) == ("returned", "还需要一次家访")
    assert Case.objects.get(pk=cast.case.pk).status == "assessment"
    # a returned request no longer blocks a new one
    closure_request_create(actor=cast.worker, case=cast.case, closed_on=today(), reason="家访后目标达成")


def test_a_worker_cannot_decide_a_closure_and_a_decided_one_is_final(cast):
    request = closure_request_create(actor=cast.worker, case=cast.case, closed_on=today(), reason="目标达成")
    with writes_nothing(), pytest.raises(PermissionDenied):
        closure_decide(actor=cast.worker, request=request, approve=True)
    assert ClosureRequest.objects.get(pk=request.pk).status == "submitted"
    closure_decide(actor=cast.manager, request=request, approve=False, comment="再看看")
    with writes_nothing(), pytest.raises(ValidationError) as error:
        closure_decide(actor=cast.manager, request=request, approve=True)
    assert message_of(error.value) == "This request was already decided."
    assert Case.objects.get(pk=cast.case.pk).status == "assessment"


def test_approving_a_closure_of_a_case_closed_meanwhile_rolls_the_decision_back(cast):
    request = closure_request_create(actor=cast.worker, case=cast.case, closed_on=today(), reason="目标达成")
    Case.objects.filter(pk=cast.case.pk).update(status="closed", closed_on=today(), closure_reason="主管直接结案")
    with writes_nothing(), pytest.raises(ValidationError):
        closure_decide(actor=cast.manager, request=request, approve=True)
    stored = ClosureRequest.objects.get(pk=request.pk)
    assert (stored.status, stored.decided_by) == ("submitted", None)
    assert Case.objects.get(pk=cast.case.pk).closure_reason == "主管直接结案"


def test_a_failing_audit_rolls_back_the_closure(cast, monkeypatch):
    request = closure_request_create(actor=cast.worker, case=cast.case, closed_on=today(), reason="目标达成")

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(casework, "audit_log", broken)
    with pytest.raises(RuntimeError):
        closure_decide(actor=cast.manager, request=request, approve=True)
    assert ClosureRequest.objects.get(pk=request.pk).status == "submitted"
    assert Case.objects.get(pk=cast.case.pk).status == "assessment"


# --- documents and entitlements --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "body", "kind", "field"),
    [
        ("同意书.pdf", b"%PDF-1.4", "selfie", "kind"),
        ("empty.pdf", b"", "consent", "file"),
        ("photo.png", b"%PDF-1.4 a pdf named png", "photo", "file"),
        ("script.exe", b"MZ\x90\x00", "other", "file"),
        ("noextension", b"%PDF-1.4", "other", "file"),
    ],
)
def test_a_document_of_the_wrong_kind_or_content_is_refused(cast, name, body, kind, field):
    upload = SimpleUploadedFile(name, body)
    with writes_nothing(CaseDocument), pytest.raises(ValidationError) as error:
        document_add(actor=cast.worker, case=cast.case, upload=upload, kind=kind)
    assert field in error.value.message_dict


def test_a_document_over_the_limit_names_the_limit(cast, settings):
    settings.SHOUHU = {**settings.SHOUHU, "MAX_ATTACHMENT_BYTES": 2 * 1024 * 1024}
    upload = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (2 * 1024 * 1024))
    with writes_nothing(CaseDocument), pytest.raises(ValidationError) as error:
        document_add(actor=cast.worker, case=cast.case, upload=upload, kind="consent")
    assert message_of(error.value, "file") == "The file is too large (at most 2 MB)."


def test_a_png_is_stored_under_a_name_that_says_nothing_of_the_child(cast):
    upload = SimpleUploadedFile("dir/王小雨的照片.PNG", b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    document = document_add(actor=cast.worker, case=cast.case, upload=upload, kind="photo")
    stored = CaseDocument.objects.get(pk=document.pk)
    assert (stored.original_name, stored.content_type, stored.size) == ("王小雨的照片.PNG", "image/png", 28)
    assert stored.file.name.rsplit("/", 1)[-1].startswith(f"{cast.case.pk}-")
    assert "王小雨" not in stored.file.name and stored.file.name.endswith(".png")
    assert last_audit(stored).detail == {"case": cast.case.pk}
    stored.file.delete(save=False)


def test_an_entitlement_is_one_row_per_kind_updated_in_place(cast):
    first = entitlement_set(actor=cast.worker, case=cast.case, kind="medical_aid", status="applying", monthly_amount="")
    second = entitlement_set(
        actor=cast.worker,
        case=cast.case,
        kind="medical_aid",
        status="granted",
        applied_on=today(),
        monthly_amount="150.50",
        note=" 每月发放 ",
    )
    assert first.pk == second.pk
    stored = Entitlement.objects.get(case=cast.case)
    assert (stored.status, stored.applied_on, stored.monthly_amount, stored.note) == (
        "granted",
        today(),
        Decimal("150.50"),
        "每月发放",
    )
    entry = last_audit(stored)
    assert (entry.action, entry.detail) == ("update", {"case": cast.case.pk, "status": "granted"})


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "lottery"}, None),
        ({"status": "maybe"}, None),
        ({"applied_on": "tomorrow"}, "applied_on"),
        ({"monthly_amount": "NaN"}, "monthly_amount"),
        ({"monthly_amount": "-1"}, "monthly_amount"),
        ({"monthly_amount": "100000.01"}, "monthly_amount"),
        ({"monthly_amount": "一百"}, "monthly_amount"),
        ({"monthly_amount": "Infinity"}, "monthly_amount"),
    ],
)
def test_a_bad_entitlement_is_refused(cast, values, field):
    values = {"kind": "education_aid", "status": "granted", **values}
    if values.get("applied_on") == "tomorrow":
        values["applied_on"] = today() + dt.timedelta(days=1)
    with writes_nothing(Entitlement), pytest.raises(ValidationError) as error:
        entitlement_set(actor=cast.worker, case=cast.case, **values)
    if field is None:
        assert message_of(error.value) == "Choose the entitlement and its status."
    else:
        assert field in error.value.message_dict


def test_the_largest_monthly_amount_is_accepted(cast):
    entitlement = entitlement_set(
        actor=cast.worker, case=cast.case, kind="other", status="granted", monthly_amount="100000"
    )
    assert Entitlement.objects.get(pk=entitlement.pk).monthly_amount == Decimal("100000")
