"""Every register page for every role: the right people get it, outsiders 404, others 403."""

from __future__ import annotations

import pytest
from django.utils import timezone

from core.models import AuditEntry
from referrals.models import Referral
from registry.models import CategoryRule, ChildFile, HotlineCall, RegisterUpdate
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_director_home_lists_their_children_with_a_button_each(cast, register):
    response = login(register.director).get("/registry/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-testid="update-{register.file.pk}"' in body
    assert register.other_file.name not in body and register.far_file.name not in body
    assert 'rel="manifest"' in body
    assert AuditEntry.objects.filter(action="view", object_type="childfile", detail__ids=[register.file.pk]).exists()


def test_login_lands_directors_and_supervisors_on_their_pages(cast, register):
    assert login(register.director).get("/").url == "/registry/"
    assert login(register.supervisor).get("/").url == "/registry/town/"


def test_anonymous_is_sent_to_login(cast, register):
    for url in ("/registry/", f"/registry/{register.file.pk}/", "/registry/town/", "/registry/report/"):
        response = login(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_file_page_visibility(cast, register):
    url = f"/registry/{register.file.pk}/"
    for user in (register.director, register.supervisor, cast.manager, cast.admin):
        assert login(user).get(url).status_code == 200
    for user in (
        register.other_director,
        register.other_supervisor,
        cast.worker,
        cast.referrer,
        cast.funder,
        cast.pledger,
        cast.volunteer,
    ):
        assert login(user).get(url).status_code == 404
    assert (
        AuditEntry.objects.filter(action="view", object_type="childfile", object_id=str(register.file.pk)).count() == 4
    )


def test_director_registers_a_child_on_the_page(cast, register):
    body = {
        "name": "孙小雪",
        "sex": "female",
        "birth_date": "2018-04-02",
        "location": register.village.pk,
        "child_type": "kunjing",
        "category": "physical_need",
        "guardian_situation": "母亲残疾",
        "submission_key": "page-1",
    }
    response = login(register.director).post("/registry/new/", body)
    assert response.status_code == 302, response.content.decode()[:2000]
    file = ChildFile.objects.get(name="孙小雪")
    assert file.entitlements == ["medical_aid", "disability_subsidy"] and file.director == register.director


def test_duplicate_needs_confirmation_and_keeps_what_was_typed(cast, register):
    body = {
        "name": register.file.name,
        "sex": "female",
        "birth_date": str(register.file.birth_date),
        "location": register.village.pk,
        "child_type": "kunjing",
        "category": "family_need",
    }
    response = login(register.director).post("/registry/new/", body)
    assert response.status_code == 200
    assert 'data-testid="duplicates"' in response.content.decode()
    assert register.file.name in response.content.decode()
    assert ChildFile.objects.filter(name=register.file.name).count() == 1
    response = login(register.director).post("/registry/new/", {**body, "not_a_duplicate": "1"})
    assert response.status_code == 302
    assert ChildFile.objects.filter(name=register.file.name).count() == 2


def test_bad_input_on_the_page_keeps_what_was_typed(cast, register):
    response = login(register.director).post(
        "/registry/new/",
        {
            "name": "周小鱼",
            "birth_date": "2999-01-01",
            "location": register.village.pk,
            "child_type": "orphan",
            "sex": "male",
            "category": "none",
        },
    )
    assert response.status_code == 200
    assert "周小鱼" in response.content.decode()
    assert not ChildFile.objects.filter(name="周小鱼").exists()


def test_others_may_not_register(cast, register):
    for user in (register.supervisor, cast.worker, cast.referrer, cast.funder):
        assert login(user).get("/registry/new/").status_code == 403


def test_update_page_and_supervisor_review(cast, register):
    url = f"/registry/{register.file.pk}/update/"
    assert login(register.supervisor).get(url).status_code == 403
    assert login(register.other_director).get(url).status_code == 404
    response = login(register.director).post(url, {"date": str(timezone.localdate()), "how": "same"})
    assert response.status_code == 302
    update = RegisterUpdate.objects.get()
    assert update.summary == "与上次走访相比没有变化。" or update.summary == "No change since the last visit."
    page = login(register.supervisor).get("/registry/review/")
    assert f'data-testid="review-{update.pk}"' in page.content.decode()
    assert (
        login(register.other_supervisor).post(f"/registry/review/{update.pk}/", {"decision": "approve"}).status_code
        == 404
    )
    assert login(register.director).post(f"/registry/review/{update.pk}/", {"decision": "approve"}).status_code == 403
    assert login(register.supervisor).get(f"/registry/review/{update.pk}/").status_code == 405
    response = login(register.supervisor).post(f"/registry/review/{update.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.status == "approved"


def test_town_page_shows_completeness_per_village(cast, register):
    RegisterUpdate.objects.create(
        file=register.file, date=timezone.localdate(), summary="ok", submitted_by=register.director, status="approved"
    )
    response = login(register.supervisor).get("/registry/town/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-testid="done-{register.village.pk}">1 / 1<' in body
    assert f'data-testid="done-{register.other_village.pk}">0 / 1<' in body
    assert "没有儿童主任" in body or "No director" in body
    assert login(register.director).get("/registry/town/").status_code == 403
    assert login(cast.referrer).get("/registry/town/").status_code == 403


def test_escalate_page(cast, register):
    url = f"/registry/{register.file.pk}/escalate/"
    response = login(register.supervisor).post(url, {"concerns": "需要社工评估", "urgency": "soon"})
    assert response.status_code == 302
    assert Referral.objects.get().channel == "children_director"
    assert login(register.other_director).get(url).status_code == 404


def test_entitlement_claim_on_the_file_page(cast, register):
    url = f"/registry/{register.file.pk}/entitlements/"
    response = login(register.director).post(
        url,
        {
            "code": "minimum_living_allowance",
            "status": "refused",
            "applied_on": "2026-01-05",
            "decided_on": "2026-02-01",
        },
    )
    assert response.status_code == 302
    claim = register.file.claims.get()
    assert claim.status == "refused"
    assert login(register.supervisor).post(url, {"code": "medical_aid", "status": "applied"}).status_code == 403
    assert register.file.claims.count() == 1
    page = login(register.director).get(f"/registry/{register.file.pk}/").content.decode()
    assert 'data-testid="entitlement-minimum_living_allowance"' in page


def test_identification_tracked_with_evidence_and_block(cast, register):
    login(register.director).post(f"/registry/{register.file.pk}/identification/")
    ident = register.file.identifications.get()
    assert sorted(ident.evidence.values_list("kind", flat=True)) == [
        "court_decision",
        "hospital_record",
        "police_lost_contact",
    ]
    url = f"/registry/{register.file.pk}/identification/{ident.pk}/"
    response = login(register.director).post(url, {"status": "blocked", "blocked_at": ""})
    assert response.status_code == 200  # needs where
    ident.refresh_from_db()
    assert ident.status == "gathering"
    login(register.director).post(
        url, {"status": "blocked", "blocked_at": "police", "blocked_reason": "派出所说还能找到母亲"}
    )
    ident.refresh_from_db()
    assert (ident.status, ident.blocked_at) == ("blocked", "police")
    login(register.director).post(
        url, {"kind": "police_lost_contact", "status": "obtained", "obtained_on": "2026-03-01"}
    )
    assert ident.evidence.get(kind="police_lost_contact").status == "obtained"
    login(register.director).post(url, {"status": "identified"})
    register.file.refresh_from_db()
    assert register.file.child_type == "de_facto_unsupported"
    assert "unsupported_child_subsidy" in register.file.entitlements
    claim = register.file.claims.get(code="unsupported_child_subsidy")
    assert claim.status == "granted" and str(claim.monthly_amount) == "1200.00"


def test_rules_page_for_managers_only_and_files_follow(cast, register):
    assert login(register.director).get("/registry/rules/").status_code == 403
    assert login(cast.worker).get("/registry/rules/").status_code == 403
    response = login(cast.manager).post(
        "/registry/rules/",
        {
            "child_type": "kunjing",
            "category": "family_need",
            "entitlement": "medical_aid",
            "monthly_amount": "",
            "note": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    register.file.refresh_from_db()
    assert register.file.entitlements == ["minimum_living_allowance", "medical_aid", "education_aid"]
    rule = CategoryRule.objects.get(child_type="kunjing", category="family_need", entitlement="medical_aid")
    assert login(cast.manager).get(f"/registry/rules/?edit={rule.pk}").status_code == 200


def test_leave_page(cast, register):
    url = f"/registry/{register.file.pk}/leave/"
    assert login(register.supervisor).post(url, {"leave_reason": "moved_away"}).status_code == 403
    response = login(register.director).post(url, {"leave_reason": "moved_away"})
    assert response.status_code == 302
    register.file.refresh_from_db()
    assert (register.file.status, register.file.leave_reason) == ("left", "moved_away")


def test_hotline_call_becomes_a_referral_and_finds_the_file(cast, register):
    assert login(cast.referrer).get("/registry/hotline/").status_code == 403
    assert login(register.director).get("/registry/hotline/").status_code == 403
    response = login(cast.worker).post(
        "/registry/hotline/",
        {
            "line": "12345",
            "work_order": "GD-2026-0001",
            "caller_name": "邻居",
            "child_name": register.file.name,
            "child_sex": "female",
            "child_age": "9",
            "location": register.village.pk,
            "summary": "孩子连续几天没去上学",
            "urgency": "soon",
        },
    )
    assert response.status_code == 302
    call = HotlineCall.objects.get()
    # a manager sees the register file that may be this child, links it and refers the call
    page = login(cast.manager).get(f"/registry/hotline/{call.pk}/").content.decode()
    assert f'data-testid="link-file-{register.file.pk}"' in page
    login(cast.manager).post(f"/registry/hotline/{call.pk}/", {"do": "link", "file": register.file.pk})
    login(cast.manager).post(f"/registry/hotline/{call.pk}/", {"do": "refer"})
    call.refresh_from_db()
    assert call.status == "referred" and call.file == register.file
    assert call.referral.channel == "hotline"
    assert register.file.escalations.get().referral == call.referral
    # the same work order cannot be entered twice
    again = login(cast.worker).post(
        "/registry/hotline/",
        {
            "line": "12345",
            "work_order": "GD-2026-0001",
            "child_name": "x",
            "location": register.village.pk,
            "summary": "y",
            "urgency": "routine",
            "child_sex": "unknown",
        },
    )
    assert again.status_code == 200 and HotlineCall.objects.count() == 1


def test_hotline_call_closed_with_an_answer_or_opens_a_file(cast, register):
    from registry.services import call_take

    call = call_take(
        actor=cast.worker, child_name="马小龙", location=register.other_village, summary="咨询低保政策", child_age=8
    )
    response = login(cast.worker).post(f"/registry/hotline/{call.pk}/", {"do": "close", "answer": ""})
    assert response.status_code == 200
    call.refresh_from_db()
    assert call.status == "open"
    login(cast.worker).post(f"/registry/hotline/{call.pk}/", {"do": "close", "answer": "已告知向乡镇民政办申请"})
    call.refresh_from_db()
    assert call.status == "closed"
    other = call_take(
        actor=cast.worker, child_name="马小虎", location=register.other_village, summary="无人照顾", child_age=6
    )
    login(cast.manager).post(f"/registry/hotline/{other.pk}/", {"do": "refer", "create_file_as": "kunjing"})
    other.refresh_from_db()
    assert other.file is not None and other.file.name == "马小虎" and other.file.location == register.other_village


def test_manifest_and_service_worker(cast, register):
    manifest = login(None).get("/registry/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.json()["start_url"] == "/registry/"
    worker = login(None).get("/registry/sw.js")
    assert worker.status_code == 200 and worker["Service-Worker-Allowed"] == "/registry/"
    assert "caches" in worker.content.decode()


def test_list_for_manager_and_social_worker(cast, register):
    assert login(cast.manager).get("/registry/files/").status_code == 200
    body = login(cast.worker).get("/registry/files/").content.decode()
    assert register.file.name not in body
    assert login(cast.referrer).get("/registry/files/").status_code == 403
