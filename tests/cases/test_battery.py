"""The standard battery over every page of the cases app (issue 18 item 6).

Checklist — every route of ``cases/urls.py`` and ``cases/api_urls.py``, and where each check lives:

| route                                   | methods  | anon | 405 | outsider 404      | read-only 403      | bad input            | queries |
| --------------------------------------- | -------- | ---- | --- | ----------------- | ------------------ | -------------------- | ------- |
| /cases/                                 | GET      | here | here| access_matrix     | access_matrix      | caseload_filters     | here    |
| /cases/new/                             | GET POST | here | here| (no case)         | access_matrix      | here                 |         |
| /cases/search/                          | GET      | here | here| access_matrix     | access_matrix      | input_hygiene        | here    |
| /cases/export/                          | GET      | here | here| (scoped list)     | here               | input_hygiene        |         |
| /cases/children/autocomplete/           | GET      | here | here| access_matrix     | access_matrix      | input_hygiene        | here    |
| /cases/<pk>/                            | GET      | here | here| access_matrix     | —                  | —                    |         |
| /cases/<pk>/transfer/                   | GET POST | here | here| here              | here               | here                 |         |
| /cases/transfers/                       | GET      | here | here| (scoped list)     | here               | —                    | here    |
| /cases/access/                          | GET POST | here | here| —                 | here               | here                 | here    |
| /cases/access/<grant>/decide/           | POST     | here | here| here              | here               | here                 |         |
| /cases/transfers/<pk>/<answer>/         | POST     | here | here| here              | organisations      | here                 |         |
| /cases/<pk>/edit/                       | GET POST | here | here| write_routes      | here (closed case) | here                 |         |
| /cases/<pk>/access-log/                 | GET      | here | here| here              | here               | —                    | here    |
| /cases/<pk>/visit/                      | GET POST | here | here| write_routes      | here (closed case) | here                 |         |
| /cases/<pk>/flags/                      | POST     | here | here| write_routes      | here (closed case) | here                 |         |
| /cases/<pk>/flags/<flag>/resolve/       | POST     | here | here| here              | here (closed case) | here (another case's)|         |
| /cases/<pk>/household/                  | POST     | here | here| write_routes      | here (closed case) | routes_not_tested    |         |
| /cases/<pk>/team/                       | POST     | here | here| case_sharing      | case_sharing       | case_sharing         |         |
| /cases/<pk>/team/<user>/remove/         | POST     | here | here| case_sharing      | case_sharing       | case_sharing         |         |
| /cases/<pk>/assign/                     | POST     | here | here| write_routes      | here               | here                 |         |
| /cases/<pk>/close/                      | POST     | here | here| write_routes      | routes_not_tested  | routes_not_tested    |         |
| /cases/approvals/                       | GET      | here | here| here (other org)  | here               | —                    | here    |
| /cases/closures/<req>/decide/           | POST     | here | here| here              | here               | casework             |         |
| /cases/<pk>/work/                       | GET      | here | here| here              | —                  | —                    |         |
| /cases/<pk>/assessment/new/             | GET POST | here | here| here              | here (closed case) | casework + here      |         |
| /cases/<pk>/assessment/<a>/decide/      | POST     | here | here| here              | here               | casework             |         |
| /cases/<pk>/plan/                       | POST     | here | here| write_routes      | here (closed case) | here (30 February)   |         |
| /cases/<pk>/plan/actions/               | POST     | here | here| write_routes      | here (closed case) | here (30 February)   |         |
| /cases/<pk>/plan/actions/<action>/      | POST     | here | here| write_routes      | here (closed case) | routes_not_tested    |         |
| /cases/<pk>/closure/                    | POST     | here | here| write_routes      | here (closed case) | here (30 February)   |         |
| /cases/<pk>/documents/                  | POST     | here | here| write_routes      | here (closed case) | here + casework      |         |
| /cases/<pk>/documents/<doc>/            | GET      | here | here| casework          | —                  | here (another case's)|         |
| /cases/<pk>/entitlements/               | POST     | here | here| here              | here (closed case) | here (30 February)   |         |
| /api/v1/cases/, activities/, transfers/ | API      | here | here| access_matrix     | access_matrix      | case_api_and_pages   | api/    |
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from cases.models import AccessGrant, Activity, Case, CaseFlag, HouseholdMember
from cases.models.casework import (
    Assessment,
    CarePlan,
    CarePlanAction,
    CaseDocument,
    ClosureRequest,
    Entitlement,
)
from cases.models.transfer import CaseTransfer
from core.models import AuditEntry
from tests import battery
from tests.factories import ActivityFactory, ChildFactory, UserFactory, make_case
from tests.planted import PLANTED_NAME

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

WRITTEN = (
    Case,
    Activity,
    CaseFlag,
    HouseholdMember,
    Assessment,
    CarePlan,
    CarePlanAction,
    ClosureRequest,
    CaseDocument,
    Entitlement,
    AccessGrant,
    CaseTransfer,
)


def _organisation(name: str = "别家社工服务中心"):
    from organisations.models import Organisation

    return Organisation.objects.create(name=name, kind="ngo")


@pytest.fixture
def world(cast):
    """One of everything a case route names: a flag, a plan with an action, a submitted assessment, a
    closure request, a document, an access request and a proposed transfer, all on the cast's case."""
    from cases.services import access as access_services
    from cases.services import casework, flag_add, transfer_propose

    case = cast.case
    flag = flag_add(actor=cast.worker, case=case, message="家里没大人")
    plan = casework.careplan_save(actor=cast.worker, case=case, goals="按时上学", review_on=TODAY)
    action = casework.careplan_action_add(
        actor=cast.worker, plan=plan, description="联系学校", actor_kind="social_worker", due_on=TODAY
    )
    assessment = casework.assessment_save(
        actor=cast.worker,
        case=case,
        assessed_on=TODAY,
        risk_level="high",
        submit=True,
        summary="监护缺失",
        **dict.fromkeys(casework.DOMAINS, 2),
    )
    closure = casework.closure_request_create(actor=cast.worker, case=case, closed_on=TODAY, reason="目标达成")
    document = casework.document_add(
        actor=cast.worker, case=case, upload=SimpleUploadedFile("同意书.pdf", b"%PDF-1.4 x"), kind="consent"
    )
    grant = access_services.access_request(
        actor=cast.colleague, number=case.number, reason="需要代班做家访，负责社工休假"
    )
    receiver = _organisation("接收社工服务中心")
    UserFactory(role=Role.MANAGER, organisation=receiver)
    other = make_case(lead_worker=cast.worker)
    transfer = transfer_propose(
        actor=cast.manager, case=other, to_organisation=receiver, reason="搬家", consent_basis="not_given"
    )
    return {
        "case": case.pk,
        "flag": flag.pk,
        "action": action.pk,
        "assessment": assessment.pk,
        "closure": closure.pk,
        "document": document.pk,
        "grant": grant.pk,
        "transfer": transfer.pk,
        "colleague": cast.colleague.pk,
    }


# (allowed methods, path) — the methods the route answers; every other one is 405.
ROUTES = [
    ("GET", "/cases/"),
    ("GET POST", "/cases/new/"),
    ("GET", "/cases/search/"),
    ("GET", "/cases/export/"),
    ("GET", "/cases/children/autocomplete/"),
    ("GET", "/cases/{case}/"),
    ("GET POST", "/cases/{case}/transfer/"),
    ("GET", "/cases/transfers/"),
    ("GET POST", "/cases/access/"),
    ("POST", "/cases/access/{grant}/decide/"),
    ("POST", "/cases/transfers/{transfer}/accept/"),
    ("POST", "/cases/transfers/{transfer}/decline/"),
    ("GET POST", "/cases/{case}/edit/"),
    ("GET", "/cases/{case}/access-log/"),
    ("GET POST", "/cases/{case}/visit/"),
    ("POST", "/cases/{case}/flags/"),
    ("POST", "/cases/{case}/flags/{flag}/resolve/"),
    ("POST", "/cases/{case}/household/"),
    ("POST", "/cases/{case}/team/"),
    ("POST", "/cases/{case}/team/{colleague}/remove/"),
    ("POST", "/cases/{case}/assign/"),
    ("POST", "/cases/{case}/close/"),
    ("GET", "/cases/approvals/"),
    ("POST", "/cases/closures/{closure}/decide/"),
    ("GET", "/cases/{case}/work/"),
    ("GET POST", "/cases/{case}/assessment/new/"),
    ("POST", "/cases/{case}/assessment/{assessment}/decide/"),
    ("POST", "/cases/{case}/plan/"),
    ("POST", "/cases/{case}/plan/actions/"),
    ("POST", "/cases/{case}/plan/actions/{action}/"),
    ("POST", "/cases/{case}/closure/"),
    ("POST", "/cases/{case}/documents/"),
    ("GET", "/cases/{case}/documents/{document}/"),
    ("POST", "/cases/{case}/entitlements/"),
]


def _stored() -> dict:
    """What the routes could write: row counts, and the case's own columns."""
    return {
        **battery.rows(*WRITTEN),
        "cases": list(Case.objects.order_by("pk").values_list("pk", "status", "version", "lead_worker_id")),
        "flags": list(CaseFlag.objects.values_list("pk", "resolved_at")),
        "grants": list(AccessGrant.objects.values_list("pk", "status")),
        "transfers": list(CaseTransfer.objects.values_list("pk", "status")),
        "assessments": list(Assessment.objects.values_list("pk", "status")),
        "closures": list(ClosureRequest.objects.values_list("pk", "status")),
    }


test_anonymous_is_sent_to_login_and_nothing_is_written, test_wrong_method_is_405_and_nothing_is_written = (
    battery.route_battery(ROUTES, stored=_stored, body={"message": "匿名", "reason": "匿名"}, actor="manager")
)


def test_case_api_wrong_methods_are_405(world, cast, api_for):
    api = api_for(cast.manager)
    case = cast.case.pk
    activity = ActivityFactory(case=cast.case, recorded_by=cast.worker)
    answers = {
        "DELETE case": api.delete(f"/api/v1/cases/{case}/").status_code,
        "DELETE activity": api.delete(f"/api/v1/activities/{activity.pk}/").status_code,
        "PUT transfer": api.put(f"/api/v1/transfers/{world['transfer']}/", {}, format="json").status_code,
        "DELETE transfer": api.delete(f"/api/v1/transfers/{world['transfer']}/").status_code,
    }
    battery.assert_all(answers, 405)
    assert Case.objects.filter(pk=case).exists() and Activity.objects.filter(pk=activity.pk).exists()
    assert CaseTransfer.objects.get(pk=world["transfer"]).status == "proposed"


def test_case_api_anonymous_is_401(world, api_for):
    anonymous = api_for(None)
    answers = {
        url: anonymous.get(url).status_code
        for url in (
            "/api/v1/cases/",
            f"/api/v1/cases/{world['case']}/",
            "/api/v1/activities/",
            "/api/v1/transfers/",
            f"/api/v1/transfers/{world['transfer']}/",
        )
    }
    battery.assert_all(answers, 401)
    with battery.nothing_written(lambda: battery.rows(Case, Activity)):
        assert anonymous.post("/api/v1/activities/", {"case": world["case"]}, format="json").status_code == 401


# --- outsiders: the colleague outside the team, and another organisation's manager --------------------


@pytest.fixture
def planted(cast):
    """The cast's case is about the planted child; the outsider's body must never carry the name."""
    child = cast.case.child
    child.name = PLANTED_NAME
    child.save(update_fields=["name"])
    return cast


OUTSIDER_READS = [
    "/cases/{case}/work/",
    "/cases/{case}/access-log/",
    "/cases/{case}/transfer/",
    "/cases/{case}/assessment/new/",
    "/cases/{case}/documents/{document}/",
    "/referrals/case/{case}/",
    "/alliance/case/{case}/",
    "/promises/case/{case}/",
]


@pytest.mark.parametrize("path", OUTSIDER_READS)
@pytest.mark.parametrize("who", ["colleague", "other_manager"])
def test_outsider_reads_of_a_case_are_404_without_the_childs_name(world, planted, client_for, path, who):
    user = planted.colleague if who == "colleague" else UserFactory(role=Role.MANAGER, organisation=_organisation())
    response = client_for(user).get(path.format(**world))
    assert response.status_code == 404
    assert PLANTED_NAME not in response.content.decode()


OUTSIDER_WRITES = [
    ("/cases/{case}/flags/{flag}/resolve/", {}),
    ("/cases/{case}/assessment/new/", {"assessed_on": TODAY.isoformat(), "risk_level": "low", "submit": "1"}),
    ("/cases/{case}/assessment/{assessment}/decide/", {"decision": "approve"}),
    ("/cases/closures/{closure}/decide/", {"decision": "approve"}),
    ("/cases/{case}/entitlements/", {"kind": "medical_aid", "status": "applying"}),
    ("/cases/access/{grant}/decide/", {"decision": "grant", "days": "3"}),
    ("/cases/{case}/transfer/", {"reason": "外人", "consent_basis": "not_given"}),
]


@pytest.mark.parametrize(("path", "body"), OUTSIDER_WRITES, ids=[p for p, _ in OUTSIDER_WRITES])
def test_another_organisations_manager_writes_nothing_and_gets_404(world, cast, client_for, path, body):
    outsider = UserFactory(role=Role.MANAGER, organisation=_organisation())
    before = _stored()
    response = client_for(outsider).post(path.format(**world), body)
    assert response.status_code == 404
    assert _stored() == before


def test_colleague_cannot_resolve_a_flag_or_set_an_entitlement(world, cast, client_for):
    before = _stored()
    client = client_for(cast.colleague)
    assert client.post(f"/cases/{cast.case.pk}/flags/{world['flag']}/resolve/").status_code == 404
    body = {"kind": "medical_aid", "status": "applying"}
    assert client.post(f"/cases/{cast.case.pk}/entitlements/", body).status_code == 404
    assert _stored() == before


# --- read-only: who sees the case but may not do this ------------------------------------------------


MANAGER_ONLY = [
    ("POST", "/cases/{case}/assign/", lambda cast: {"lead_worker": cast.colleague.pk}),
    ("POST", "/cases/{case}/close/", lambda cast: {"closed_on": TODAY.isoformat(), "closure_reason": "x"}),
    ("POST", "/cases/{case}/assessment/{assessment}/decide/", lambda cast: {"decision": "approve"}),
    ("POST", "/cases/closures/{closure}/decide/", lambda cast: {"decision": "approve"}),
    ("GET", "/cases/{case}/transfer/", lambda cast: {}),
    ("POST", "/cases/{case}/transfer/", lambda cast: {"reason": "搬家", "consent_basis": "not_given"}),
    ("GET", "/cases/{case}/access-log/", lambda cast: {}),
    ("GET", "/cases/approvals/", lambda cast: {}),
    ("GET", "/cases/transfers/", lambda cast: {}),
    ("GET", "/cases/export/", lambda cast: {}),
]


@pytest.mark.parametrize(("method", "path", "body"), MANAGER_ONLY, ids=[p for _, p, _ in MANAGER_ONLY])
def test_the_lead_worker_gets_403_on_a_managers_action_and_nothing_changes(world, cast, client_for, method, path, body):
    before = _stored()
    audit_before = AuditEntry.objects.filter(action="export").count()
    response = battery.call(client_for(cast.worker), method, path.format(**world), body(cast))
    assert response.status_code == 403
    assert _stored() == before
    assert AuditEntry.objects.filter(action="export").count() == audit_before  # no export was even started


@pytest.fixture
def closed(cast):
    """The lead worker's own case, closed: she still reads it, but may change nothing in it."""
    from cases.services import case_close

    case = make_case(lead_worker=cast.worker)
    case_close(actor=cast.manager, case=case, closed_on=TODAY, closure_reason="目标达成", closure_code="goals_met")
    case.refresh_from_db()
    return case


CHANGE_ROUTES = [
    ("GET", "/cases/{pk}/edit/", {}),
    ("POST", "/cases/{pk}/edit/", {"case-risk_level": "low"}),
    ("GET", "/cases/{pk}/visit/", {}),
    ("POST", "/cases/{pk}/visit/", {"kind": "home_visit", "date": TODAY.isoformat(), "summary": "结案后"}),
    ("POST", "/cases/{pk}/flags/", {"message": "结案后"}),
    ("POST", "/cases/{pk}/household/", {"name": "张奶奶", "relation": "grandmother", "status": "present"}),
    ("GET", "/cases/{pk}/assessment/new/", {}),
    ("POST", "/cases/{pk}/plan/", {"goals": "结案后", "review_on": TODAY.isoformat()}),
    ("POST", "/cases/{pk}/plan/actions/", {"description": "x", "actor_kind": "other", "due_on": TODAY.isoformat()}),
    ("POST", "/cases/{pk}/closure/", {"reason": "再结一次"}),
    ("POST", "/cases/{pk}/documents/", {"kind": "consent"}),
    ("POST", "/cases/{pk}/entitlements/", {"kind": "medical_aid", "status": "applying"}),
    ("POST", "/referrals/case/{pk}/", {"service": "legal_aid", "consent_basis": "guardian"}),
    ("POST", "/alliance/case/{pk}/", {"member": "1"}),
    ("POST", "/promises/case/{pk}/request/", {"pledge": "1", "need": "书包"}),
]


@pytest.mark.parametrize(("method", "path", "body"), CHANGE_ROUTES, ids=[f"{m} {p}" for m, p, _ in CHANGE_ROUTES])
def test_the_lead_worker_reads_her_closed_case_but_gets_403_on_every_change(
    closed, cast, client_for, method, path, body
):
    client = client_for(cast.worker)
    assert client.get(f"/cases/{closed.pk}/").status_code == 200  # she still sees it
    before = _stored()
    assert battery.call(client, method, path.format(pk=closed.pk), body).status_code == 403
    assert _stored() == before


def test_roles_outside_the_staff_get_403_on_the_access_page(cast, client_for):
    before = battery.rows(AccessGrant)
    for user in (cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        client = client_for(user)
        assert client.get("/cases/access/").status_code == 403, user.role
        body = {"number": cast.case.number, "reason": "想看", "emergency": "on"}
        assert client.post("/cases/access/", body).status_code == 403, user.role
    assert battery.rows(AccessGrant) == before


def test_a_social_worker_cannot_decide_an_access_request(world, cast, client_for):
    response = client_for(cast.worker).post(f"/cases/access/{world['grant']}/decide/", {"decision": "grant", "days": 3})
    assert response.status_code == 404  # she is shown no pending request: there is none for her to answer
    assert AccessGrant.objects.get(pk=world["grant"]).status == "requested"


# --- happy paths, re-read from the database -----------------------------------------------------------


def test_lead_worker_adds_and_resolves_a_flag(cast, client_for):
    client = client_for(cast.worker)
    due = (TODAY + dt.timedelta(days=3)).isoformat()
    response = client.post(f"/cases/{cast.case.pk}/flags/", {"message": "周末无人照看", "due_on": due})
    assert response.status_code == 302 and response["Location"] == f"/cases/{cast.case.pk}/"
    flag = CaseFlag.objects.get(case=cast.case)
    assert (flag.message, flag.due_on.isoformat(), flag.resolved_at) == ("周末无人照看", due, None)
    response = client.post(f"/cases/{cast.case.pk}/flags/{flag.pk}/resolve/")
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.resolved_at is not None


def test_flag_of_another_case_is_404_on_this_cases_route(cast, client_for):
    from cases.services import flag_add

    mine = make_case(lead_worker=cast.worker)
    elsewhere = flag_add(actor=cast.worker, case=mine, message="另一个个案的标记")
    response = client_for(cast.worker).post(f"/cases/{cast.case.pk}/flags/{elsewhere.pk}/resolve/")
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.resolved_at is None


def test_flags_by_htmx_come_back_as_the_flags_fragment(cast, client_for):
    client = client_for(cast.worker)
    response = client.post(f"/cases/{cast.case.pk}/flags/", {"message": "需要复查"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "需要复查" in response.content.decode() and "<html" not in response.content.decode()
    assert list(CaseFlag.objects.filter(case=cast.case).values_list("message", flat=True)) == ["需要复查"]


def test_a_flag_without_a_message_is_refused_in_chinese(cast, client_for):
    response = client_for(cast.worker).post(f"/cases/{cast.case.pk}/flags/", {"message": ""})
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh("A flag needs a short message.")]
    assert not CaseFlag.objects.exists()


def test_lead_worker_records_a_visit_on_the_quick_form(cast, client_for):
    body = {"kind": "home_visit", "date": TODAY.isoformat(), "duration_minutes": "45", "summary": "孩子在写作业"}
    response = client_for(cast.worker).post(f"/cases/{cast.case.pk}/visit/", body)
    assert response.status_code == 302
    visit = Activity.objects.get(case=cast.case)
    assert (visit.kind, visit.date, visit.duration_minutes, visit.summary, visit.recorded_by) == (
        "home_visit",
        TODAY,
        45,
        "孩子在写作业",
        cast.worker,
    )
    cast.case.refresh_from_db()
    assert cast.case.last_home_visit == TODAY


@pytest.mark.parametrize(
    ("field", "value"),
    [("date", battery.NOT_A_DAY), ("date", "明天"), ("duration_minutes", "2000"), ("kind", "party")],
)
def test_a_bad_visit_comes_back_with_what_was_typed_and_writes_nothing(cast, client_for, field, value):
    body = {"kind": "home_visit", "date": TODAY.isoformat(), "duration_minutes": "45", "summary": "孩子在写作业"}
    body[field] = value
    response = client_for(cast.worker).post(f"/cases/{cast.case.pk}/visit/", body)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert "孩子在写作业" in response.content.decode()  # what she typed is kept
    assert not Activity.objects.exists()


def test_manager_reassigns_the_case(cast, client_for):
    response = client_for(cast.manager).post(f"/cases/{cast.case.pk}/assign/", {"lead_worker": cast.colleague.pk})
    assert response.status_code == 302
    cast.case.refresh_from_db()
    assert cast.case.lead_worker == cast.colleague
    assert client_for(cast.colleague).get(f"/cases/{cast.case.pk}/").status_code == 200


@pytest.mark.parametrize("lead", ["", "abc", "999999", "referrer"])
def test_reassigning_to_no_one_or_a_non_worker_is_refused(cast, client_for, lead):
    value = str(cast.referrer.pk) if lead == "referrer" else lead
    response = client_for(cast.manager).post(f"/cases/{cast.case.pk}/assign/", {"lead_worker": value})
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh("Choose an active social worker.")]
    cast.case.refresh_from_db()
    assert cast.case.lead_worker == cast.worker


def test_case_create_with_bad_input_keeps_what_was_typed_and_writes_nothing(cast, client_for):
    before = battery.rows(Case, type(cast.case.child))
    body = {
        "child-name": "新来的孩子",
        "child-sex": "female",
        "child-birth_date": battery.NOT_A_DAY,
        "child-location": cast.village.pk,
        "case-presenting_issues": ["neglect"],
        "case-risk_level": "extreme",
        "case-opened_on": TODAY.isoformat(),
    }
    response = client_for(cast.worker).post("/cases/new/", body)
    assert response.status_code == 200
    assert "birth_date" in response.context["child_form"].errors
    assert "risk_level" in response.context["case_form"].errors
    assert "新来的孩子" in response.content.decode()
    assert battery.rows(Case, type(cast.case.child)) == before


def test_case_edit_with_a_bad_risk_level_changes_nothing(cast, client_for):
    case = Case.objects.get(pk=cast.case.pk)
    before = (case.version, case.risk_level)
    page = client_for(cast.worker).get(f"/cases/{case.pk}/edit/")
    body = {
        **{f"child-{k}": v for k, v in page.context["child_form"].initial.items() if v is not None},
        "child-location": cast.case.child.location_id,
        "case-risk_level": "extreme",
        "case-presenting_issues": ["neglect"],
        "case-family_situation": case.family_situation,
        "case-category": case.category,
        "case-opened_on": case.opened_on.isoformat(),
        "case-version": case.version,
    }
    response = client_for(cast.worker).post(f"/cases/{case.pk}/edit/", body)
    assert response.status_code == 200
    assert "risk_level" in response.context["case_form"].errors
    case.refresh_from_db()
    assert (case.version, case.risk_level) == before


# --- bad dates: 30 February is a date-shaped string that is no day -----------------------------------


def _plan(cast):
    from cases.services import casework

    return casework.careplan_save(actor=cast.worker, case=cast.case, goals="按时上学", review_on=TODAY)


def test_a_care_plan_with_a_review_date_that_is_no_day_is_refused(cast, client_for):
    response = client_for(cast.worker).post(
        f"/cases/{cast.case.pk}/plan/", {"goals": "按时上学", "review_on": battery.NOT_A_DAY}
    )
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh("Give a review date.")]
    assert not CarePlan.objects.exists()


def test_a_care_plan_action_due_on_no_day_is_refused(cast, client_for):
    _plan(cast)
    body = {"description": "联系学校", "actor_kind": "social_worker", "due_on": battery.NOT_A_DAY}
    response = client_for(cast.worker).post(f"/cases/{cast.case.pk}/plan/actions/", body)
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh("Give a due date.")]
    assert not CarePlanAction.objects.exists()


@pytest.mark.parametrize("closed_on", [battery.NOT_A_DAY, "上周"])
def test_a_closure_request_on_no_day_is_refused_not_dated_today(cast, client_for, closed_on):
    body = {"reason": "目标达成", "closed_on": closed_on}
    response = client_for(cast.worker).post(f"/cases/{cast.case.pk}/closure/", body)
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh("Enter a real date, for example 2026-03-01.")]
    assert not ClosureRequest.objects.exists()


def test_a_closure_request_without_a_date_is_dated_today(cast, client_for):
    response = client_for(cast.worker).post(f"/cases/{cast.case.pk}/closure/", {"reason": "目标达成"})
    assert response.status_code == 302
    closure = ClosureRequest.objects.get()
    assert (closure.closed_on, closure.reason, closure.status) == (TODAY, "目标达成", "submitted")


def test_an_entitlement_applied_on_no_day_is_refused(cast, client_for):
    body = {"kind": "medical_aid", "status": "applying", "applied_on": battery.NOT_A_DAY}
    response = client_for(cast.worker).post(f"/cases/{cast.case.pk}/entitlements/", body)
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh("Enter a real date, for example 2026-03-01.")]
    assert not Entitlement.objects.exists()


def test_an_entitlement_is_saved_and_re_read(cast, client_for):
    body = {"kind": "medical_aid", "status": "applying", "applied_on": TODAY.isoformat(), "note": "已交材料"}
    assert client_for(cast.worker).post(f"/cases/{cast.case.pk}/entitlements/", body).status_code == 302
    entitlement = Entitlement.objects.get(case=cast.case)
    assert (entitlement.kind, entitlement.status, entitlement.applied_on, entitlement.note) == (
        "medical_aid",
        "applying",
        TODAY,
        "已交材料",
    )


def test_an_assessment_dated_on_no_day_keeps_what_was_typed(cast, client_for):
    body = {"assessed_on": battery.NOT_A_DAY, "risk_level": "high", "summary": "监护缺失", "safety": "3", "submit": "1"}
    response = client_for(cast.worker).post(f"/cases/{cast.case.pk}/assessment/new/", body)
    assert response.status_code == 200
    assert response.context["errors"]["assessed_on"] == [battery.zh("Give the date of the assessment.")]
    assert response.context["values"]["summary"] == "监护缺失"
    assert not Assessment.objects.exists()


def test_an_upload_without_a_file_is_refused(cast, client_for):
    response = client_for(cast.worker).post(f"/cases/{cast.case.pk}/documents/", {"kind": "consent"})
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh("Choose a file.")]
    assert not CaseDocument.objects.exists()


def test_a_document_of_another_case_is_404_on_this_cases_route(world, cast, client_for):
    other = make_case(lead_worker=cast.worker)
    response = client_for(cast.worker).get(f"/cases/{other.pk}/documents/{world['document']}/")
    assert response.status_code == 404


# --- access beyond the team and transfers ---------------------------------------------------------------


def test_colleague_asks_for_access_and_the_manager_grants_it(cast, client_for):
    body = {"number": cast.case.number, "reason": "需要代班做家访，负责社工休假"}
    assert client_for(cast.colleague).post("/cases/access/", body).status_code == 302
    grant = AccessGrant.objects.get(user=cast.colleague)
    assert (grant.case_id, grant.status) == (cast.case.pk, "requested")
    response = client_for(cast.manager).post(f"/cases/access/{grant.pk}/decide/", {"decision": "grant", "days": "3"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == "granted"
    assert client_for(cast.colleague).get(f"/cases/{cast.case.pk}/").status_code == 200


@pytest.mark.parametrize("days", ["", "0", "31", "三"])
def test_granting_access_for_an_impossible_number_of_days_changes_nothing(world, cast, client_for, days):
    response = client_for(cast.manager).post(
        f"/cases/access/{world['grant']}/decide/", {"decision": "grant", "days": days}
    )
    assert response.status_code == 302 and response["Location"] == "/cases/access/"
    assert battery.messages_of(response)  # the reason is said
    assert AccessGrant.objects.get(pk=world["grant"]).status == "requested"


def test_an_access_request_without_a_reason_keeps_the_number_typed(cast, client_for):
    response = client_for(cast.colleague).post("/cases/access/", {"number": cast.case.number, "reason": ""})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert cast.case.number in response.content.decode()
    assert not AccessGrant.objects.exists()


def test_a_transfer_with_bad_input_is_the_form_again_and_nothing_is_written(cast, client_for):
    response = client_for(cast.manager).post(
        f"/cases/{cast.case.pk}/transfer/", {"organisation": "999999", "reason": "搬到外地", "consent_basis": "maybe"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "organisation" in errors and "consent_basis" in errors
    assert "搬到外地" in response.content.decode()
    assert not CaseTransfer.objects.filter(case=cast.case).exists()


def _receiving_manager(world):
    from accounts.models import User

    transfer = CaseTransfer.objects.get(pk=world["transfer"])
    return User.objects.get(role=Role.MANAGER, organisation=transfer.to_organisation)


@pytest.mark.parametrize("answer", ["maybe", "ACCEPT"])
def test_an_unknown_transfer_answer_is_404(world, client_for, answer):
    response = client_for(_receiving_manager(world)).post(f"/cases/transfers/{world['transfer']}/{answer}/")
    assert response.status_code == 404
    assert CaseTransfer.objects.get(pk=world["transfer"]).status == "proposed"


def test_a_transfer_declined_without_a_reason_stays_proposed(world, client_for):
    response = client_for(_receiving_manager(world)).post(
        f"/cases/transfers/{world['transfer']}/decline/", {"reason": ""}
    )
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh("Give the reason for declining.")]
    assert CaseTransfer.objects.get(pk=world["transfer"]).status == "proposed"


def test_the_sending_manager_cannot_answer_her_own_transfer(world, cast, client_for):
    response = client_for(cast.manager).post(f"/cases/transfers/{world['transfer']}/decline/", {"reason": "算了"})
    assert response.status_code == 403
    assert CaseTransfer.objects.get(pk=world["transfer"]).status == "proposed"


# --- approvals are the manager's own organisation's ---------------------------------------------------


def test_another_organisations_manager_sees_none_of_our_approvals(world, planted, client_for):
    outsider = UserFactory(role=Role.MANAGER, organisation=_organisation())
    response = client_for(outsider).get("/cases/approvals/")
    assert response.status_code == 200
    assert response.context["assessments"] == [] and response.context["closures"] == []
    assert PLANTED_NAME not in response.content.decode()


# --- exact query counts of the list pages, at two sizes -----------------------------------------------


def _more_cases(cast, n: int) -> None:
    for _ in range(n):
        case = make_case(lead_worker=cast.worker, child=ChildFactory(location=cast.village))
        ActivityFactory(case=case)
        case.flags.create(message="flag")


def _submitted(cast, n: int) -> None:
    from cases.services import casework

    for _ in range(n):
        case = make_case(lead_worker=cast.worker)
        casework.assessment_save(
            actor=cast.worker,
            case=case,
            assessed_on=TODAY,
            risk_level="medium",
            submit=True,
            **dict.fromkeys(casework.DOMAINS, 1),
        )
        casework.closure_request_create(actor=cast.worker, case=case, closed_on=TODAY, reason="目标达成")


def _transfers(cast, n: int) -> None:
    from cases.services import transfer_propose
    from organisations.models import Organisation

    receiver = _organisation(f"接收方{Organisation.objects.count()}")
    UserFactory(role=Role.MANAGER, organisation=receiver)
    for _ in range(n):
        transfer_propose(
            actor=cast.manager,
            case=make_case(lead_worker=cast.worker),
            to_organisation=receiver,
            reason="搬家",
            consent_basis="not_given",
        )


def _access_requests(cast, n: int) -> None:
    from cases.services import access as access_services

    for _ in range(n):
        case = make_case(lead_worker=cast.worker)
        access_services.access_request(actor=cast.colleague, number=case.number, reason="需要代班做家访，负责社工休假")


def _access_log(cast, n: int) -> None:
    from core.audit import audit_log
    from core.models import AuditAction

    for _ in range(n):
        audit_log(action=AuditAction.VIEW, obj=cast.case, user=cast.worker)


# page -> (who, how battery.rows are made, the context key of the battery.rows, the pinned number of queries)
LIST_PAGES = {
    "/cases/?per_page=100": ("worker", _more_cases, "cases", 6),
    "/cases/search/?q=儿童": ("worker", _more_cases, "results", 6),
    "/cases/approvals/": ("manager", _submitted, "assessments", 6),
    "/cases/transfers/": ("manager", _transfers, "transfers", 5),
    "/cases/access/": ("manager", _access_requests, "pending", 6),
    "/cases/{case}/access-log/": ("manager", _access_log, "page", 7),
}
# the access log also lists the manager's own first measured read of it
SHOWN_BEYOND_THE_ROWS_MADE = {"/cases/{case}/access-log/": 1}


test_list_page_query_count_is_the_same_at_two_sizes = battery.list_page_battery(
    LIST_PAGES, more=10, beyond=SHOWN_BEYOND_THE_ROWS_MADE
)


def test_child_autocomplete_query_count_is_the_same_at_two_sizes(cast, client_for, django_assert_num_queries):
    client = client_for(cast.worker)
    _more_cases(cast, 2)
    client.get("/cases/children/autocomplete/", {"q": "儿童"})
    found = []
    for more in (0, 5):
        _more_cases(cast, more)
        with django_assert_num_queries(4):
            found.append(len(client.get("/cases/children/autocomplete/", {"q": "儿童"}).json()["results"]))
    assert found[1] - found[0] == 5, found
