"""The standard battery over every route of the monitoring register (issue 18 item 6).

| route                                          | methods   | who acts                 | checked here                                   |
| ---------------------------------------------- | --------- | ------------------------ | ---------------------------------------------- |
| /registry/                                     | GET       | director                 | anonymous, 405, queries at two sizes           |
| /registry/files/                               | GET       | manager, supervisor      | anonymous, 405, 403, queries at two sizes      |
| /registry/new/                                 | GET POST  | director, manager        | anonymous, 405, 403 (nothing written)          |
| /registry/<pk>/                                | GET       | who sees the file        | anonymous, 405                                 |
| /registry/<pk>/edit/                           | GET POST  | the village's director   | happy, outsider 404, read-only 403, bad input  |
| /registry/<pk>/update/                         | GET POST  | the village's director   | outsider 404, read-only 403, 405               |
| /registry/<pk>/leave/                          | GET POST  | the village's director   | happy, outsider 404, read-only 403, bad input  |
| /registry/<pk>/escalate/                       | GET POST  | director, supervisor     | outsider 404, 405                              |
| /registry/<pk>/entitlements/                   | POST      | the village's director   | outsider 404, read-only 403, bad input, 405    |
| /registry/<pk>/identification/                 | POST      | the village's director   | outsider 404, read-only 403, 405               |
| /registry/<pk>/identification/<id>/            | GET POST  | the village's director   | outsider 404, another file's id 404, 405       |
| /registry/<pk>/programmes/                     | POST      | the village's director   | outsider 404, read-only 403, 405               |
| /registry/<pk>/programmes/<place>/end/         | POST      | the village's director   | 405                                            |
| /registry/places/<place>/profile/              | GET POST  | facilitators             | anonymous, 405                                 |
| /registry/town/                                | GET       | supervisor, manager      | anonymous, 405, 403, `?town=x` no 500, queries |
| /registry/review/                              | GET       | supervisor, manager      | anonymous, 405, 403, queries at two sizes      |
| /registry/review/<update>/                     | POST      | the town's supervisor    | outsider 404, bad decision changes nothing     |
| /registry/report/                              | GET       | report readers           | anonymous, 405                                 |
| /registry/export/                              | GET       | managers                 | anonymous, 405, 403                            |
| /registry/rules/                               | GET POST  | managers                 | 405, 403, `?edit=x` 404, bad input, queries    |
| /registry/areas/                               | GET       | managers                 | 405, 403, queries at two sizes                 |
| /registry/areas/<user>/add/                    | POST      | managers                 | 405, bad place changes nothing                 |
| /registry/areas/remove/<area>/                 | POST      | managers                 | 405, 403 (nothing removed), happy              |
| /registry/hotline/                             | GET POST  | staff                    | 405, 403, bad input keeps what was typed, queries |
| /registry/hotline/<call>/                      | GET POST  | staff                    | 405, 403, missing call 404                     |
| /registry/manifest.webmanifest, /registry/sw.js | GET      | anyone (the web app)     | 405                                            |
| /api/v1/registry/, /api/v1/registry-updates/   | GET ...   | (tests/registry/test_file_api.py) | exact queries at two page sizes       |
| /api/v1/reports/registry/                      | GET       | report readers           | anonymous 401, 405                             |
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from organisations.models import Organisation
from registry.models import (
    CategoryRule,
    ChildFile,
    FileEntitlement,
    HotlineCall,
    Identification,
    ProgrammePlace,
    RegisterUpdate,
    ServiceArea,
)
from registry.services import update_submit
from tests.conftest import api_as, login
from tests.factories import LocationFactory, UserFactory
from tests.registry.conftest import make_file
from tests.standard_checks import assert_pinned_queries, assert_sent_to_login, numbered, zh

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _ids(register):
    update, _ = update_submit(actor=register.director, file=register.file, date=TODAY(), summary="一切如常")
    ident = Identification.objects.create(file=register.file, started_on=TODAY())
    call = _call(register, "来电儿童", taken_by=UserFactory(role="social_worker"))
    return {"pk": register.file.pk, "ident": ident.pk, "update": update.pk, "call": call.pk}


def _call(register, child_name, *, taken_by):
    return HotlineCall.objects.create(
        child_name=child_name,
        location=register.village,
        summary="邻居来电",
        taken_by=taken_by,
        received_at=timezone.now(),
    )


# (url, the methods it answers): every other method is 405 before anything is read or written
ROUTES = [
    ("/registry/", "GET"),
    ("/registry/files/", "GET"),
    ("/registry/new/", "GET POST"),
    ("/registry/{pk}/", "GET"),
    ("/registry/{pk}/edit/", "GET POST"),
    ("/registry/{pk}/update/", "GET POST"),
    ("/registry/{pk}/leave/", "GET POST"),
    ("/registry/{pk}/escalate/", "GET POST"),
    ("/registry/{pk}/entitlements/", "POST"),
    ("/registry/{pk}/identification/", "POST"),
    ("/registry/{pk}/identification/{ident}/", "GET POST"),
    ("/registry/{pk}/programmes/", "POST"),
    ("/registry/{pk}/programmes/1/end/", "POST"),
    ("/registry/places/1/profile/", "GET POST"),
    ("/registry/town/", "GET"),
    ("/registry/review/", "GET"),
    ("/registry/review/{update}/", "POST"),
    ("/registry/report/", "GET"),
    ("/registry/export/", "GET"),
    ("/registry/rules/", "GET POST"),
    ("/registry/areas/", "GET"),
    ("/registry/areas/1/add/", "POST"),
    ("/registry/areas/remove/1/", "POST"),
    ("/registry/hotline/", "GET POST"),
    ("/registry/hotline/{call}/", "GET POST"),
]
PUBLIC = [("/registry/manifest.webmanifest", "GET"), ("/registry/sw.js", "GET")]


@pytest.mark.parametrize(("url", "allowed"), ROUTES + PUBLIC, ids=[u for u, _ in ROUTES + PUBLIC])
def test_a_method_the_route_does_not_take_is_405_and_writes_nothing(cast, register, url, allowed):
    ids = _ids(register)
    url = url.format(**ids)
    before = (ChildFile.objects.count(), RegisterUpdate.objects.count(), ChildFile.objects.get(pk=ids["pk"]).name)
    client = login(cast.manager)
    for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - set(allowed.split()):
        response = getattr(client, method.lower())(url)
        assert response.status_code == 405, (method, url, response.status_code)
    after = (ChildFile.objects.count(), RegisterUpdate.objects.count(), ChildFile.objects.get(pk=ids["pk"]).name)
    assert after == before


@pytest.mark.parametrize(("url", "allowed"), ROUTES, ids=[u for u, _ in ROUTES])
def test_anonymous_is_sent_to_the_login_page_and_nothing_is_written(cast, register, url, allowed):
    ids = _ids(register)
    url = url.format(**ids)
    before = (ChildFile.objects.count(), RegisterUpdate.objects.count(), HotlineCall.objects.count())
    for method in allowed.split():
        assert_sent_to_login(getattr(login(None), method.lower())(url, {"name": "匿名"}), url)
    assert (ChildFile.objects.count(), RegisterUpdate.objects.count(), HotlineCall.objects.count()) == before


def test_the_web_app_files_need_no_login(cast, register):
    manifest = login(None).get("/registry/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.json()["start_url"] == "/registry/"
    worker = login(None).get("/registry/sw.js")
    assert worker.status_code == 200 and worker["Service-Worker-Allowed"] == "/registry/"


def test_the_register_report_api_wants_a_login_and_a_get(cast, register):
    assert api_as(None).get("/api/v1/reports/registry/").status_code == 401
    for method in ("post", "put", "delete"):
        assert getattr(api_as(cast.manager), method)("/api/v1/reports/registry/").status_code == 405


# --- bad query strings answer, never a 500 -----------------------------------------------------------


def test_a_town_that_is_not_a_number_shows_the_first_town(cast, register):
    response = login(cast.manager).get("/registry/town/", {"town": "x"})
    assert response.status_code == 200
    assert register.town.name in response.content.decode()


def test_a_rule_to_edit_that_is_not_a_number_is_404(cast, register):
    assert login(cast.manager).get("/registry/rules/", {"edit": "x"}).status_code == 404
    assert login(cast.manager).get("/registry/rules/", {"edit": "999999"}).status_code == 404
    rule = CategoryRule.objects.first()
    assert login(cast.manager).get("/registry/rules/", {"edit": rule.pk}).status_code == 200


# --- who may open the pages that are not everyone's -------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/registry/files/", "/registry/review/", "/registry/export/", "/registry/rules/", "/registry/areas/",
     "/registry/hotline/", "/registry/new/"],
)  # fmt: skip
def test_roles_outside_the_register_get_403(cast, register, url):
    for user in (cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        assert login(user).get(url).status_code == 403, (url, user.role)


def test_only_managers_export_keep_rules_and_areas_and_only_staff_take_calls(cast, register):
    director, supervisor = register.director, register.supervisor
    for url in ("/registry/export/", "/registry/rules/", "/registry/areas/"):
        assert login(director).get(url).status_code == 403, url
        assert login(supervisor).get(url).status_code == 403, url
        assert login(cast.worker).get(url).status_code == 403, url
    for url in ("/registry/hotline/", f"/registry/hotline/{_ids(register)['call']}/"):
        assert login(director).get(url).status_code == 403, url
        assert login(supervisor).get(url).status_code == 403, url
        assert login(cast.worker).get(url).status_code == 200, url
    assert login(cast.worker).get("/registry/hotline/999999/").status_code == 404
    # a director and a social worker have no town
    assert login(director).get("/registry/town/").status_code == 403
    assert login(cast.worker).get("/registry/review/").status_code == 403


# --- writes on a file: outsider 404, read-only 403, nothing written ---------------------------------


def _file_state(file):
    file.refresh_from_db()
    return {
        "file": (file.name, file.status, file.leave_reason, file.child_type, file.location_id),
        "updates": RegisterUpdate.objects.filter(file=file).count(),
        "claims": FileEntitlement.objects.filter(file=file).count(),
        "identifications": Identification.objects.filter(file=file).count(),
        "places": ProgrammePlace.objects.filter(file=file).count(),
    }


def _file_writes(register):
    pk, today = register.file.pk, TODAY().isoformat()
    ident = Identification.objects.create(file=register.file, started_on=TODAY())
    return [
        (f"/registry/{pk}/edit/", {"name": "改了名字", "sex": "male", "birth_date": "2016-01-01",
                                   "location": register.village.pk, "child_type": "orphan", "category": "none"}),
        (f"/registry/{pk}/update/", {"how": "same", "date": today}),
        (f"/registry/{pk}/leave/", {"leave_reason": "moved_away", "left_on": today}),
        (f"/registry/{pk}/entitlements/", {"code": "medical_aid", "status": "applying", "applied_on": today}),
        (f"/registry/{pk}/identification/", {}),
        (f"/registry/{pk}/identification/{ident.pk}/", {"status": "blocked", "blocked_at": "police",
                                                        "blocked_reason": "外人"}),
        (f"/registry/{pk}/programmes/", {"programme": "1", "joined_on": today}),
    ]  # fmt: skip


def test_outsiders_writes_on_a_file_are_404_and_change_nothing(cast, register):
    other_org = Organisation.objects.create(name="丙社工中心", kind="ngo")
    outsiders = [
        register.other_director,  # another village's director
        register.other_supervisor,  # another town's supervisor
        UserFactory(role="manager", organisation=other_org),  # another organisation's manager
        cast.worker,  # a social worker whose case is not the file's
        cast.referrer,
        cast.funder,
    ]
    routes = _file_writes(register)
    before = _file_state(register.file)
    for user in outsiders:
        client = login(user)
        answers = {url: client.post(url, body).status_code for url, body in routes}
        assert answers == dict.fromkeys(answers, 404), (user.username, answers)
    assert _file_state(register.file) == before


def test_the_towns_supervisor_reads_the_file_but_may_not_change_it(cast, register):
    # given the supervisor, who sees every file of the town
    assert login(register.supervisor).get(f"/registry/{register.file.pk}/").status_code == 200
    routes = _file_writes(register)
    before = _file_state(register.file)
    # when they post to any of the director's write routes, then 403 and nothing changes
    client = login(register.supervisor)
    answers = {url: client.post(url, body).status_code for url, body in routes}
    assert answers == dict.fromkeys(answers, 403), answers
    assert login(register.supervisor).get(f"/registry/{register.file.pk}/edit/").status_code == 403
    assert _file_state(register.file) == before


def test_director_changes_the_file_on_the_page(cast, register):
    url = f"/registry/{register.file.pk}/edit/"
    assert login(register.director).get(url).status_code == 200
    body = {"name": "张小花", "sex": "female", "birth_date": register.file.birth_date.isoformat(),
            "location": register.village.pk, "child_type": "orphan", "category": "none",
            "guardian_situation": "奶奶照顾"}  # fmt: skip
    response = login(register.director).post(url, body)
    assert response.status_code == 302 and response["Location"] == f"/registry/{register.file.pk}/"
    register.file.refresh_from_db()
    assert (register.file.child_type, register.file.category, register.file.guardian_situation) == (
        "orphan",
        "none",
        "奶奶照顾",
    )
    assert register.file.entitlements == ["orphan_allowance", "medical_aid", "education_aid"]


def test_a_bad_change_keeps_what_was_typed_and_changes_nothing(cast, register):
    url = f"/registry/{register.file.pk}/edit/"
    before = _file_state(register.file)
    future = (TODAY() + dt.timedelta(days=5)).isoformat()
    body = {"name": "张小花改", "sex": "female", "birth_date": future, "location": register.village.pk,
            "child_type": "orphan", "category": "none"}  # fmt: skip
    response = login(register.director).post(url, body)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="张小花改"' in html  # what was typed is kept
    assert 'class="invalid-feedback' in html or "is-invalid" in html
    # a village the director does not serve is not among the choices
    response = login(register.director).post(
        url, {**body, "birth_date": "2016-01-01", "location": register.far_village.pk}
    )
    assert (
        response.status_code == 200
        and zh("Select a valid choice. That choice is not one of the available choices.") in response.content.decode()
    )
    assert _file_state(register.file) == before


def test_director_takes_a_file_off_the_register_and_a_bad_date_is_refused(cast, register):
    url = f"/registry/{register.file.pk}/leave/"
    before = _file_state(register.file)
    future = (TODAY() + dt.timedelta(days=3)).isoformat()
    bad = login(register.director).post(url, {"leave_reason": "moved_away", "left_on": future, "note": "搬去县城"})
    assert bad.status_code == 200
    assert zh("The date must be between the registration and today.") in bad.content.decode()
    assert 'value="搬去县城"' in bad.content.decode()
    unknown = login(register.director).post(url, {"leave_reason": "vanished"})
    assert unknown.status_code == 200
    assert _file_state(register.file) == before
    ok = login(register.director).post(url, {"leave_reason": "moved_away", "left_on": TODAY().isoformat()})
    assert ok.status_code == 302
    register.file.refresh_from_db()
    assert (register.file.status, register.file.leave_reason, register.file.left_on) == ("left", "moved_away", TODAY())


def test_a_bad_entitlement_claim_is_said_and_writes_nothing(cast, register):
    url = f"/registry/{register.file.pk}/entitlements/"
    response = login(register.director).post(url, {"code": "free_money", "status": "applying"}, follow=True)
    assert response.status_code == 200
    assert zh("Select a valid choice. %(value)s is not one of the available choices.", value="free_money") in (
        response.content.decode()
    )
    assert not FileEntitlement.objects.filter(file=register.file).exists()


def test_an_identification_of_another_file_is_404(cast, register):
    other = Identification.objects.create(file=register.other_file, started_on=TODAY())
    url = f"/registry/{register.file.pk}/identification/{other.pk}/"
    assert login(register.director).get(url).status_code == 404
    assert login(cast.manager).post(url, {"status": "blocked"}).status_code == 404
    other.refresh_from_db()
    assert other.status != "blocked"


# --- the supervisor's review: another town's update is 404, a bad decision changes nothing ----------


def test_review_decisions_outside_the_town_are_404_and_a_bad_one_changes_nothing(cast, register):
    update, _ = update_submit(actor=register.director, file=register.file, date=TODAY(), summary="孩子生病")
    url = f"/registry/review/{update.pk}/"
    for user in (register.other_supervisor, register.other_director, cast.worker, cast.funder):
        assert login(user).post(url, {"decision": "approve"}).status_code == 404, user.username
    assert login(register.director).post(url, {"decision": "approve"}).status_code == 403  # sees it, may not decide
    response = login(register.supervisor).post(url, {"decision": "maybe"}, follow=True)
    assert response.status_code == 200 and zh("Choose approve or return.") in response.content.decode()
    update.refresh_from_db()
    assert (update.status, update.reviewed_by) == ("submitted", None)


# --- managers' pages: rules, areas, hotline ---------------------------------------------------------


def test_a_bad_rule_keeps_what_was_typed_and_adds_none(cast, register):
    count = CategoryRule.objects.count()
    body = {"child_type": "orphan", "category": "none", "entitlement": "medical_aid", "monthly_amount": "-5",
            "note": "负数不行"}  # fmt: skip
    response = login(cast.manager).post("/registry/rules/", body)
    assert response.status_code == 200
    assert 'value="负数不行"' in response.content.decode() or "负数不行" in response.content.decode()
    assert CategoryRule.objects.count() == count
    assert login(register.director).post("/registry/rules/", {**body, "monthly_amount": "5"}).status_code == 403
    assert CategoryRule.objects.count() == count


def test_a_manager_removes_an_area_and_no_one_else_may(cast, register):
    area = ServiceArea.objects.create(user=register.director, location=register.other_village)
    url = f"/registry/areas/remove/{area.pk}/"
    for user in (register.director, register.supervisor, cast.worker, cast.funder):
        assert login(user).post(url).status_code == 403, user.username
    assert ServiceArea.objects.filter(pk=area.pk).exists()
    assert login(cast.manager).post(url).status_code == 302
    assert not ServiceArea.objects.filter(pk=area.pk).exists()
    assert login(cast.manager).post(url).status_code == 404  # gone


def test_an_area_that_is_not_a_place_is_said_and_adds_nothing(cast, register):
    url = f"/registry/areas/{register.director.pk}/add/"
    for raw in ("", "abc", "999999"):
        response = login(cast.manager).post(url, {"location": raw}, follow=True)
        assert response.status_code == 200 and zh("Choose a place.") in response.content.decode(), raw
    assert not ServiceArea.objects.exists()
    # someone who serves no area (a social worker) has no areas to add to
    assert (
        login(cast.manager)
        .post(f"/registry/areas/{cast.worker.pk}/add/", {"location": register.other_village.pk})
        .status_code
        == 404
    )
    assert not ServiceArea.objects.exists()


def test_a_bad_hotline_call_keeps_what_was_typed_and_records_nothing(cast, register):
    body = {"line": "12345", "work_order": "GD-778", "child_name": "", "location": register.village.pk,
            "summary": "孩子一个人在家", "urgency": "soon", "child_sex": "unknown"}  # fmt: skip
    response = login(cast.worker).post("/registry/hotline/", body)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="GD-778"' in html and "孩子一个人在家" in html
    assert zh("This field is required.") in html
    assert (
        login(cast.worker).post("/registry/hotline/", {**body, "child_name": "小明", "child_age": "99"}).status_code
        == 200
    )
    assert not HotlineCall.objects.exists()
    ok = login(cast.worker).post("/registry/hotline/", {**body, "child_name": "小明", "child_age": "7"})
    assert ok.status_code == 302
    call = HotlineCall.objects.get()
    assert (call.child_name, call.work_order, call.child_age, call.taken_by) == ("小明", "GD-778", 7, cast.worker)


# --- exact query counts on every list page, at two sizes --------------------------------------------


def _grow_files(register, prefix, **where):
    def grow(n):
        start = ChildFile.objects.filter(name__startswith=prefix).count()
        for i in range(start, start + n):
            make_file(name=f"{prefix}{i}", **where)

    return grow


def test_director_home_queries_are_pinned(cast, register, django_assert_num_queries):
    client = login(register.director)
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get("/registry/"),
        grow=_grow_files(register, "名单童", location=register.village, director=register.director),
        rows=numbered("名单童"),
        expected=EXPECTED["director home"],
    )


def test_file_list_queries_are_pinned(cast, register, django_assert_num_queries):
    client = login(cast.manager)
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get("/registry/files/"),
        grow=_grow_files(register, "名单童", location=register.other_village),
        rows=numbered("名单童"),
        expected=EXPECTED["file list"],
    )


def _grow_villages(register):
    def grow(n):
        for _ in range(n):
            village = LocationFactory(name=f"新村{LocationFactory._meta.model.objects.count()}", parent=register.town)
            make_file(location=village, name="村童")

    return grow


def test_town_page_queries_are_pinned(cast, register, django_assert_num_queries):
    import re

    client = login(register.supervisor)
    base = len(re.findall(r'data-testid="village-\d+"', client.get("/registry/town/").content.decode()))
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get("/registry/town/"),
        grow=_grow_villages(register),
        rows=lambda r: len(re.findall(r'data-testid="village-\d+"', r.content.decode())) - base,
        expected=EXPECTED["town"],
    )


def test_review_list_queries_are_pinned(cast, register, django_assert_num_queries):
    def grow(n):
        for i in range(n):
            file = make_file(
                location=register.village, director=register.director, name=f"待审童{ChildFile.objects.count()}{i}"
            )
            update_submit(actor=register.director, file=file, date=TODAY(), summary="待审")

    import re

    client = login(register.supervisor)
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get("/registry/review/"),
        grow=grow,
        rows=lambda r: len(re.findall(r'data-testid="review-\d+"', r.content.decode())),
        expected=EXPECTED["review"],
    )


def test_hotline_page_queries_are_pinned(cast, register, django_assert_num_queries):
    def grow(n):
        for _ in range(n):
            _call(register, f"来电童{HotlineCall.objects.count()}", taken_by=cast.worker)

    client = login(cast.manager)
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get("/registry/hotline/"),
        grow=grow,
        rows=numbered("来电童"),
        expected=EXPECTED["hotline"],
    )


def test_areas_page_queries_are_pinned(cast, register, django_assert_num_queries):
    import re

    def grow(n):
        for _ in range(n):
            person = UserFactory(role="children_director", location=LocationFactory(parent=register.town))
            ServiceArea.objects.create(user=person, location=register.other_village)

    client = login(cast.manager)
    base = len(re.findall(r'data-testid="person-\d+"', client.get("/registry/areas/").content.decode()))
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get("/registry/areas/"),
        grow=grow,
        rows=lambda r: len(re.findall(r'data-testid="person-\d+"', r.content.decode())) - base,
        expected=EXPECTED["areas"],
    )


def test_rules_page_queries_are_pinned(cast, register, django_assert_num_queries):
    import itertools

    from registry.models import ChildType, EntitlementCode

    CategoryRule.objects.all().delete()  # the national defaults: the rows are the test's own
    combinations = itertools.product(ChildType.values, EntitlementCode.values)

    def grow(n):
        for child_type, entitlement in itertools.islice(combinations, n):
            CategoryRule.objects.create(child_type=child_type, category="", entitlement=entitlement)

    client = login(cast.manager)
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get("/registry/rules/"),
        grow=grow,
        rows=lambda r: r.content.decode().count('<a href="?edit='),
        expected=EXPECTED["rules"],
    )


@pytest.mark.parametrize("url", ["/api/v1/registry/", "/api/v1/registry-updates/"])
def test_register_list_endpoints_are_pinned_at_two_page_sizes(cast, register, url, django_assert_num_queries):
    for i in range(12):
        file = make_file(location=register.village, director=register.director, name=f"接口童{i}")
        update_submit(actor=register.director, file=file, date=TODAY(), summary="接口")
    client = api_as(register.supervisor)
    client.get(url, {"page_size": 2})
    for size in (2, 12):
        with django_assert_num_queries(EXPECTED[url]):
            response = client.get(url, {"page_size": size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == size


# Every page: the session, the user, the two-factor device check and its page's own reads; a page of a
# child's records adds the audit row naming them. The same number at both sizes is the point.
EXPECTED = {
    "director home": 7,
    "file list": 7,
    "town": 14,
    "review": 7,
    "hotline": 5,
    "areas": 6,
    "rules": 4,
    "/api/v1/registry/": 4,
    "/api/v1/registry-updates/": 4,
}
