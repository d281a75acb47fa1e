"""Routes that had no test at all: who may open each page (a matrix over the cast), the write methods of the
reference-data endpoints, and the lead worker's close / household / care-plan-action pages doing their job."""

from __future__ import annotations

import pytest
from django.utils import timezone

from alliance.services import volunteer_assign
from cases.models import Case, HouseholdMember
from core.models import Contract, Location
from tests.factories import ContractFactory


def _t(msgid: str) -> str:
    """The Chinese of a product string (a variable, so makemessages does not extract it from the tests)."""
    from django.utils import translation

    return translation.gettext(msgid)


pytestmark = pytest.mark.django_db

ROLES = ("admin", "manager", "worker", "colleague", "referrer", "pledger", "volunteer", "funder")


def _pages(cast):
    volunteer_assign(actor=cast.worker, case=cast.case, member=cast.volunteer.member, brief="陪伴")
    pk = cast.case.pk
    # url -> the answer for each role, in ROLES order
    return {
        "/alliance/new/": (200, 200, 200, 200, 403, 403, 403, 403),
        f"/alliance/case/{pk}/": (200, 200, 200, 404, 404, 404, 404, 404),
        "/promises/all/": (200, 200, 200, 200, 403, 403, 403, 403),
        # Django's admin is for staff accounts (the demo's admin is one); everyone else is sent to its login
        "/admin/": (200, 302, 302, 302, 302, 302, 302, 302),
        "/api/v1/docs/": (200,) * 8,
    }


@pytest.mark.parametrize("role", ROLES)
def test_pages_that_had_no_test_answer_each_role(cast, client_for, role):
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save(update_fields=["is_staff", "is_superuser"])
    client = client_for(cast.by_role()[role])
    pages = _pages(cast)
    answers = {url: client.get(url).status_code for url in pages}
    assert answers == {url: codes[ROLES.index(role)] for url, codes in pages.items()}


def test_the_api_docs_are_served_without_a_cdn(cast, client_for):
    page = client_for(cast.worker).get("/api/v1/docs/")  # anonymous callers: see tests/confidentiality
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower()
    # the page's script is a file of its own (no inline script: CSP), and it loads our schema
    assert '<script src="/api/v1/docs/?script="></script>' in html
    script = client_for(cast.worker).get("/api/v1/docs/?script=")  # the page's own caller fetches it
    assert script.status_code == 200
    assert "/api/v1/schema/" in script.content.decode() and "cdn" not in script.content.decode().lower()


def test_volunteer_logs_a_visit_on_the_page(cast, client_for):
    from alliance.models import VolunteerLog

    volunteer_assign(actor=cast.worker, case=cast.case, member=cast.volunteer.member, brief="陪伴")
    today = timezone.localdate().isoformat()
    response = client_for(cast.volunteer).post(
        f"/alliance/visits/{cast.case.pk}/log/", {"date": today, "minutes": "45", "note": "一起读书"}
    )
    assert response.status_code == 302
    log = VolunteerLog.objects.get()
    assert (log.member, log.case, log.minutes, log.note) == (cast.volunteer.member, cast.case, 45, "一起读书")
    # a volunteer not assigned to the case, and staff, cannot log a volunteer visit there: nothing stored
    from tests.factories import MemberFactory, UserFactory

    other = UserFactory(role="volunteer", member=MemberFactory(is_volunteer=True))
    for user in (other, cast.colleague, cast.pledger):
        url = f"/alliance/visits/{cast.case.pk}/log/"
        assert client_for(user).post(url, {"date": today, "minutes": "30"}).status_code == 404, user
    assert VolunteerLog.objects.count() == 1
    assert client_for(cast.volunteer).get(f"/alliance/visits/{cast.case.pk}/log/").status_code == 405


# --- write methods of reference data: contracts, users, members, locations ---------------------------


def test_contract_put_patch_delete(cast, api_for):
    contract = ContractFactory(name="旧名", caseload_target=10)
    url = f"/api/v1/contracts/{contract.pk}/"
    patched = api_for(cast.manager).patch(url, {"caseload_target": 25}, format="json")
    assert patched.status_code == 200 and Contract.objects.get(pk=contract.pk).caseload_target == 25
    body = {**api_for(cast.manager).get(url).json(), "name": "新名"}
    body.pop("id")
    assert api_for(cast.manager).put(url, body, format="json").status_code == 200
    assert Contract.objects.get(pk=contract.pk).name == "新名"
    for user in (cast.worker, cast.referrer, cast.funder):
        assert api_for(user).patch(url, {"caseload_target": 1}, format="json").status_code == 403
    assert api_for(cast.manager).delete(url).status_code == 403  # a contract is never deleted
    assert Contract.objects.filter(pk=contract.pk, name="新名", caseload_target=25).exists()


def test_user_patch_and_put_and_no_delete(cast, api_for):
    url = f"/api/v1/users/{cast.colleague.pk}/"
    assert api_for(cast.manager).patch(url, {"full_name": "李小丽"}, format="json").status_code == 200
    cast.colleague.refresh_from_db()
    assert cast.colleague.full_name == "李小丽"
    assert api_for(cast.worker).patch(url, {"full_name": "x"}, format="json").status_code == 403
    assert api_for(cast.manager).delete(url).status_code == 405
    cast.colleague.refresh_from_db()
    assert cast.colleague.full_name == "李小丽" and cast.colleague.is_active


def test_member_patch_and_delete(cast, api_for):
    member = cast.referrer.member
    url = f"/api/v1/members/{member.pk}/"
    assert api_for(cast.worker).patch(url, {"phone": "13800001111"}, format="json").status_code == 200
    member.refresh_from_db()
    assert member.phone == "13800001111"
    bad = api_for(cast.worker).patch(url, {"phone": "123"}, format="json")
    assert bad.status_code == 400
    for user in (cast.referrer, cast.pledger, cast.funder):
        assert api_for(user).patch(url, {"name": "x"}, format="json").status_code == 403
    assert api_for(cast.manager).delete(url).status_code == 405
    member.refresh_from_db()
    assert (member.phone, member.name, member.is_active) == ("13800001111", "王主任", True)


def test_location_patch_and_delete(cast, api_for):
    url = f"/api/v1/locations/{cast.village.pk}/"
    assert api_for(cast.manager).patch(url, {"name": "八里村"}, format="json").status_code == 200
    assert Location.objects.get(pk=cast.village.pk).name == "八里村"
    assert api_for(cast.worker).patch(url, {"name": "x"}, format="json").status_code == 403
    assert api_for(cast.manager).delete(url).status_code == 403  # places are never deleted (cases point at them)
    assert Location.objects.get(pk=cast.village.pk).name == "八里村"


# --- the lead worker's pages: close, household, care-plan actions ------------------------------------


def test_household_member_added_on_the_page(cast, client_for):
    url = f"/cases/{cast.case.pk}/household/"
    client = client_for(cast.worker)
    assert client.post(url, {"name": "张奶奶", "relation": "grandmother", "status": "present"}).status_code == 302
    assert list(HouseholdMember.objects.filter(child=cast.case.child).values_list("name", "relation")) == [
        ("张奶奶", "grandmother")
    ]
    # bad input: nothing stored, the reason said on the case page
    response = client.post(url, {"name": ""}, follow=True)
    assert HouseholdMember.objects.filter(child=cast.case.child).count() == 1
    from django.utils import translation

    with translation.override("zh-hans"):
        message = _t("Give at least a name and a relation.")
    assert message in response.content.decode()


def test_manager_closes_a_case_on_the_page(cast, client_for):
    url = f"/cases/{cast.case.pk}/close/"
    today = timezone.localdate()
    bad = client_for(cast.manager).post(url, {"closed_on": "", "closure_reason": ""}, follow=True)
    assert bad.status_code == 200 and Case.objects.get(pk=cast.case.pk).status != "closed"
    assert client_for(cast.worker).post(url, {"closed_on": today, "closure_reason": "x"}).status_code == 403
    assert Case.objects.get(pk=cast.case.pk).status != "closed"
    # why it closed is a choice the funder report counts: a missing or unknown one closes nothing
    for code in ("", "happy"):
        client_for(cast.manager).post(url, {"closed_on": today, "closure_reason": "目标达成", "closure_code": code})
        assert Case.objects.get(pk=cast.case.pk).status != "closed"
    ok = client_for(cast.manager).post(
        url, {"closed_on": today.isoformat(), "closure_reason": "目标达成", "closure_code": "goals_met"}
    )
    assert ok.status_code == 302
    case = Case.objects.get(pk=cast.case.pk)
    assert (case.status, case.closed_on, case.closure_reason, case.closure_code) == (
        "closed",
        today,
        "目标达成",
        "goals_met",
    )


def test_care_plan_actions_on_the_page(cast, client_for):
    from cases.models import CarePlanAction

    client = client_for(cast.worker)
    pk, today = cast.case.pk, timezone.localdate().isoformat()
    # no plan yet: an action is refused
    client.post(
        f"/cases/{pk}/plan/actions/", {"description": "联系学校", "actor_kind": "alliance_member", "due_on": today}
    )
    assert not CarePlanAction.objects.exists()
    assert client.post(f"/cases/{pk}/plan/", {"goals": "按时上学", "review_on": today}).status_code == 302
    response = client.post(
        f"/cases/{pk}/plan/actions/", {"description": "联系学校", "actor_kind": "alliance_member", "due_on": today}
    )
    assert response.status_code == 302
    action = CarePlanAction.objects.get()
    assert (action.description, action.actor_kind, action.due_on.isoformat()) == ("联系学校", "alliance_member", today)
    assert client.post(f"/cases/{pk}/plan/actions/{action.pk}/", {"status": "done"}).status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    client.post(f"/cases/{pk}/plan/actions/{action.pk}/", {"status": "nonsense"})
    action.refresh_from_db()
    assert action.status == "done"
