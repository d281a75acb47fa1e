"""Register children's attendance through ``programme-sessions/`` (issue 13; api-v1: added fields only).

``others_present`` (write) takes the roster keys of the present children who have no case, validated by the
register's roster source; ``programme-sessions/{id}/others/`` reads them, key and name only for who the
register's policy lets see the child, the read audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import AuditEntry
from programmes import services
from programmes.models import ProgrammeSession
from registry import roster
from registry.models import ProgrammePlace

# the director, their register child and the child's place on the classroom (joined 60 days ago)
from tests.programmes.test_register_children import child_file, director, placed  # noqa: F401
from tests.registry.conftest import make_file

pytestmark = pytest.mark.django_db

URL = "/api/v1/programme-sessions/"


def _body(classroom, **extra):
    return {"programme": classroom.programme.pk, "date": str(timezone.localdate()), "duration_minutes": 90, **extra}


def test_a_session_recorded_with_a_register_child_present(cast, api_for, classroom, placed):  # noqa: F811
    body = _body(classroom, attendees=[classroom.cases[0].pk], others_present=[f"register:{placed.file_id}"])
    response = api_for(cast.worker).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["others_attendance_taken"] is True and "others_present" not in data  # write-only
    session = ProgrammeSession.objects.get(pk=data["id"])
    assert session.others_attendance_taken and session.attendance_taken
    assert list(placed.sessions_attended.values_list("pk", flat=True)) == [session.pk]
    assert AuditEntry.objects.filter(
        object_type="programmesession", object_id=str(session.pk), action="create", detail__others=1
    ).exists()


def test_without_the_field_the_register_attendance_is_not_taken(cast, api_for, classroom, placed):  # noqa: F811
    response = api_for(cast.worker).post(URL, _body(classroom, attendees=[classroom.cases[0].pk]), format="json")
    assert response.status_code == 201
    assert response.json()["others_attendance_taken"] is False
    assert not placed.sessions_attended.exists()


@pytest.mark.parametrize("key", ["register:999999", "register:abc", "case:1", "12", ""])
def test_unknown_keys_are_refused_and_nothing_written(cast, api_for, classroom, placed, key):  # noqa: F811
    body = _body(classroom, others_present=[f"register:{placed.file_id}", key])
    response = api_for(cast.worker).post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["others_present"] == ["只能为项目名单上的儿童点到。"]  # in the user's language
    assert not ProgrammeSession.objects.exists() and not placed.sessions_attended.exists()


def test_a_child_who_left_or_is_on_another_programme_is_refused(cast, api_for, classroom, director, placed):  # noqa: F811
    other_file = make_file(location=cast.village, director=director, name="王小明")  # on no programme
    session = services.session_record(
        actor=cast.worker, programme=classroom.programme, date=timezone.localdate(), duration_minutes=60
    )
    url = f"{URL}{session.pk}/"
    refused = api_for(cast.worker).patch(url, {"others_present": [f"register:{other_file.pk}"]}, format="json")
    assert refused.status_code == 400 and "others_present" in refused.json()
    roster.place_end(actor=director, place=placed, left_on=timezone.localdate())
    gone = api_for(cast.worker).patch(url, {"others_present": [f"register:{placed.file_id}"]}, format="json")
    assert gone.status_code == 400
    session.refresh_from_db()
    assert not session.others_attendance_taken and not placed.sessions_attended.exists()


def test_patch_sets_the_register_attendance_alone_and_a_refusal_rolls_back_the_rest(
    cast,
    api_for,
    classroom,
    placed,  # noqa: F811
):
    session = services.session_record(
        actor=cast.worker,
        programme=classroom.programme,
        date=timezone.localdate(),
        duration_minutes=60,
        attendees=classroom.cases[:2],
    )
    url = f"{URL}{session.pk}/"
    # a topic change with a bad key: refused, the topic is not changed either
    bad = api_for(cast.worker).patch(url, {"topic": "书法", "others_present": ["register:999999"]}, format="json")
    assert bad.status_code == 400
    session.refresh_from_db()
    assert session.topic == "" and not session.others_attendance_taken
    # the register child alone: the case children's attendance stays as it was
    ok = api_for(cast.worker).patch(url, {"others_present": [f"register:{placed.file_id}"]}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["others_attendance_taken"] is True
    assert sorted(ok.json()["attendees"]) == sorted(c.pk for c in classroom.cases[:2])
    assert list(placed.sessions_attended.all()) == [session]
    # then marked absent (an empty list): attendance still taken, nobody present
    absent = api_for(cast.worker).patch(url, {"others_present": []}, format="json")
    assert absent.status_code == 200
    assert not placed.sessions_attended.exists()
    session.refresh_from_db()
    assert session.others_attendance_taken


def test_three_missed_sessions_through_the_api_tell_the_director(cast, api_for, classroom, director, placed):  # noqa: F811
    from notifications.models import Notification

    for days_ago in (3, 2, 1):
        body = _body(classroom, others_present=[])
        body["date"] = str(timezone.localdate() - dt.timedelta(days=days_ago))
        assert api_for(cast.worker).post(URL, body, format="json").status_code == 201
    assert Notification.objects.filter(user=director, kind="programme_absence").count() == 1


def test_others_read_names_only_for_who_may_see_the_child(cast, api_for, classroom, placed):  # noqa: F811
    session = services.session_record(
        actor=cast.worker,
        programme=classroom.programme,
        date=timezone.localdate(),
        duration_minutes=60,
        attendees=[],
        outside_present=[f"register:{placed.file_id}"],
    )
    url = f"{URL}{session.pk}/others/"
    # the facilitator: the key and the name, the read audited by file id
    facilitator = api_for(cast.worker).get(url)
    assert facilitator.status_code == 200
    key = f"register:{placed.file_id}"
    assert facilitator.json() == [{"key": key, "name": "刘小雨", "present": True, "prefix": "register"}]
    entry = AuditEntry.objects.filter(user=cast.worker, object_type="registry", action="view").latest("pk")
    assert entry.detail["ids"] == [placed.file_id]
    # a colleague who may read the session but not the file: a hidden child, nothing naming the file
    colleague = api_for(cast.colleague).get(url)
    assert colleague.status_code == 200
    assert colleague.json() == [{"key": None, "name": None, "present": True, "prefix": "register"}]
    assert not AuditEntry.objects.filter(user=cast.colleague, object_type="registry").exists()
    # the manager may see every file
    assert api_for(cast.manager).get(url).json()[0]["name"] == "刘小雨"


def test_others_of_a_session_the_caller_may_not_see_is_404(cast, api_for, classroom, placed):  # noqa: F811
    from organisations.models import Organisation
    from tests.factories import UserFactory

    session = services.session_record(
        actor=cast.worker, programme=classroom.programme, date=timezone.localdate(), duration_minutes=60
    )
    outsider = UserFactory(username="ow", role="manager", organisation=Organisation.objects.create(name="别家"))
    assert api_for(outsider).get(f"{URL}{session.pk}/others/").status_code == 404
    assert api_for(cast.worker).get(f"{URL}999999/others/").status_code == 404
    assert ProgrammePlace.objects.count() == 1


def test_the_schema_documents_the_added_fields(api_for, cast):
    schema = api_for(cast.manager).get("/api/v1/schema/", {"format": "json"}).json()
    props = schema["components"]["schemas"]["ProgrammeSessionRequest"]["properties"]
    assert props["others_present"]["type"] == "array" and "register:12" in props["others_present"]["description"]
    assert "others_attendance_taken" in schema["components"]["schemas"]["ProgrammeSession"]["properties"]
    assert "/api/v1/programme-sessions/{id}/others/" in schema["paths"]
