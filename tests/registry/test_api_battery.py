"""The standard battery over the monitoring register's API (issue 18 item 6): registry/ (+ escalate, leave),
registry-updates/ (+ approve, return) and reports/registry/.

tests/registry/test_file_api.py and test_updates_and_escalation.py prove who sees and changes which file;
test_battery.py pins the lists' query counts. Here: every method of every route, the other town's
director and supervisor and the colleague 404 naming no child, 403 for who sees but may not act, each
refusal's Chinese with nothing written (audit included), and each action re-read.

| route                             | anon 401 | 405  | outsider 404           | read-only 403              | bad input (zh) | happy path |
| --------------------------------- | -------- | ---- | ---------------------- | -------------------------- | -------------- | ---------- |
| registry/, registry/{id}/         | here     | here | here                   | here (supervisor PATCH)    | here           | here       |
| registry/{id}/leave/              | here     | here | here                   | here (supervisor)          | here           | here       |
| registry/{id}/escalate/           | here     | here | here                   | here (four roles)          | here           | file_api   |
| registry-updates/, {id}/          | here     | here | here                   | —                          | here           | here       |
| registry-updates/{id}/approve/    | here     | here | here                   | here (the director)        | here (twice)   | here       |
| registry-updates/{id}/return/     | here     | here | here                   | here (the director)        | here           | here       |
| reports/registry/                 | registry battery | registry battery | test_report | here (worker)   | here (a hidden place) | test_report |
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from referrals.models import Referral
from registry import services
from registry.models import ChildFile, RegisterUpdate
from tests.api_battery import ZH, api_id_battery, api_route_battery, hidden, refused_in_chinese, send, written
from tests.battery import nothing_written
from tests.planted import PLANTED_NAME

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def world(cast, register):
    """The director's file in 七里村 is about the planted child, and his quarterly update waits for review."""
    file = register.file
    file.name = PLANTED_NAME
    file.save(update_fields=["name"])
    update, _created = services.update_submit(actor=register.director, file=file, date=TODAY, summary="孩子状况稳定")
    return {"file": file.pk, "update": update.pk, "register": register}


ROUTES = [
    ("GET POST", "/api/v1/registry/"),
    ("GET PUT PATCH", "/api/v1/registry/{file}/"),
    ("POST", "/api/v1/registry/{file}/escalate/"),
    ("POST", "/api/v1/registry/{file}/leave/"),
    ("GET POST", "/api/v1/registry-updates/"),
    ("GET", "/api/v1/registry-updates/{update}/"),
    ("POST", "/api/v1/registry-updates/{update}/approve/"),
    ("POST", "/api/v1/registry-updates/{update}/return/"),
]


def _stored() -> dict:
    return {
        **written(ChildFile, RegisterUpdate, Referral)(),
        "files": list(
            ChildFile.objects.order_by("pk").values_list("pk", "status", "guardian_situation", "last_update_on")
        ),
        "updates": list(RegisterUpdate.objects.order_by("pk").values_list("pk", "status", "review_note")),
    }


test_anonymous_gets_401, test_wrong_method_gets_405 = api_route_battery(ROUTES, stored=_stored, actor="manager")
test_an_id_that_names_nothing_is_404 = api_id_battery(ROUTES, stored=_stored, actor="manager")

ON_THE_FILE = [
    ("GET", "/api/v1/registry/{file}/", {}),
    ("PATCH", "/api/v1/registry/{file}/", {"guardian_situation": "外人"}),
    ("POST", "/api/v1/registry/{file}/escalate/", {"concerns": "外人"}),
    ("POST", "/api/v1/registry/{file}/leave/", {"leave_reason": "moved_away"}),
    ("GET", "/api/v1/registry-updates/{update}/", {}),
    ("POST", "/api/v1/registry-updates/{update}/approve/", {}),
    ("POST", "/api/v1/registry-updates/{update}/return/", {"note": "外人"}),
]


@pytest.mark.parametrize(("method", "path", "body"), ON_THE_FILE, ids=[f"{m} {p}" for m, p, _ in ON_THE_FILE])
@pytest.mark.parametrize("who", ["other_director", "other_supervisor", "colleague"])
def test_who_does_not_serve_the_village_gets_404_without_the_childs_name(world, cast, api_for, method, path, body, who):
    user = cast.colleague if who == "colleague" else getattr(world["register"], who)
    with nothing_written(_stored):
        hidden(send(api_for(user), method, path.format(**world), body))


@pytest.mark.parametrize("role", ["referrer", "pledger", "volunteer", "funder"])
def test_roles_outside_the_register_get_404_or_403_and_never_the_name(world, cast, api_for, role):
    api = api_for(getattr(cast, role))
    with nothing_written(_stored):
        answers = {f"{m} {p}": send(api, m, p.format(**world), b) for m, p, b in ON_THE_FILE}
    assert {label: r.status_code for label, r in answers.items()} == dict.fromkeys(answers, 404)
    assert not any(PLANTED_NAME in r.content.decode() for r in answers.values())


def test_the_supervisor_reads_the_file_but_may_not_change_it(world, api_for):
    api = api_for(world["register"].supervisor)
    assert api.get(f"/api/v1/registry/{world['file']}/").status_code == 200
    with nothing_written(_stored):
        patch = api.patch(f"/api/v1/registry/{world['file']}/", {"guardian_situation": "改"}, format="json")
        leave = api.post(f"/api/v1/registry/{world['file']}/leave/", {"leave_reason": "moved_away"}, format="json")
    assert (patch.status_code, leave.status_code) == (403, 403)


@pytest.mark.parametrize("answer", ["approve", "return"])
def test_the_director_may_not_review_his_own_update(world, api_for, answer):
    with nothing_written(_stored):
        response = api_for(world["register"].director).post(
            f"/api/v1/registry-updates/{world['update']}/{answer}/", {"note": "自己批"}, format="json"
        )
    assert response.status_code == 403


def test_a_social_worker_may_not_read_the_register_report(world, cast, api_for):
    assert api_for(cast.worker).get("/api/v1/reports/registry/").status_code == 403


def test_the_register_report_of_a_place_outside_the_supervisors_town_is_404(world, api_for):
    register = world["register"]
    response = api_for(register.supervisor).get("/api/v1/reports/registry/", {"location": register.other_town.pk})
    assert response.status_code == 404


BAD = [
    ("director", "POST", "/api/v1/registry/", {"name": "新", "location": "{village}", "child_type": "alien"},
     "child_type", '"{input}" is not a valid choice.', {"input": "alien"}),
    ("director", "POST", "/api/v1/registry/{file}/leave/", {"leave_reason": "bored"}, "leave_reason",
     '"{input}" is not a valid choice.', {"input": "bored"}),
    ("director", "POST", "/api/v1/registry/{file}/leave/", {"leave_reason": "moved_away", "left_on": "{tomorrow}"},
     "left_on", "The date must be between the registration and today.", {}),
    ("director", "POST", "/api/v1/registry/{file}/escalate/", {"concerns": ""}, "concerns",
     "This field may not be blank.", {}),
    ("director", "POST", "/api/v1/registry-updates/", {"child": "{file}", "date": "{tomorrow}", "summary": "好"},
     "date", "The visit date cannot be in the future.", {}),
    ("director", "POST", "/api/v1/registry-updates/", {"child": "{far_file}", "date": "{today}", "summary": "好"},
     "child", "No such file.", {}),
    ("supervisor", "POST", "/api/v1/registry-updates/{update}/return/", {"note": ""}, "note",
     "This field may not be blank.", {}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "field", "msgid", "params"), BAD, ids=[f"{b[4]}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_body_is_400_in_chinese_and_nothing_is_written(
    world, cast, api_for, who, method, path, body, field, msgid, params
):
    register = world["register"]
    names = {
        "{village}": cast.village.pk,
        "{file}": world["file"],
        "{far_file}": register.far_file.pk,
        "{today}": TODAY.isoformat(),
        "{tomorrow}": (TODAY + dt.timedelta(days=1)).isoformat(),
    }
    body = {k: names.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    with nothing_written(_stored):
        response = send(api_for(getattr(register, who)), method, path.format(**world), body, **ZH)
    refused_in_chinese(response, field, msgid, **params)


def test_an_update_is_reviewed_once(world, api_for):
    api = api_for(world["register"].supervisor)
    assert api.post(f"/api/v1/registry-updates/{world['update']}/approve/", {}, format="json").status_code == 200
    with nothing_written(_stored):
        again = api.post(f"/api/v1/registry-updates/{world['update']}/return/", {"note": "再看"}, format="json", **ZH)
    assert again.status_code == 400
    assert list(again.json()) == ["non_field_errors"]


def test_approval_moves_the_files_next_update_a_quarter_on(world, api_for):
    due = ChildFile.objects.get(pk=world["file"]).next_update_due
    response = api_for(world["register"].supervisor).post(
        f"/api/v1/registry-updates/{world['update']}/approve/", {"note": "好"}, format="json"
    )
    assert response.status_code == 200, response.content
    update = RegisterUpdate.objects.get(pk=world["update"])
    file = ChildFile.objects.get(pk=world["file"])
    assert (update.status, update.reviewed_by_id, update.reviewed_on) == (
        "approved",
        world["register"].supervisor.pk,
        TODAY,
    )
    assert (file.last_update_on, file.next_update_due) == (TODAY, services.add_quarter(due))


def test_return_keeps_the_supervisors_note(world, api_for):
    response = api_for(world["register"].supervisor).post(
        f"/api/v1/registry-updates/{world['update']}/return/", {"note": "请补充监护人情况"}, format="json"
    )
    assert response.status_code == 200, response.content
    update = RegisterUpdate.objects.get(pk=world["update"])
    assert (update.status, update.review_note) == ("returned", "请补充监护人情况")


def test_the_director_takes_a_file_off_the_register(world, api_for):
    body = {"leave_reason": "moved_away", "left_on": TODAY.isoformat(), "note": "随父母去广州"}
    response = api_for(world["register"].director).post(f"/api/v1/registry/{world['file']}/leave/", body, format="json")
    assert response.status_code == 200, response.content
    file = ChildFile.objects.get(pk=world["file"])
    assert (file.status, file.leave_reason) == ("left", "moved_away")


def test_the_director_corrects_the_guardian_situation(world, api_for):
    response = api_for(world["register"].director).patch(
        f"/api/v1/registry/{world['file']}/", {"guardian_situation": "跟奶奶住，父亲在外打工"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert ChildFile.objects.get(pk=world["file"]).guardian_situation == "跟奶奶住，父亲在外打工"
