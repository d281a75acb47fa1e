from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import AuditEntry
from registry.models import ChildFile
from tests import contract
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

URL = "/api/v1/registry/"


def new_file_body(register, **extra):
    today = timezone.localdate()
    body = {
        "name": "刘小兵",
        "sex": "male",
        "birth_date": str(dt.date(today.year - 7, 5, 1)),
        "location": register.village.pk,
        "child_type": "de_facto_unsupported",
        "category": "custody_need",
        "left_behind": False,
        "guardian_situation": "父亲服刑，母亲失联，由祖母照顾",
    }
    body.update(extra)
    return body


def test_contract_fields_of_a_file(cast, register):
    response = api_as(register.director).get(f"{URL}{register.file.pk}/")
    assert response.status_code == 200
    # api-v1.md, "The monitoring register": registry/
    assert list(response.json()) == contract.fields(
        "id, name, sex, birth_date, location, child_type, category, left_behind, guardian_situation, entitlements, "
        "director, status, leave_reason, registered_on, last_update_on, next_update_due, case"
    )
    assert response.json()["entitlements"] == ["minimum_living_allowance", "education_aid"]


def test_director_registers_a_child_of_their_village(cast, register):
    response = api_as(register.director).post(URL, new_file_body(register), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    file = ChildFile.objects.get(pk=body["id"])
    assert file.director == register.director and file.status == "monitored"
    assert body["entitlements"] == ["unsupported_child_subsidy", "medical_aid", "education_aid"]
    assert body["next_update_due"] > body["registered_on"]
    assert AuditEntry.objects.filter(action="create", object_type="childfile", object_id=str(file.pk)).exists()


def test_entitlements_are_read_only(cast, register):
    response = api_as(register.director).post(
        URL, new_file_body(register, entitlements=["orphan_allowance"]), format="json"
    )
    assert response.status_code == 201
    assert "orphan_allowance" not in response.json()["entitlements"]


def test_same_idempotency_key_creates_one_file(cast, register):
    client = api_as(register.director)
    first = client.post(URL, new_file_body(register), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post(URL, new_file_body(register), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert ChildFile.objects.filter(name="刘小兵").count() == 1


def test_director_cannot_register_in_a_village_they_do_not_serve(cast, register):
    response = api_as(register.director).post(
        URL, new_file_body(register, location=register.other_village.pk), format="json"
    )
    assert response.status_code == 403
    assert not ChildFile.objects.filter(name="刘小兵").exists()


@pytest.mark.parametrize("role", ["supervisor", "referrer", "funder", "worker"])
def test_other_roles_cannot_register(cast, register, role):
    user = getattr(register, role, None) or getattr(cast, role)
    response = api_as(user).post(URL, new_file_body(register), format="json")
    assert response.status_code == 403
    assert not ChildFile.objects.filter(name="刘小兵").exists()


def test_bad_input_is_refused_with_a_message_and_nothing_written(cast, register):
    future = str(timezone.localdate() + dt.timedelta(days=3))
    response = api_as(register.director).post(URL, new_file_body(register, birth_date=future), format="json")
    assert response.status_code == 400
    assert "birth_date" in response.json()
    adult = str(timezone.localdate().replace(year=timezone.localdate().year - 19))
    response = api_as(register.director).post(URL, new_file_body(register, birth_date=adult), format="json")
    assert response.status_code == 400 and "birth_date" in response.json()
    response = api_as(register.director).post(URL, new_file_body(register, child_type="nonsense"), format="json")
    assert response.status_code == 400 and "child_type" in response.json()
    assert not ChildFile.objects.filter(name="刘小兵").exists()


def test_anonymous_gets_401(cast, register):
    assert api_as(None).get(URL).status_code == 401
    assert api_as(None).get(f"{URL}{register.file.pk}/").status_code == 401


def test_who_sees_which_file(cast, register):
    def visible(user):
        return {row["id"] for row in api_as(user).get(URL).json()["results"]}

    f, other, far = register.file.pk, register.other_file.pk, register.far_file.pk
    assert visible(register.director) == {f}
    assert visible(register.supervisor) == {f, other}
    assert visible(register.other_supervisor) == {far}
    assert visible(cast.manager) == {f, other, far}
    assert visible(cast.admin) == {f, other, far}
    for user in (cast.worker, cast.colleague, cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        assert visible(user) == set()
        assert api_as(user).get(f"{URL}{f}/").status_code == 404
    assert api_as(register.director).get(f"{URL}{other}/").status_code == 404
    assert api_as(register.supervisor).get(f"{URL}{far}/").status_code == 404


def test_social_worker_sees_a_file_only_when_its_case_is_visible(cast, register):
    register.file.case = cast.case
    register.file.save()
    assert api_as(cast.worker).get(f"{URL}{register.file.pk}/").status_code == 200
    assert api_as(cast.colleague).get(f"{URL}{register.file.pk}/").status_code == 404
    # the director learns nothing of the case
    assert api_as(register.director).get(f"{URL}{register.file.pk}/").json()["case"] is None
    assert api_as(cast.worker).get(f"{URL}{register.file.pk}/").json()["case"] == cast.case.pk


def test_every_read_is_audited(cast, register):
    before = AuditEntry.objects.filter(action="view").count()
    api_as(register.supervisor).get(URL)
    api_as(register.supervisor).get(f"{URL}{register.file.pk}/")
    rows = AuditEntry.objects.filter(action="view").order_by("pk")[before:]
    assert [(r.object_type, r.object_id) for r in rows] == [("childfile", ""), ("childfile", str(register.file.pk))]
    assert set(rows[0].detail["ids"]) == {register.file.pk, register.other_file.pk}


def test_director_changes_a_file_and_entitlements_follow(cast, register):
    response = api_as(register.director).patch(
        f"{URL}{register.file.pk}/", {"child_type": "orphan", "category": "none"}, format="json"
    )
    assert response.status_code == 200, response.json()
    register.file.refresh_from_db()
    assert register.file.entitlements == ["orphan_allowance", "medical_aid", "education_aid"]


def test_supervisor_may_read_but_not_change_a_file(cast, register):
    response = api_as(register.supervisor).patch(f"{URL}{register.file.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403
    register.file.refresh_from_db()
    assert register.file.name == "张小花"


def test_wrong_method_is_405(cast, register):
    assert api_as(register.director).delete(f"{URL}{register.file.pk}/").status_code == 405


def test_duplicates_are_reported_against_files_and_cases(cast, register):
    response = api_as(register.director).post(
        URL, new_file_body(register, name="张小華", birth_date=str(register.file.birth_date)), format="json"
    )
    assert response.status_code == 201
    duplicates = response.json()["possible_duplicates"]
    assert [(d["kind"], d["id"]) for d in duplicates] == [("file", register.file.pk)]
    # a manager also sees a case child with the same name in the village
    cast.case.child.name = "刘小兵"
    cast.case.child.location = register.village
    cast.case.child.save()
    response = api_as(cast.manager).post(URL, new_file_body(register), format="json")
    assert ("case", cast.case.child.pk) in [(d["kind"], d["id"]) for d in response.json()["possible_duplicates"]]


def test_users_api_has_email_phone_and_location(cast, register):
    response = api_as(cast.manager).get(f"/api/v1/users/{register.director.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["location"] == register.village.pk and "email" in body and "phone" in body
    response = api_as(cast.manager).patch(
        f"/api/v1/users/{register.supervisor.pk}/", {"location": register.village.pk}, format="json"
    )
    assert response.status_code == 400 and "location" in response.json()
    register.supervisor.refresh_from_db()
    assert register.supervisor.location == register.town


def test_list_query_count_does_not_grow_with_the_files(cast, register, django_assert_max_num_queries):
    from tests.registry.conftest import make_file

    for n in range(6):
        make_file(location=register.village, director=register.director, name=f"孩子{n}")
    client = api_as(register.supervisor)
    with django_assert_max_num_queries(9):
        response = client.get(URL)
    assert response.json()["count"] == 8
