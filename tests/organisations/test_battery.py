"""The standard battery over the service directory and the organisations' routes (issue 18 item 6).

| route                                   | methods        | who acts                              | checked here                                  |
| --------------------------------------- | -------------- | ------------------------------------- | --------------------------------------------- |
| /organisations/services/                | GET            | every signed-in user                  | anonymous, 405, bad search no 500, queries    |
| /organisations/services/new/            | GET POST       | managers, admins                      | anonymous, 405, 403, (happy, bad input: test_directory) |
| /organisations/services/<pk>/edit/      | GET POST       | managers (own NGO, outside agencies)  | anonymous, 405, 403, 404, happy re-read, bad input kept |
| /organisations/services/towns/<pk>/     | GET            | every signed-in user                  | anonymous, 405, not a town 404, queries       |
| /organisations/new/                     | GET POST       | managers, admins                      | anonymous, 405, 403, bad input kept           |
| /api/v1/organisations/ (+ <pk>/)        | GET            | everyone, within organisations_visible_to | 401, 405, outsider 404 (list pinned in tests/api) |
| /api/v1/services/ (+ <pk>/)             | GET POST PUT PATCH | read: everyone; write: as the pages | 401, 405, 403, happy re-read, bad input, 404 |
Transfers between organisations are routed under /cases/ (tests/organisations/test_transfer.py, battery-a).
"""

from __future__ import annotations

import pytest

from organisations.models import Organisation, Service
from organisations.services import service_save
from tests.conftest import api_as, login
from tests.factories import LocationFactory, UserFactory
from tests.standard_checks import (
    answers_to_other_methods,
    assert_pinned_queries,
    assert_sent_to_login,
    numbered,
    zh,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_service(city):
    return service_save(
        actor=city.admin, organisation=city.a.organisation, kind="family_education", name="家长课堂",
        contact="小王", areas=[city.village],
    )  # fmt: skip


@pytest.fixture
def theirs(city):
    """NGO B's counselling in the village (A's manager may read it, not change it)."""
    return service_save(
        actor=city.admin, organisation=city.b.organisation, kind="psychological_support", name="乙的心理辅导",
        areas=[city.village],
    )  # fmt: skip


def _routes(city, service):
    return [
        ("/organisations/services/", "GET"),
        ("/organisations/services/new/", "GET POST"),
        (f"/organisations/services/{service.pk}/edit/", "GET POST"),
        (f"/organisations/services/towns/{city.village.parent_id}/", "GET"),
        ("/organisations/new/", "GET POST"),
    ]


def _state(service):
    service.refresh_from_db()
    return (Organisation.objects.count(), Service.objects.count(), service.name, service.contact, service.is_active)


def test_every_page_refuses_the_methods_it_does_not_take_and_writes_nothing(city, own_service):
    before = _state(own_service)
    for url, allowed in _routes(city, own_service):
        answers = answers_to_other_methods(login(city.a.manager), url, allowed)
        assert answers == dict.fromkeys(answers, 405), (url, answers)
    assert _state(own_service) == before


def test_anonymous_is_sent_to_the_login_page_and_nothing_is_written(city, own_service):
    before = _state(own_service)
    body = {"name": "匿名机构", "kind": "ngo", "organisation": city.a.organisation.pk}
    for url, allowed in _routes(city, own_service):
        for method in allowed.split():
            assert_sent_to_login(getattr(login(None), method.lower())(url, body), url)
    assert _state(own_service) == before


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/api/v1/organisations/", "GET"),
        ("/api/v1/organisations/{org}/", "GET"),
        ("/api/v1/services/", "GET POST"),
        ("/api/v1/services/{service}/", "GET PUT PATCH"),
    ],
)
def test_every_endpoint_wants_a_login_and_refuses_other_methods(city, own_service, url, allowed):
    url = url.format(org=city.a.organisation.pk, service=own_service.pk)
    before = _state(own_service)
    for method in allowed.split():
        assert getattr(api_as(None), method.lower())(url, {}, format="json").status_code == 401, (url, method)
    for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - set(allowed.split()):
        response = getattr(api_as(city.admin), method.lower())(url, {"name": "改"}, format="json")
        assert response.status_code == 405, (url, method, response.status_code)
    assert _state(own_service) == before


# --- 403: who may read the directory but not map it ------------------------------------------------


def test_who_is_not_a_manager_gets_403_on_the_mapping_pages_and_nothing_is_written(city, own_service):
    before = _state(own_service)
    others = [city.a.worker, city.funder, UserFactory(role="referrer"), UserFactory(role="volunteer")]
    edit = f"/organisations/services/{own_service.pk}/edit/"
    for user in others:
        client = login(user)
        assert client.get("/organisations/services/").status_code == 200, user.role  # everyone reads it
        for url in ("/organisations/services/new/", edit, "/organisations/new/"):
            assert client.get(url).status_code == 403, (url, user.role)
        body = {"organisation": city.a.organisation.pk, "kind": "shelter", "name": "越权的服务"}
        assert client.post("/organisations/services/new/", body).status_code == 403, user.role
        assert client.post(edit, {**body, "name": "越权改名"}).status_code == 403, user.role
        assert client.post("/organisations/new/", {"name": "越权机构", "kind": "ngo"}).status_code == 403, user.role
        assert api_as(user).post("/api/v1/services/", body, format="json").status_code == 403, user.role
        patch = api_as(user).patch(f"/api/v1/services/{own_service.pk}/", {"name": "越权"}, format="json")
        assert patch.status_code == 403, user.role
    assert _state(own_service) == before


def test_another_ngos_service_is_403_to_edit_on_the_page_and_unchanged(city, theirs):
    url = f"/organisations/services/{theirs.pk}/edit/"
    assert login(city.a.manager).get(url).status_code == 403
    body = {"organisation": city.b.organisation.pk, "kind": "psychological_support", "name": "被改的名字"}
    assert login(city.a.manager).post(url, body).status_code == 403
    theirs.refresh_from_db()
    assert theirs.name == "乙的心理辅导"
    assert login(city.b.manager).get(url).status_code == 200


def test_a_missing_or_withdrawn_service_is_404(city, own_service):
    assert login(city.a.manager).get("/organisations/services/999999/edit/").status_code == 404
    assert api_as(city.a.manager).get("/api/v1/services/999999/").status_code == 404
    Service.objects.filter(pk=own_service.pk).update(is_active=False)
    assert login(city.a.manager).get(f"/organisations/services/{own_service.pk}/edit/").status_code == 404
    assert api_as(city.a.manager).get(f"/api/v1/services/{own_service.pk}/").status_code == 404
    assert "家长课堂" not in login(city.a.worker).get("/organisations/services/").content.decode()


# --- editing a service on the page -----------------------------------------------------------------


def test_a_manager_edits_their_service_on_the_page_and_it_is_stored(city, own_service):
    town = city.village.parent
    body = {"organisation": city.a.organisation.pk, "kind": "family_education", "name": "家长课堂（周末班）",
            "areas": [town.pk], "contact": "小李 13800000009", "hours": "周日下午", "capacity": "30",
            "languages": "普通话、方言"}  # fmt: skip
    response = login(city.a.manager).post(f"/organisations/services/{own_service.pk}/edit/", body)
    assert response.status_code == 302
    assert response["Location"].startswith("/organisations/services/?q=")
    own_service.refresh_from_db()
    assert (own_service.name, own_service.contact, own_service.hours, own_service.capacity) == (
        "家长课堂（周末班）",
        "小李 13800000009",
        "周日下午",
        30,
    )
    assert list(own_service.areas.values_list("pk", flat=True)) == [town.pk]


def test_a_bad_edit_keeps_what_was_typed_and_changes_nothing(city, own_service):
    body = {"organisation": city.a.organisation.pk, "kind": "family_education", "name": "改了一半的名字",
            "capacity": "-1"}  # fmt: skip
    response = login(city.a.manager).post(f"/organisations/services/{own_service.pk}/edit/", body)
    html = response.content.decode()
    assert response.status_code == 200 and 'value="改了一半的名字"' in html
    assert "capacity" in response.context["form"].errors
    own_service.refresh_from_db()
    assert (own_service.name, own_service.capacity) == ("家长课堂", None)


def test_a_manager_may_not_move_their_service_to_another_ngo(city, own_service):
    body = {"organisation": city.b.organisation.pk, "kind": "family_education", "name": "家长课堂"}
    response = login(city.a.manager).post(f"/organisations/services/{own_service.pk}/edit/", body)
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    own_service.refresh_from_db()
    assert own_service.organisation_id == city.a.organisation.pk


# --- adding an organisation ---------------------------------------------------------------------------


def test_an_organisation_without_a_name_or_with_a_bad_kind_is_refused_and_nothing_written(city):
    before = Organisation.objects.count()
    response = login(city.a.manager).post("/organisations/new/", {"name": "", "kind": "spaceship"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"name", "kind"}
    assert zh("This field is required.") in response.content.decode()
    kept = login(city.a.manager).post("/organisations/new/", {"name": "阳光律所", "kind": "spaceship"})
    assert 'value="阳光律所"' in kept.content.decode()
    assert Organisation.objects.count() == before


def test_a_duplicate_organisation_says_so_in_chinese(city):
    response = login(city.a.manager).post("/organisations/new/", {"name": city.b.organisation.name, "kind": "ngo"})
    assert response.status_code == 200
    assert zh("An organisation of that name is already on the directory.") in response.content.decode()
    assert Organisation.objects.filter(name=city.b.organisation.name).count() == 1


def test_an_organisation_added_on_the_page_is_stored_with_its_place(city):
    town = city.village.parent
    response = login(city.admin).post("/organisations/new/", {"name": " 平安镇派出所 ", "kind": "police",
                                                              "location": town.pk})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/organisations/services/new/"
    organisation = Organisation.objects.get(name="平安镇派出所")
    organisation.refresh_from_db()
    assert (organisation.kind, organisation.location) == ("police", town)


def test_a_village_is_not_offered_as_an_organisations_place(city):
    response = login(city.a.manager).post("/organisations/new/", {"name": "村里的机构", "kind": "ngo",
                                                                  "location": city.village.pk})  # fmt: skip
    assert response.status_code == 200 and "location" in response.context["form"].errors
    assert not Organisation.objects.filter(name="村里的机构").exists()


# --- the directory and town pages: bad input answers, never a 500 ---------------------------------


@pytest.mark.parametrize("query", [{"place": "abc"}, {"place": "999999"}, {"kind": "spaceship"}, {"q": "x" * 101}])
def test_a_bad_search_answers_the_page_with_the_error_and_no_results(city, own_service, query):
    response = login(city.a.worker).get("/organisations/services/", query)
    assert response.status_code == 200, query
    assert not response.context["form"].is_valid()
    assert 'data-service="' not in response.content.decode()


def test_the_search_finds_by_need_place_and_text(city, own_service, theirs):
    client = login(city.a.worker)
    html = client.get("/organisations/services/", {"kind": "family_education"}).content.decode()
    assert f'data-service="{own_service.pk}"' in html and f'data-service="{theirs.pk}"' not in html
    far = LocationFactory(name="远村", kind="village", parent=LocationFactory(name="远镇", kind="town"))
    assert 'data-service="' not in client.get("/organisations/services/", {"place": far.pk}).content.decode()
    html = client.get("/organisations/services/", {"q": "乙的"}).content.decode()
    assert f'data-service="{theirs.pk}"' in html and f'data-service="{own_service.pk}"' not in html


def test_a_place_that_is_not_a_town_is_404_on_the_town_page(city):
    client = login(city.a.worker)
    assert client.get(f"/organisations/services/towns/{city.village.pk}/").status_code == 404
    assert client.get("/organisations/services/towns/999999/").status_code == 404
    assert client.get(f"/organisations/services/towns/{city.village.parent_id}/").status_code == 200


# --- the API: outsiders, bad input -----------------------------------------------------------------


def test_an_organisation_outside_a_referrers_own_is_404(city):
    referrer = UserFactory(role="referrer", organisation=city.a.organisation)
    assert api_as(referrer).get(f"/api/v1/organisations/{city.a.organisation.pk}/").status_code == 200
    response = api_as(referrer).get(f"/api/v1/organisations/{city.b.organisation.pk}/")
    assert response.status_code == 404 and city.b.organisation.name not in response.content.decode()
    listed = [row["id"] for row in api_as(referrer).get("/api/v1/organisations/").json()["results"]]
    assert listed == [city.a.organisation.pk]
    assert api_as(city.a.manager).get("/api/v1/organisations/abc/").status_code == 404


def test_a_funder_sees_its_own_and_the_ngo_it_funds_only(city):
    listed = {row["id"] for row in api_as(city.funder).get("/api/v1/organisations/").json()["results"]}
    assert listed == {city.funder.organisation_id, city.b.organisation.pk}
    assert api_as(city.funder).get(f"/api/v1/organisations/{city.a.organisation.pk}/").status_code == 404


def test_a_service_posted_with_bad_fields_is_refused_and_nothing_written(city):
    before = Service.objects.count()
    api = api_as(city.a.manager)
    for body in (
        {"organisation": city.a.organisation.pk, "kind": "spaceship", "name": "坏种类"},
        {"organisation": city.a.organisation.pk, "kind": "shelter", "name": ""},
        {"organisation": city.a.organisation.pk, "kind": "shelter", "name": "负容量", "capacity": -1},
        {"organisation": city.a.organisation.pk, "kind": "shelter", "name": "坏地点", "areas": [999999]},
        {"organisation": 999999, "kind": "shelter", "name": "无机构"},
    ):
        response = api.post("/api/v1/services/", body, format="json")
        assert response.status_code == 400, (body, response.status_code)
    assert Service.objects.count() == before


def test_a_service_posted_through_the_api_is_stored(city):
    body = {"organisation": city.a.organisation.pk, "kind": "shelter", "name": "临时庇护", "areas": [city.village.pk],
            "capacity": 4, "hours": "全天"}  # fmt: skip
    response = api_as(city.a.manager).post("/api/v1/services/", body, format="json")
    assert response.status_code == 201, response.content
    service = Service.objects.get(pk=response.json()["id"])
    service.refresh_from_db()
    assert (service.organisation_id, service.kind, service.name, service.capacity, service.hours) == (
        city.a.organisation.pk,
        "shelter",
        "临时庇护",
        4,
        "全天",
    )
    assert list(service.areas.all()) == [city.village]


def test_a_put_through_the_api_replaces_the_service_and_a_bad_one_changes_nothing(city, own_service):
    url = f"/api/v1/services/{own_service.pk}/"
    body = {"organisation": city.a.organisation.pk, "kind": "family_education", "name": "亲子课堂",
            "areas": [city.village.pk], "contact": "", "hours": "", "languages": "", "description": "每月一次"}  # fmt: skip
    assert api_as(city.a.manager).put(url, body, format="json").status_code == 200
    own_service.refresh_from_db()
    assert (own_service.name, own_service.description, own_service.contact) == ("亲子课堂", "每月一次", "")
    bad = api_as(city.a.manager).put(url, {**body, "name": "坏的", "capacity": 200000}, format="json")
    assert bad.status_code == 400 and "capacity" in bad.json()
    own_service.refresh_from_db()
    assert own_service.name == "亲子课堂"


# --- exact query counts, two sizes ------------------------------------------------------------------


def _services(city, *, areas):
    def grow(n):
        for _ in range(n):
            i = Service.objects.count()
            organisation = Organisation.objects.create(name=f"机构{i}", kind="ngo")
            service_save(actor=city.admin, organisation=organisation, kind=["legal_aid", "shelter"][i % 2],
                         name=f"服务{i}号", areas=areas)  # fmt: skip

    return grow


def test_the_directory_page_queries_are_pinned(city, django_assert_num_queries):
    client = login(city.a.worker)
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get("/organisations/services/"),
        grow=_services(city, areas=[city.village, city.village.parent]),
        rows=numbered("服务"),
        expected=EXPECTED["directory"],
    )


def test_the_directory_search_queries_are_pinned(city, django_assert_num_queries):
    client = login(city.a.worker)
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get("/organisations/services/", {"place": city.village.pk, "q": "服务"}),
        grow=_services(city, areas=[city.village.parent]),
        rows=numbered("服务"),
        expected=EXPECTED["directory search"],
    )


def test_the_town_page_queries_are_pinned(city, django_assert_num_queries):
    town = city.village.parent
    other_village = LocationFactory(name="西村", kind="village", parent=town)
    grow_whole, grow_part = _services(city, areas=[town]), _services(city, areas=[other_village])

    def grow(n):  # some cover the whole town, some one village only
        grow_whole(n - n // 2)
        grow_part(n // 2)

    client = login(city.a.worker)
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get(f"/organisations/services/towns/{town.pk}/"),
        grow=grow,
        rows=numbered("服务"),
        expected=EXPECTED["town"],
    )


EXPECTED = {
    "directory": 7,
    "directory search": 9,  # + the place chosen and the places it lies in
    "town": 8,
}
