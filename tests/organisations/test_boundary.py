"""The organisation boundary: NGO A's manager and social worker read nothing of NGO B and write
nothing to it. Every case, referral and contract page and API route of B answers 404, the planted
child's name and notes never appear in a body, and the database is re-read after refused writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cases.models import Activity, Case
from core.models import Contract
from referrals.models import Referral
from tests.conftest import api_as, login

pytestmark = pytest.mark.django_db

READERS = ("manager", "worker")


def _user(side: Any, role: str) -> Any:
    return getattr(side, role)


def _page_reads(b: Any) -> list[str]:
    case, referral = b.case.pk, b.referral.pk
    return [
        f"/cases/{case}/",
        f"/cases/{case}/work/",
        f"/cases/{case}/edit/",
        f"/referrals/{referral}/",
        f"/referrals/case/{case}/",
    ]


def _api_reads(b: Any) -> list[str]:
    return [
        f"/api/v1/cases/{b.case.pk}/",
        f"/api/v1/referrals/{b.referral.pk}/",
        f"/api/v1/contracts/{b.contract.pk}/",
        f"/api/v1/members/{b.member.pk}/",
        f"/api/v1/activities/{b.case.activities.get().pk}/",
    ]


def _lists(b: Any) -> list[str]:
    """Lists, searches and exports: 200, and none of B's records in them."""
    return [
        "/cases/",
        f"/cases/search/?q={b.child_name[1:]}",  # a part: the page repeats what was searched for
        f"/cases/children/autocomplete/?q={b.child_name[1:]}",
        "/referrals/queue/",
        "/api/v1/cases/",
        f"/api/v1/cases/?contract={b.contract.pk}",
        "/api/v1/referrals/",
        "/api/v1/activities/",
        "/api/v1/contracts/",
        "/api/v1/members/",
    ]


def _planted(b: Any) -> list[str]:
    return [b.child_name, b.secret, b.referral.child_name, b.contract.name, b.member.name]


@pytest.mark.parametrize("role", READERS)
def test_every_page_of_another_ngo_is_404_without_its_names(city, role):
    client = login(_user(city.a, role))
    for url in _page_reads(city.b):
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.content.decode()
        assert not [name for name in _planted(city.b) if name in body], url


@pytest.mark.parametrize("role", READERS)
def test_every_api_read_of_another_ngo_is_404(city, role):
    client = api_as(_user(city.a, role))
    for url in _api_reads(city.b):
        response = client.get(url)
        assert response.status_code == 404, url
        assert not [name for name in _planted(city.b) if name in response.content.decode()], url


@pytest.mark.parametrize("role", READERS)
def test_lists_searches_and_exports_hold_only_ones_own_organisation(city, role):
    client = api_as(_user(city.a, role))
    web = login(_user(city.a, role))
    for url in _lists(city.b):
        response = (client if url.startswith("/api/") else web).get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not [name for name in [*_planted(city.b), city.b.case.number] if name in body], url
    # and A's own case is there: the boundary is not an empty list
    own = client.get("/api/v1/cases/").json()
    assert [row["id"] for row in own["results"]] == [city.a.case.pk]
    assert own["results"][0]["organisation"] == city.a.organisation.pk


def test_the_manager_export_holds_only_their_organisation(city):
    response = login(city.a.manager).get("/cases/export/")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8-sig")
    assert city.a.case.number in text
    assert city.b.case.number not in text and city.b.child_name not in text


def _snapshot(b: Any) -> dict:
    case = Case.objects.get(pk=b.case.pk)
    return {
        "case": Case.objects.filter(pk=b.case.pk).values().get(),
        "activities": Activity.objects.filter(case=case).count(),
        "flags": case.flags.count(),
        "household": case.child.household.count(),
        "referral": Referral.objects.filter(pk=b.referral.pk).values().get(),
        "contract": Contract.objects.filter(pk=b.contract.pk).values().get(),
        "cases_in_b": Case.objects.filter(organisation=b.organisation).count(),
    }


@pytest.mark.parametrize("role", READERS)
def test_writes_to_another_ngo_are_refused_and_change_nothing(city, role):
    b, user = city.b, _user(city.a, role)
    today = timezone.localdate().isoformat()
    before = _snapshot(b)
    web, api = login(user), api_as(user)
    pk = b.case.pk
    web_writes = [
        (f"/cases/{pk}/flags/", {"message": "外人的标记"}),
        (f"/cases/{pk}/visit/", {"kind": "home_visit", "date": today, "summary": "外人的家访"}),
        (f"/cases/{pk}/edit/", {"case-risk_level": "low", "case-version": b.case.version}),
        (f"/cases/{pk}/household/", {"name": "外人", "relation": "uncle", "status": "present"}),
        (f"/cases/{pk}/assign/", {"lead_worker": city.a.worker.pk}),
        (f"/cases/{pk}/close/", {"closed_on": today, "closure_reason": "外人结案"}),
        (f"/referrals/{b.referral.pk}/accept/", {}),
        (f"/referrals/{b.referral.pk}/decline/", {"reason": "外人"}),
    ]
    answers = {url: web.post(url, body).status_code for url, body in web_writes}
    assert answers == dict.fromkeys(answers, 404), answers
    api_writes = [
        ("patch", f"/api/v1/cases/{pk}/", {"risk_level": "low", "version": b.case.version}),
        ("post", f"/api/v1/cases/{pk}/assign/", {"lead_worker": city.a.worker.pk}),
        ("post", f"/api/v1/cases/{pk}/close/", {"closed_on": today, "closure_reason": "外人"}),
        ("post", f"/api/v1/referrals/{b.referral.pk}/accept/", {}),
        ("post", f"/api/v1/referrals/{b.referral.pk}/decline/", {"reason": "外人"}),
        ("patch", f"/api/v1/members/{b.member.pk}/", {"name": "外人改名"}),
    ]
    answers = {url: getattr(api, verb)(url, body, format="json").status_code for verb, url, body in api_writes}
    assert answers == dict.fromkeys(answers, 404), answers
    # a social worker may change no contract at all (403 before any lookup); a manager not B's (404)
    response = api.patch(f"/api/v1/contracts/{b.contract.pk}/", {"amount": "1.00"}, format="json")
    assert response.status_code == {"manager": 404, "worker": 403}[role]
    # an activity on B's case is refused as a bad case, not written
    response = api.post(
        "/api/v1/activities/", {"case": pk, "kind": "home_visit", "date": today, "summary": "外人"}, format="json"
    )
    assert response.status_code == 400
    assert _snapshot(b) == before


def test_a_case_cannot_be_opened_in_or_with_another_organisation(city):
    api = api_as(city.a.manager)
    child = {"name": "新孩子"}
    refused = [
        {"child": child, "organisation": city.b.organisation.pk},
        {"child": child, "contract": city.b.contract.pk},
        {"child": child, "lead_worker": city.b.worker.pk},
    ]
    for body in refused:
        response = api.post("/api/v1/cases/", body, format="json")
        assert response.status_code == 400, body
    assert Case.objects.filter(child__name="新孩子").count() == 0
    # omitted: the case is the manager's own organisation's, with its running contract
    response = api.post("/api/v1/cases/", {"child": child}, format="json")
    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["id"])
    assert (case.organisation_id, case.contract_id) == (city.a.organisation.pk, city.a.contract.pk)


def test_the_admin_sees_both_organisations(city):
    ids = {row["id"] for row in api_as(city.admin).get("/api/v1/cases/").json()["results"]}
    assert ids == {city.a.case.pk, city.b.case.pk}


def test_a_manager_manages_only_their_organisations_accounts(city):
    api = api_as(city.a.manager)
    usernames = {row["username"] for row in api.get("/api/v1/users/?page_size=200").json()["results"]}
    assert usernames == {"mgr_甲", "sw_甲"}
    assert api.get(f"/api/v1/users/{city.b.worker.pk}/").status_code == 404
    response = api.patch(f"/api/v1/users/{city.b.worker.pk}/", {"full_name": "外人"}, format="json")
    assert response.status_code == 404
    response = api.post(
        "/api/v1/users/",
        {
            "username": "newb",
            "password": "Shouhu-test-1x",
            "role": "social_worker",
            "organisation": city.b.organisation.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    response = api.post(
        "/api/v1/users/", {"username": "newa", "password": "Shouhu-test-1x", "role": "social_worker"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["organisation"] == city.a.organisation.pk


def test_the_funder_sees_only_the_contracts_it_funds(city):
    api = api_as(city.funder)
    rows = api.get("/api/v1/contracts/").json()["results"]
    assert [row["id"] for row in rows] == [city.b.contract.pk]
    assert api.get(f"/api/v1/contracts/{city.a.contract.pk}/").status_code == 404
    assert api.get(f"/api/v1/cases/{city.b.case.pk}/").status_code == 403  # never a case file
    orgs = {row["id"] for row in api.get("/api/v1/organisations/").json()["results"]}
    assert orgs == {city.funder.organisation_id, city.b.organisation.pk}


def test_staff_see_the_directory_of_organisations(city):
    response = api_as(city.a.worker).get("/api/v1/organisations/")
    assert response.status_code == 200
    names = {row["name"] for row in response.json()["results"]}
    assert {"甲社工服务中心", "乙社工服务中心", "市民政局"} <= names
    assert api_as(None).get("/api/v1/organisations/").status_code == 401


def _summary(user, **params):
    start = (timezone.localdate() - dt.timedelta(days=60)).isoformat()
    end = timezone.localdate().isoformat()
    query = "&".join(f"{k}={v}" for k, v in {"start": start, "end": end, **params}.items())
    return api_as(user).get(f"/api/v1/reports/summary/?{query}")


def test_figures_are_scoped_to_the_organisation_and_to_what_a_funder_funds(city):
    from tests.factories import ChildFactory, MemberFactory, make_case

    # A has 2 cases, B 4 (over the funders' suppression of counts under 3), B's Alliance 3 members
    make_case(lead_worker=city.a.worker, child=ChildFactory(location=city.village), organisation=city.a.organisation)
    for _ in range(3):
        make_case(
            lead_worker=city.b.worker,
            child=ChildFactory(location=city.village),
            organisation=city.b.organisation,
            contract=city.b.contract,
        )
        MemberFactory(location=city.village, organisation=city.b.organisation)
    assert _summary(city.a.manager).json()["cases"]["total"] == 2
    assert _summary(city.b.manager).json()["cases"]["total"] == 4
    assert _summary(city.admin).json()["cases"]["total"] == 6
    funded = _summary(city.funder).json()
    assert funded["cases"]["total"] == 4  # the contract it funds, delivered by B
    assert funded["cases"]["caseload_target"] == city.b.contract.caseload_target
    assert funded["alliance"]["members"] == 4  # B's Alliance: the NGO delivering the contract it funds
    # another organisation's contract cannot be named
    assert _summary(city.a.manager, contract=city.b.contract.pk).status_code == 400
    assert _summary(city.funder, contract=city.a.contract.pk).status_code == 400
    assert _summary(city.funder, contract=city.b.contract.pk).json()["cases"]["total"] == 4


def test_documents_panels_members_and_programmes_of_another_ngo_are_404(city, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.services import document_add
    from programmes.services import programme_create

    settings.MEDIA_ROOT = str(tmp_path)
    b = city.b
    document = document_add(
        actor=b.worker,
        case=b.case,
        upload=SimpleUploadedFile("乙同意书.pdf", b"%PDF-1.4 consent of B", content_type="application/pdf"),
        kind="consent",
    )
    programme = programme_create(
        actor=b.manager, kind="children_group", title="乙中心儿童小组", starts_on=timezone.localdate()
    )
    assert programme.organisation_id == b.organisation.pk
    urls = [
        f"/cases/{b.case.pk}/documents/{document.pk}/",
        f"/alliance/case/{b.case.pk}/",
        f"/promises/case/{b.case.pk}/",
        f"/programmes/case/{b.case.pk}/",
        f"/alliance/{b.member.pk}/",
        f"/programmes/{programme.pk}/",
    ]
    for role in READERS:
        client = login(_user(city.a, role))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, (role, url)
            assert not [name for name in [*_planted(b), "乙中心儿童小组"] if name in response.content.decode()]
        listing = api_as(_user(city.a, role)).get("/api/v1/programmes/").json()
        assert programme.pk not in [row["id"] for row in listing["results"]]
    # B's own staff read them
    assert login(b.worker).get(f"/cases/{b.case.pk}/documents/{document.pk}/").status_code == 200
    assert login(b.manager).get(f"/programmes/{programme.pk}/").status_code == 200


def test_another_ngos_promises_are_neither_listed_nor_asked(city):
    from django.core.exceptions import ValidationError

    from resources.services import pledges_matching_need, request_create
    from tests.factories import PledgeFactory

    pledge_b = PledgeFactory(member=city.b.member, kind="goods", description="乙联盟的书包")
    pledge_a = PledgeFactory(member=city.a.member, kind="goods", description="甲联盟的书包")
    ids = [row["id"] for row in api_as(city.a.worker).get("/api/v1/pledges/").json()["results"]]
    assert ids == [pledge_a.pk]
    assert [p.pk for p in pledges_matching_need(case=city.a.case, kind="goods")] == [pledge_a.pk]
    with pytest.raises(ValidationError):
        request_create(actor=city.a.worker, case=city.a.case, pledge=pledge_b, need="书包", what="一个书包")
    assert pledge_b.requests.count() == 0
