"""The standard battery over the actions of joint-cases/ (issue 18 item 6). The list's query count is
another helper's (its N+1 is a strict xfail in test_battery.py); test_scope.py, test_plan_and_interview.py
and test_conference_milestones_closing.py prove each scope. Here: every method of every route, NGO B's
404 on each action naming no child and writing nothing, the law firm's 403 where its scope stops,
refusals in Chinese with nothing written (audit included), and each action re-read.

| route                                        | anon 401 | 405  | outsider 404 | read-only 403       | bad input (zh) | happy path |
| -------------------------------------------- | -------- | ---- | ------------ | ------------------- | -------------- | ---------- |
| joint-cases/, joint-cases/{id}/              | here     | here | here         | here (four roles)   | here           | scope      |
| {id}/partners/, partners/{p}/leave/          | here     | here | here         | here (law firm)     | here           | here       |
| {id}/tasks/, tasks/{t}/                      | here     | here | here         | here (law firm)     | here           | here       |
| {id}/notes/                                  | here     | here | here         | —                   | here           | here       |
| {id}/interview/                              | here     | here | here         | here (law firm)     | here           | plan_and_interview |
| {id}/conferences/, conferences/{c}/minutes/  | here     | here | here         | here (law firm)     | here           | here       |
| {id}/milestones/                             | here     | here | here         | here (law firm)     | here           | here       |
| {id}/close/                                  | here     | here | here         | closing             | —              | closing    |
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from multiagency import services
from multiagency.models import CaseConference, JointCase, JointNote, JointTask, Milestone, Partner
from multiagency.permissions import get_joint_access
from tests.api_battery import ZH, api_id_battery, api_route_battery, hidden, refused_in_chinese, send, written
from tests.battery import nothing_written
from tests.planted import PLANTED_NAME

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def world(osc):
    """The One-Stop Centre case, about the planted child, with a conference scheduled."""
    child = osc.city.a.case.child
    child.name = PLANTED_NAME
    child.save(update_fields=["name"])
    lead = osc.city.a.worker
    access = get_joint_access(lead, osc.joint.pk, action="manage")
    conference = services.conference_schedule(
        actor=lead, access=access, date=TODAY, agencies=[osc.city.a.organisation, osc.procuratorate.organisation]
    )
    law_task = JointTask.objects.get(joint_case=osc.joint, organisation=osc.law_firm.organisation)
    lead_task = JointTask.objects.get(joint_case=osc.joint, organisation=osc.city.a.organisation)
    psychologist = Partner.objects.get(joint_case=osc.joint, organisation=osc.psychologist.organisation)
    return {
        "joint": osc.joint.pk,
        "conference": conference.pk,
        "law_task": law_task.pk,
        "lead_task": lead_task.pk,
        "partner": psychologist.pk,
        "lead": lead,
        "outsider": osc.city.b.worker,
        "lawyer": osc.law_firm.worker,
        "osc": osc,
    }


ROUTES = [
    ("GET POST", "/api/v1/joint-cases/"),
    ("GET", "/api/v1/joint-cases/{joint}/"),
    ("POST", "/api/v1/joint-cases/{joint}/partners/"),
    ("POST", "/api/v1/joint-cases/{joint}/partners/{partner}/leave/"),
    ("POST", "/api/v1/joint-cases/{joint}/tasks/"),
    ("POST", "/api/v1/joint-cases/{joint}/tasks/{law_task}/"),
    ("POST", "/api/v1/joint-cases/{joint}/notes/"),
    ("POST", "/api/v1/joint-cases/{joint}/interview/"),
    ("POST", "/api/v1/joint-cases/{joint}/conferences/"),
    ("POST", "/api/v1/joint-cases/{joint}/conferences/{conference}/minutes/"),
    ("POST", "/api/v1/joint-cases/{joint}/milestones/"),
    ("POST", "/api/v1/joint-cases/{joint}/close/"),
]


def _stored() -> dict:
    return {
        **written(JointCase, Partner, JointTask, JointNote, CaseConference, Milestone)(),
        "joint": list(JointCase.objects.values_list("pk", "closed_on")),
        "tasks": list(JointTask.objects.order_by("pk").values_list("pk", "status")),
        "partners": list(Partner.objects.order_by("pk").values_list("pk", "left_on")),
        "minutes": list(CaseConference.objects.values_list("pk", "minutes")),
    }


test_anonymous_gets_401, test_wrong_method_gets_405 = api_route_battery(ROUTES, stored=_stored, actor="lead")
test_an_id_that_names_nothing_is_404 = api_id_battery(ROUTES, stored=_stored, actor="lead")


def _bodies(world):
    osc = world["osc"]
    a = osc.city.a.organisation.pk
    return {
        "partners/": {"organisation": osc.city.b.organisation.pk, "role": "legal_aid", "scope": "plan"},
        "partners/{partner}/leave/": {},
        "tasks/": {"organisation": a, "title": "家访", "due_on": TODAY.isoformat()},
        "tasks/{law_task}/": {"status": "done", "outcome": "已完成"},
        "notes/": {"text": "外人的笔记"},
        "interview/": {"date": TODAY.isoformat(), "place": "室", "agencies": [a], "attendees": "x", "record": "x"},
        "conferences/": {"date": TODAY.isoformat(), "agencies": [a]},
        "conferences/{conference}/minutes/": {"agencies": [a], "minutes": "会议记录"},
        "milestones/": {"kind": "case_filed", "date": TODAY.isoformat()},
        "close/": {},
    }


ACTIONS = [
    "partners/",
    "partners/{partner}/leave/",
    "tasks/",
    "tasks/{law_task}/",
    "notes/",
    "interview/",
    "conferences/",
    "conferences/{conference}/minutes/",
    "milestones/",
    "close/",
]


def test_another_ngos_worker_gets_404_on_every_action_without_the_childs_name(world, api_for):
    api = api_for(world["outsider"])
    with nothing_written(_stored):
        for action in ["", *ACTIONS]:
            url = f"/api/v1/joint-cases/{world['joint']}/{action}".format(**world)
            hidden(send(api, "POST" if action else "GET", url, _bodies(world).get(action, {})))


@pytest.mark.parametrize("role", ["referrer", "pledger", "volunteer", "funder"])
def test_roles_that_never_see_case_files_get_403(world, cast, api_for, role):
    api = api_for(getattr(cast, role))
    with nothing_written(_stored):
        answers = {"list": api.get("/api/v1/joint-cases/").status_code}
        answers["detail"] = api.get(f"/api/v1/joint-cases/{world['joint']}/").status_code
        answers["notes"] = api.post(f"/api/v1/joint-cases/{world['joint']}/notes/", {"text": "x"}).status_code
    assert answers == dict.fromkeys(answers, 403)


def test_the_law_firm_sees_the_case_but_its_scope_stops_here(world, api_for):
    api = api_for(world["lawyer"])
    assert api.get(f"/api/v1/joint-cases/{world['joint']}/").status_code == 200
    beyond = ["partners/", "partners/{partner}/leave/", "interview/", "conferences/", "milestones/", "close/"]
    with nothing_written(_stored):
        answers = {
            action: send(api, "POST", f"/api/v1/joint-cases/{world['joint']}/{action}".format(**world),
                         _bodies(world)[action]).status_code
            for action in beyond
        }  # fmt: skip
    assert answers == dict.fromkeys(beyond, 403)


def test_the_law_firm_may_not_update_the_lead_agencys_task(world, api_for):
    url = f"/api/v1/joint-cases/{world['joint']}/tasks/{world['lead_task']}/"
    with nothing_written(_stored):
        response = api_for(world["lawyer"]).post(url, {"status": "done"}, format="json")
    # the law firm reads only its own tasks (scope own_tasks): another agency's is 404, as a missing one
    assert world["lead_task"] not in _visible_tasks(world)
    hidden(response)


def _visible_tasks(world):
    access = get_joint_access(world["lawyer"], world["joint"])
    return set(access.tasks().values_list("pk", flat=True))


BAD = [
    ("notes/", {"text": ""}, "text", "This field may not be blank.", {}),
    ("tasks/", {"title": "家访", "due_on": "2026-02-30", "organisation": "{a}"}, "due_on",
     "Date has wrong format. Use one of these formats instead: {format}.", {"format": "YYYY-MM-DD"}),
    ("tasks/{law_task}/", {"status": "finished"}, "status", '"{input}" is not a valid choice.', {"input": "finished"}),
    ("milestones/", {"kind": "case_filed", "date": "{tomorrow}"}, "date",
     "Only a hearing may be recorded ahead; the others once they happen.", {}),
    ("milestones/", {"kind": "party", "date": "{today}"}, "kind", '"{input}" is not a valid choice.',
     {"input": "party"}),
    ("conferences/{conference}/minutes/", {"agencies": ["{a}"], "minutes": ""}, "minutes",
     "This field may not be blank.", {}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("action", "body", "field", "msgid", "params"), BAD, ids=[f"{b[2]}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_body_is_400_in_chinese_and_nothing_is_written(world, api_for, action, body, field, msgid, params):
    names = {
        "{a}": world["osc"].city.a.organisation.pk,
        "{today}": TODAY.isoformat(),
        "{tomorrow}": (TODAY + dt.timedelta(days=1)).isoformat(),
    }

    def filled(value):
        if isinstance(value, list):
            return [names.get(v, v) for v in value]
        return names.get(value, value)

    body = {k: filled(v) for k, v in body.items()}
    url = f"/api/v1/joint-cases/{world['joint']}/{action}".format(**world)
    with nothing_written(_stored):
        response = send(api_for(world["lead"]), "POST", url, body, **ZH)
    refused_in_chinese(response, field, msgid, **params)


def test_the_lead_adds_a_task_and_the_law_firm_finishes_its_own(world, api_for):
    body = _bodies(world)["tasks/"]
    added = api_for(world["lead"]).post(f"/api/v1/joint-cases/{world['joint']}/tasks/", body, format="json")
    assert added.status_code == 201, added.content
    assert JointTask.objects.filter(joint_case_id=world["joint"], title="家访").count() == 1
    done = api_for(world["lawyer"]).post(
        f"/api/v1/joint-cases/{world['joint']}/tasks/{world['law_task']}/", {"status": "done", "outcome": "已出庭"},
        format="json",
    )  # fmt: skip
    assert done.status_code == 200, done.content
    task = JointTask.objects.get(pk=world["law_task"])
    assert (task.status, task.outcome) == ("done", "已出庭")


def test_the_lead_records_the_minutes_and_a_milestone(world, api_for):
    api = api_for(world["lead"])
    minutes = api.post(
        f"/api/v1/joint-cases/{world['joint']}/conferences/{world['conference']}/minutes/",
        _bodies(world)["conferences/{conference}/minutes/"],
        format="json",
    )
    assert minutes.status_code == 200, minutes.content
    assert CaseConference.objects.get(pk=world["conference"]).minutes == "会议记录"
    milestone = api.post(
        f"/api/v1/joint-cases/{world['joint']}/milestones/", {"kind": "case_filed", "date": TODAY.isoformat()},
        format="json",
    )  # fmt: skip
    assert milestone.status_code == 201, milestone.content
    assert list(Milestone.objects.filter(joint_case_id=world["joint"]).values_list("kind", "date")) == [
        ("case_filed", TODAY)
    ]


def test_the_lead_lets_a_partner_leave(world, api_for):
    url = f"/api/v1/joint-cases/{world['joint']}/partners/{world['partner']}/leave/"
    response = api_for(world["lead"]).post(url, {}, format="json")
    assert response.status_code == 200, response.content
    assert Partner.objects.get(pk=world["partner"]).left_on == TODAY
