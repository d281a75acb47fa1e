from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Activity, Case, Child, RiskChange
from tests.factories import ActivityFactory, make_case
from tests.pages import text_of


def _t(msgid: str) -> str:
    """The Chinese of a product string (a variable, so makemessages does not extract it from the tests)."""
    from django.utils import translation

    return translation.gettext(msgid)


pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _new_case_body(cast, **overrides):
    body = {
        "child": {
            "name": "新来的孩子",
            "sex": "female",
            "birth_date": "2015-03-04",
            "location": cast.village.pk,
            "hukou_status": "none",
            "left_behind": True,
            "school_status": "out_of_school",
        },
        "status": "active",
        "risk_level": "high",
        "presenting_issues": ["neglect", "poverty"],
        "family_situation": "skip_generation",
        "category": "custody_need",
        "opened_on": "2025-06-01",
    }
    body.update(overrides)
    return body


def test_staff_create_a_case_directly_through_the_api(cast, api_for):
    response = api_for(cast.worker).post("/api/v1/cases/", _new_case_body(cast), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"].startswith("2025-") and data["version"] == 1
    assert data["child"]["name"] == "新来的孩子" and data["presenting_issues"] == ["neglect", "poverty"]
    case = Case.objects.get(pk=data["id"])
    assert case.lead_worker == cast.worker and case.status == "active" and case.opened_on == dt.date(2025, 6, 1)
    # the creator sees it, a colleague does not
    assert api_for(cast.worker).get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert api_for(cast.colleague).get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_case_numbers_are_sequential_per_year(cast):
    a = make_case(opened_on=dt.date(2024, 5, 1))
    b = make_case(opened_on=dt.date(2024, 6, 1))
    assert (a.number, b.number) == ("2024-0001", "2024-0002")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"child": {"name": "x" * 10000}}, "child"),
        ({"child": {"name": "孩子", "birth_date": (TODAY + dt.timedelta(days=3)).isoformat()}}, "child"),
        ({"risk_level": "extreme"}, "risk_level"),
        ({"presenting_issues": ["neglect", "aliens"]}, "presenting_issues"),
        ({"opened_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "opened_on"),
        ({"status": "closed", "closed_on": "2025-01-01"}, "closed_on"),
        ({"status": "closed"}, "closed_on"),
        ({"presenting_issues": ["neglect", "neglect"]}, "presenting_issues"),
    ],
)
def test_bad_case_input_is_refused_and_writes_nothing(cast, api_for, change, field):
    before = (Case.objects.count(), Child.objects.count())
    body = _new_case_body(cast)
    if "child" in change:
        body["child"] = {**body["child"], **change.pop("child")}
    body.update(change)
    response = api_for(cast.worker).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert (Case.objects.count(), Child.objects.count()) == before


def test_error_messages_are_in_chinese_by_default(cast, api_for):
    body = _new_case_body(cast, opened_on=(TODAY + dt.timedelta(days=1)).isoformat())
    response = api_for(cast.worker).post("/api/v1/cases/", body, format="json")
    assert "立案日期不能晚于今天" in str(response.json())


def test_patch_needs_the_version_and_a_stale_one_answers_409(cast, api_for):
    url = f"/api/v1/cases/{cast.case.pk}/"
    client = api_for(cast.worker)
    assert client.patch(url, {"risk_level": "high"}, format="json").status_code == 400
    first = client.patch(url, {"risk_level": "high", "version": 1}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    # a second editor who read version 1 is stopped, and nothing of theirs is written
    second = api_for(cast.manager).patch(
        url, {"risk_level": "low", "family_situation": "living_alone", "version": 1}, format="json"
    )
    assert second.status_code == 409
    assert second.json()["current"]["risk_level"] == "high"
    cast.case.refresh_from_db()
    assert (cast.case.risk_level, cast.case.family_situation, cast.case.version) == ("high", "skip_generation", 2)
    assert RiskChange.objects.filter(case=cast.case, from_level="medium", to_level="high").count() == 1


def test_second_web_editor_is_stopped_and_sees_what_changed(cast, client_for):
    url = f"/cases/{cast.case.pk}/edit/"
    form = client_for(cast.worker).get(url).context["case_form"]
    base = {
        "child-name": cast.case.child.name,
        "child-sex": "female",
        "child-birth_date": "2016-05-01",
        "child-location": cast.case.child.location_id,
        "child-hukou_status": "local",
        "child-school_status": "in_school",
        "case-family_situation": "skip_generation",
        "case-category": "custody_need",
        "case-opened_on": cast.case.opened_on.isoformat(),
        "case-presenting_issues": ["neglect"],
        "case-version": form.initial["version"],
    }
    first = client_for(cast.manager).post(url, {**base, "case-risk_level": "immediate", "case-risk_reason": "孩子被打"})
    assert first.status_code == 302
    second = client_for(cast.worker).post(url, {**base, "case-risk_level": "low"})
    assert second.status_code == 409
    page = second.content.decode()
    assert "其他人" in page and "紧急" in page  # "someone else saved", and their value
    cast.case.refresh_from_db()
    assert cast.case.risk_level == "immediate"
    assert RiskChange.objects.get(case=cast.case).reason == "孩子被打"


def test_close_action(cast, api_for):
    url = f"/api/v1/cases/{cast.case.pk}/close/"
    bad = api_for(cast.manager).post(
        url,
        {"closed_on": (cast.case.opened_on - dt.timedelta(days=1)).isoformat(), "closure_reason": "目标达成"},
        format="json",
    )
    assert bad.status_code == 400
    cast.case.refresh_from_db()
    assert cast.case.status == "assessment"
    unknown = {"closed_on": TODAY.isoformat(), "closure_reason": "目标达成", "closure_code": "happy"}
    assert api_for(cast.manager).post(url, unknown, format="json").status_code == 400
    ok = api_for(cast.manager).post(url, {**unknown, "closure_code": "aged_out"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "closed"
    cast.case.refresh_from_db()
    assert cast.case.closed_on == TODAY and cast.case.closure_reason == "目标达成"
    assert cast.case.closure_code == "aged_out"
    again = api_for(cast.manager).post(url, {"closed_on": TODAY.isoformat(), "closure_reason": "x"}, format="json")
    assert again.status_code == 400


def test_activity_api_records_a_visit(cast, api_for):
    body = {
        "case": cast.case.pk,
        "kind": "home_visit",
        "date": TODAY.isoformat(),
        "duration_minutes": 45,
        "summary": "奶奶身体好转",
        "sensitive": False,
    }
    response = api_for(cast.worker).post("/api/v1/activities/", body, format="json")
    assert response.status_code == 201
    activity = Activity.objects.get(pk=response.json()["id"])
    assert activity.recorded_by == cast.worker and activity.duration_minutes == 45
    for bad in (
        {"kind": "party"},
        {"date": (TODAY + dt.timedelta(days=2)).isoformat()},
        {"duration_minutes": -5},
        {"summary": ""},
        {"case": 99999999},
    ):
        assert api_for(cast.worker).post("/api/v1/activities/", {**body, **bad}, format="json").status_code == 400
    assert Activity.objects.count() == 1


def test_quick_visit_from_the_phone_page(cast, client_for):
    client = client_for(cast.worker)
    response = client.post(
        f"/cases/{cast.case.pk}/visit/",
        {"kind": "home_visit", "date": TODAY.isoformat(), "duration_minutes": "30", "summary": "孩子在写作业"},
    )
    assert response.status_code == 302
    assert cast.case.activities.get().summary == "孩子在写作业"
    bad = client.post(f"/cases/{cast.case.pk}/visit/", {"kind": "home_visit", "date": "2099-01-01", "summary": ""})
    assert bad.status_code == 200 and cast.case.activities.count() == 1
    assert "不能" in bad.content.decode()


def test_script_in_a_note_is_escaped(cast, client_for):
    ActivityFactory(case=cast.case, summary="<script>alert(1)</script>")
    page = client_for(cast.worker).get(f"/cases/{cast.case.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_flags_show_on_the_caseload_until_resolved(cast, client_for):
    client = client_for(cast.worker)
    response = client.post(f"/cases/{cast.case.pk}/flags/", {"message": "周五前联系学校"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "周五前联系学校" in response.content.decode()
    assert "周五前联系学校" in client.get("/cases/").content.decode()
    flag = cast.case.flags.get()
    client.post(f"/cases/{cast.case.pk}/flags/{flag.pk}/resolve/")
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    assert "周五前联系学校" not in client.get("/cases/").content.decode()


def test_caseload_puts_overdue_and_urgent_first(cast, client_for):
    calm = make_case(lead_worker=cast.worker, risk_level="low")
    ActivityFactory(case=calm, date=TODAY)
    urgent = make_case(lead_worker=cast.worker, risk_level="immediate")
    ActivityFactory(case=urgent, date=TODAY - dt.timedelta(days=5))
    cases = client_for(cast.worker).get("/cases/").context["cases"]
    assert cases[0] == urgent and cases[0].is_overdue
    assert cases[-1] == calm and not calm.pk == cases[0].pk
    assert {c.pk for c in cases} == {cast.case.pk, calm.pk, urgent.pk}


def _many_cases(cast, n):
    for i in range(n):
        case = make_case(lead_worker=cast.worker, risk_level=["low", "medium", "high"][i % 3])
        ActivityFactory(case=case)
        case.flags.create(message=f"flag {i}")


# session, user, the page's figures (the count, the overdue / due-today counts and the village filter's choices
# of issue 14, in one statement), the page's rows with their open flags, the audit row naming the cases shown
# (issue 15), the bell (the session is written at most once a minute, not on every request)
CASELOAD_PAGE_QUERIES = 6


def test_caseload_query_count_is_pinned_whatever_the_number_of_cases(cast, client_for, django_assert_num_queries):
    client = client_for(cast.worker)
    _many_cases(cast, 2)
    client.get("/cases/")  # warm-up (content types)
    with django_assert_num_queries(CASELOAD_PAGE_QUERIES):
        assert len(client.get("/cases/").context["cases"]) == 3
    _many_cases(cast, 12)
    with django_assert_num_queries(CASELOAD_PAGE_QUERIES):
        assert len(client.get("/cases/").context["cases"]) == 15


def test_manager_team_view_shows_caseloads_against_the_target(cast, client_for):
    from tests.factories import ContractFactory

    contract = ContractFactory(caseload_target=20)
    make_case(lead_worker=cast.colleague, contract=contract)
    response = client_for(cast.manager).get("/cases/")
    assert response.status_code == 200
    team = {u.username: u.open_cases for u in response.context["team"]}
    assert team["xiaochen"] == 1 and team["xiaoli"] == 1
    # the page says it: each worker's open cases, and the running contract's target
    import re

    from django.utils import translation

    table = text_of(response.content, "team-table")
    assert re.search(r"小陈 1 \d", table) and re.search(r"小李 1 \d", table), table
    with translation.override("zh-hans"):
        expected = _t("%(name)s: %(n)s of %(target)s cases in the contract target.") % {
            "name": contract.name,
            "n": 1,
            "target": 20,
        }
    assert text_of(response.content, "contract-target") == expected


def test_new_case_page_creates_child_and_case(cast, client_for):
    response = client_for(cast.worker).post(
        "/cases/new/",
        {
            "child-name": "小花",
            "child-sex": "female",
            "child-birth_date": "2017-01-01",
            "child-location": cast.village.pk,
            "child-hukou_status": "local",
            "child-school_status": "in_school",
            "case-risk_level": "medium",
            "case-opened_on": TODAY.isoformat(),
            "case-presenting_issues": ["poverty", "neglect"],
            "case-primary_issue": "neglect",
            "case-family_situation": "with_one_parent",
            "case-category": "family_need",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(child__name="小花")
    assert case.presenting_issues == ["neglect", "poverty"] and case.lead_worker == cast.worker
    future = client_for(cast.worker).post(
        "/cases/new/", {"child-name": "小草", "child-birth_date": "2099-01-01", "child-location": cast.village.pk}
    )
    assert future.status_code == 200 and not Child.objects.filter(name="小草").exists()


def test_two_editors_of_the_child_alone_the_second_is_told_and_nothing_of_theirs_is_written(cast, api_for):
    """The child's fields are under the case file's version: a change to the child alone moves it."""
    url = f"/api/v1/cases/{cast.case.pk}/"
    first = api_for(cast.worker).patch(url, {"version": 1, "child": {"name": "王小梅"}}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    second = api_for(cast.manager).patch(url, {"version": 1, "child": {"name": "王晓梅"}}, format="json")
    assert second.status_code == 409
    cast.case.refresh_from_db()
    cast.case.child.refresh_from_db()
    assert (cast.case.child.name, cast.case.version) == ("王小梅", 2)


def test_a_child_change_moves_the_version_of_the_childs_other_case_files(cast, api_for):
    other = make_case(child=cast.case.child, lead_worker=cast.worker)
    version = other.version
    response = api_for(cast.worker).patch(
        f"/api/v1/cases/{cast.case.pk}/", {"version": cast.case.version, "child": {"name": "王小梅"}}, format="json"
    )
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.version == version + 1


def test_second_web_editor_of_the_child_alone_is_stopped(cast, client_for):
    url = f"/cases/{cast.case.pk}/edit/"
    form = client_for(cast.worker).get(url).context["case_form"]
    base = {
        "child-sex": "female",
        "child-birth_date": "2016-05-01",
        "child-location": cast.case.child.location_id,
        "child-hukou_status": "local",
        "child-school_status": "in_school",
        "case-risk_level": cast.case.risk_level,
        "case-family_situation": cast.case.family_situation,
        "case-category": cast.case.category,
        "case-opened_on": cast.case.opened_on.isoformat(),
        "case-presenting_issues": list(cast.case.presenting_issues),
        "case-version": form.initial["version"],
    }
    assert client_for(cast.manager).post(url, {**base, "child-name": "王小梅"}).status_code == 302
    assert client_for(cast.worker).post(url, {**base, "child-name": "王晓梅"}).status_code == 409
    cast.case.child.refresh_from_db()
    assert cast.case.child.name == "王小梅"


# --- the case's entitlements in the API (issue 12, item 4) -------------------------------------------


def test_a_cases_entitlements_show_in_retrieve_and_list_for_who_may_see_the_case(cast, api_for):
    from decimal import Decimal

    from cases.models import Entitlement

    case = make_case(lead_worker=cast.worker)
    other = make_case(lead_worker=cast.worker)
    Entitlement.objects.create(
        case=case,
        kind="minimum_living_allowance",
        status="granted",
        applied_on=dt.date(2025, 3, 1),
        monthly_amount=Decimal("650.00"),
    )
    Entitlement.objects.create(case=case, kind="medical_aid", status="applying")
    expected = [
        {"kind": "medical_aid", "status": "applying", "applied_on": None, "monthly_amount": None},
        {
            "kind": "minimum_living_allowance",
            "status": "granted",
            "applied_on": "2025-03-01",
            "monthly_amount": "650.00",
        },
    ]
    client = api_for(cast.worker)
    detail = client.get(f"/api/v1/cases/{case.pk}/")
    assert detail.status_code == 200, detail.content
    assert detail.json()["entitlements"] == expected
    rows = {row["id"]: row for row in client.get("/api/v1/cases/", {"page_size": 200}).json()["results"]}
    assert rows[case.pk]["entitlements"] == expected
    assert rows[other.pk]["entitlements"] == []
    # who may not see the case sees neither it nor its entitlements
    assert api_for(cast.colleague).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert case.pk not in {row["id"] for row in api_for(cast.colleague).get("/api/v1/cases/").json()["results"]}


def test_entitlements_are_read_only_through_the_case_api(cast, api_for):
    from cases.models import Entitlement

    case = make_case(lead_worker=cast.worker)
    response = api_for(cast.worker).patch(
        f"/api/v1/cases/{case.pk}/",
        {"version": case.version, "entitlements": [{"kind": "medical_aid", "status": "granted"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["entitlements"] == []
    assert Entitlement.objects.filter(case=case).count() == 0


def test_the_schema_documents_the_cases_entitlements(cast, api_for):
    schema = api_for(cast.worker).get("/api/v1/schema/", {"format": "json"}).json()
    case = schema["components"]["schemas"]["Case"]
    # always in the answer (read-only fields are "required" in a response schema), never to be sent
    assert "entitlements" in case["required"]
    assert case["properties"]["entitlements"]["readOnly"] is True
    item = schema["components"]["schemas"]["CaseEntitlement"]
    assert set(item["properties"]) == {"kind", "status", "applied_on", "monthly_amount"}
