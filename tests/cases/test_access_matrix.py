"""Who sees which case, on every page and endpoint of the cases app: a matrix over the cast."""

from __future__ import annotations

import pytest

from core.models import AuditEntry
from tests.factories import ActivityFactory, make_case

pytestmark = pytest.mark.django_db

SEES_CASE = {
    "admin": True,
    "manager": True,
    "worker": True,
    "colleague": False,
    "referrer": False,
    "pledger": False,
    "volunteer": False,
    "funder": False,
}
NOT_STAFF = ("referrer", "pledger", "volunteer", "funder")


def _pages(case):
    return [f"/cases/{case.pk}/", f"/cases/{case.pk}/edit/", f"/cases/{case.pk}/visit/"]


@pytest.mark.parametrize("role", list(SEES_CASE))
def test_case_pages_by_role(cast, client_for, role):
    user = cast.by_role()[role]
    client = client_for(user)
    for url in _pages(cast.case):
        response = client.get(url)
        expected = 200 if SEES_CASE[role] else 404
        assert response.status_code == expected, (role, url)
        if not SEES_CASE[role]:
            assert cast.case.child.name not in response.content.decode()


@pytest.mark.parametrize("role", list(SEES_CASE))
def test_case_api_by_role(cast, api_for, role):
    user = cast.by_role()[role]
    client = api_for(user)
    listing = client.get("/api/v1/cases/")
    detail = client.get(f"/api/v1/cases/{cast.case.pk}/")
    if role in NOT_STAFF:
        assert listing.status_code == 403 and detail.status_code == 403
        return
    assert listing.status_code == 200
    ids = [row["id"] for row in listing.json()["results"]]
    assert (cast.case.pk in ids) == SEES_CASE[role]
    assert detail.status_code == (200 if SEES_CASE[role] else 404)
    if not SEES_CASE[role]:
        assert cast.case.child.name not in detail.content.decode()


def test_anonymous_is_refused_everywhere(cast, client_for, api_for):
    for url in ["/cases/", "/cases/search/?q=x", *_pages(cast.case)]:
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert api_for(None).get("/api/v1/cases/").status_code == 401
    assert api_for(None).get(f"/api/v1/cases/{cast.case.pk}/").status_code == 401
    assert api_for(None).get("/api/v1/activities/").status_code == 401


@pytest.mark.parametrize("role", NOT_STAFF)
def test_roles_outside_the_project_staff_get_403_on_case_lists(cast, client_for, role):
    client = client_for(cast.by_role()[role])
    for url in ["/cases/", "/cases/search/?q=儿童", "/cases/new/", "/cases/children/autocomplete/?q=儿童"]:
        assert client.get(url).status_code == 403, url


def test_search_and_autocomplete_respect_permissions(cast, client_for):
    other = make_case(lead_worker=cast.colleague)
    name = other.child.name
    mine = client_for(cast.worker).get("/cases/search/", {"q": name}).context["results"]
    assert other not in mine
    theirs = client_for(cast.colleague).get("/cases/search/", {"q": name}).context["results"]
    assert theirs == [other]
    auto = client_for(cast.worker).get("/cases/children/autocomplete/", {"q": name}).json()
    assert auto == {"results": []}
    assert (
        client_for(cast.manager).get("/cases/children/autocomplete/", {"q": name}).json()["results"][0]["name"] == name
    )


def test_search_finds_words_in_notes_but_not_in_others_sensitive_notes(cast, client_for):
    ActivityFactory(case=cast.case, summary="外婆腿脚不便", sensitive=False)
    ActivityFactory(case=cast.case, summary="秘密线索", sensitive=True)
    cast.case.team.add(cast.colleague)
    from cases.services import grant_case_access

    grant_case_access(case=cast.case, user=cast.colleague)

    def found(user, q):
        return client_for(user).get("/cases/search/", {"q": q}).context["results"]

    assert found(cast.colleague, "外婆") == [cast.case]
    assert found(cast.colleague, "秘密线索") == []
    assert found(cast.worker, "秘密线索") == [cast.case]


def test_sensitive_activities_only_for_lead_and_managers(cast, client_for, api_for):
    sensitive = ActivityFactory(case=cast.case, summary="性侵害细节记录", sensitive=True)
    ActivityFactory(case=cast.case, summary="普通家访记录")
    from cases.services import case_team_add

    case_team_add(actor=cast.manager, case=cast.case, user=cast.colleague)
    for user, sees in ((cast.worker, True), (cast.manager, True), (cast.admin, True), (cast.colleague, False)):
        page = client_for(user).get(f"/cases/{cast.case.pk}/").content.decode()
        assert ("性侵害细节记录" in page) == sees, user
        assert "普通家访记录" in page
        api = api_for(user)
        listed = [a["id"] for a in api.get("/api/v1/activities/", {"case": cast.case.pk}).json()["results"]]
        assert (sensitive.pk in listed) == sees
        assert api.get(f"/api/v1/activities/{sensitive.pk}/").status_code == (200 if sees else 404)


def test_reassignment_moves_access(cast, client_for, api_for):
    response = api_for(cast.manager).post(
        f"/api/v1/cases/{cast.case.pk}/assign/", {"lead_worker": cast.colleague.pk}, format="json"
    )
    assert response.status_code == 200
    cast.case.refresh_from_db()
    assert cast.case.lead_worker == cast.colleague
    assert client_for(cast.worker).get(f"/cases/{cast.case.pk}/").status_code == 404
    assert client_for(cast.colleague).get(f"/cases/{cast.case.pk}/").status_code == 200
    assert api_for(cast.worker).get(f"/api/v1/cases/{cast.case.pk}/").status_code == 404


def test_only_managers_assign_and_close(cast, api_for, client_for):
    worker_api = api_for(cast.worker)
    assert (
        worker_api.post(
            f"/api/v1/cases/{cast.case.pk}/assign/", {"lead_worker": cast.colleague.pk}, format="json"
        ).status_code
        == 403
    )
    assert (
        worker_api.post(
            f"/api/v1/cases/{cast.case.pk}/close/", {"closed_on": "2026-01-01", "closure_reason": "x"}, format="json"
        ).status_code
        == 403
    )
    assert (
        api_for(cast.colleague)
        .post(f"/api/v1/cases/{cast.case.pk}/assign/", {"lead_worker": cast.colleague.pk}, format="json")
        .status_code
        == 404
    )
    assert (
        client_for(cast.worker).post(f"/cases/{cast.case.pk}/assign/", {"lead_worker": cast.colleague.pk}).status_code
        == 403
    )
    cast.case.refresh_from_db()
    assert cast.case.lead_worker == cast.worker and cast.case.status == "assessment"


def test_wrong_methods(cast, client_for, api_for):
    assert client_for(cast.worker).post("/cases/").status_code == 405
    assert client_for(cast.worker).get(f"/cases/{cast.case.pk}/assign/").status_code == 405
    assert api_for(cast.manager).delete(f"/api/v1/cases/{cast.case.pk}/").status_code == 405


def test_reads_are_audited(cast, client_for, api_for):
    client_for(cast.worker).get(f"/cases/{cast.case.pk}/")
    api_for(cast.manager).get(f"/api/v1/cases/{cast.case.pk}/")
    views = AuditEntry.objects.filter(action="view", object_type="case", object_id=str(cast.case.pk))
    assert set(views.values_list("username", flat=True)) == {"xiaochen", "liu"}
    assert AuditEntry.objects.filter(action="view", object_type="child", object_id=str(cast.case.child_id)).exists()


def test_colleague_cannot_write_through_the_api(cast, api_for):
    response = api_for(cast.colleague).post(
        "/api/v1/activities/",
        {"case": cast.case.pk, "kind": "home_visit", "date": "2026-01-02", "summary": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert not cast.case.activities.exists()
    patch = api_for(cast.colleague).patch(
        f"/api/v1/cases/{cast.case.pk}/", {"risk_level": "low", "version": 1}, format="json"
    )
    assert patch.status_code == 404
