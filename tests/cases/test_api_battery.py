"""The standard battery over the cases API (issue 18 item 6): cases/ (+ assign, close, transfer),
activities/ and transfers/ (+ accept, decline).

| route                          | anon 401 | 405  | outsider 404 | read-only 403          | bad input (zh) | happy path | queries          |
| ------------------------------ | -------- | ---- | ------------ | ---------------------- | -------------- | ---------- | ---------------- |
| cases/                         | here     | here | (scoped)     | here (four roles)      | here           | case_api   | api/             |
| cases/{id}/                    | here     | here | here         | here (closed case)     | here           | case_api   |                  |
| cases/{id}/assign/             | here     | here | here         | here (lead worker)     | here           | here       |                  |
| cases/{id}/close/              | here     | here | here         | here (lead worker)     | here           | here       |                  |
| cases/{id}/transfer/           | here     | here | here         | here (lead worker)     | here           | transfer   |                  |
| activities/, activities/{id}/  | here     | here | here         | here (closed case)     | here           | here       | api/             |
| transfers/, transfers/{id}/    | here     | here | here         | (sender's manager)     | —              | transfer   | api/             |
| transfers/{id}/accept/, decline| here     | here | here         | here (sender's manager)| here           | transfer   |                  |
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from cases.models import Activity, Case
from cases.models.transfer import CaseTransfer
from tests.api_battery import ZH, api_id_battery, api_route_battery, hidden, refusals, refused_in_chinese, send, written
from tests.battery import nothing_written
from tests.factories import ActivityFactory, UserFactory, make_case
from tests.planted import PLANTED_NAME

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()


def _organisation(name: str):
    from organisations.models import Organisation

    return Organisation.objects.create(name=name, kind="ngo")


@pytest.fixture
def world(cast):
    """The cast's case about the planted child, with a visit, and a proposed transfer of another of
    the lead worker's cases to a second organisation (whose manager answers it)."""
    from cases.services import case_team_add, transfer_propose

    child = cast.case.child
    child.name = PLANTED_NAME
    child.save(update_fields=["name"])
    activity = ActivityFactory(case=cast.case, recorded_by=cast.worker, summary=f"{PLANTED_NAME}的家访")
    receiver = _organisation("接收社工服务中心")
    receiving_manager = UserFactory(role=Role.MANAGER, organisation=receiver)
    receiving_worker = UserFactory(role=Role.SOCIAL_WORKER, organisation=receiver)
    teammate = UserFactory(role=Role.SOCIAL_WORKER, organisation=cast.worker.organisation)
    case_team_add(actor=cast.manager, case=cast.case, user=teammate)
    moving = make_case(lead_worker=cast.worker)
    transfer = transfer_propose(
        actor=cast.manager, case=moving, to_organisation=receiver, reason="搬家", consent_basis="not_given"
    )
    return {
        "case": cast.case.pk,
        "member": teammate.pk,
        "activity": activity.pk,
        "transfer": transfer.pk,
        "receiving_manager": receiving_manager,
        "receiving_worker": receiving_worker,
        "receiver": receiver,
    }


ROUTES = [
    ("GET POST", "/api/v1/cases/"),
    ("GET PUT PATCH", "/api/v1/cases/{case}/"),
    ("POST", "/api/v1/cases/{case}/assign/"),
    ("POST", "/api/v1/cases/{case}/close/"),
    ("POST", "/api/v1/cases/{case}/transfer/"),
    ("POST", "/api/v1/cases/{case}/team/"),
    ("DELETE", "/api/v1/cases/{case}/team/{member}/"),
    ("GET POST", "/api/v1/activities/"),
    ("GET", "/api/v1/activities/{activity}/"),
    ("GET", "/api/v1/transfers/"),
    ("GET", "/api/v1/transfers/{transfer}/"),
    ("POST", "/api/v1/transfers/{transfer}/accept/"),
    ("POST", "/api/v1/transfers/{transfer}/decline/"),
]


def _stored() -> dict:
    return {
        **written(Case, Activity, CaseTransfer)(),
        "cases": list(Case.objects.order_by("pk").values_list("pk", "status", "version", "lead_worker_id")),
        "transfers": list(CaseTransfer.objects.values_list("pk", "status")),
        "teams": sorted(Case.team.through.objects.values_list("case_id", "user_id")),
    }


test_anonymous_gets_401, test_wrong_method_gets_405 = api_route_battery(ROUTES, stored=_stored, actor="manager")
test_an_id_that_names_nothing_is_404 = api_id_battery(ROUTES, stored=_stored, actor="manager")


# --- outsiders: a colleague outside the team, another organisation's manager: 404, no name --------------

CASE_ROUTES = [
    ("GET", "/api/v1/cases/{case}/", {}),
    ("PATCH", "/api/v1/cases/{case}/", {"risk_level": "low", "version": 1}),
    ("PUT", "/api/v1/cases/{case}/", {"risk_level": "low", "version": 1}),
    ("POST", "/api/v1/cases/{case}/assign/", {"lead_worker": 0}),
    ("POST", "/api/v1/cases/{case}/close/", {"closed_on": TODAY.isoformat(), "closure_reason": "外人"}),
    ("POST", "/api/v1/cases/{case}/transfer/", {"reason": "外人", "consent_basis": "not_given"}),
    ("POST", "/api/v1/cases/{case}/team/", {"user": 0}),
    ("DELETE", "/api/v1/cases/{case}/team/{member}/", {}),
    ("GET", "/api/v1/activities/{activity}/", {}),
]


@pytest.mark.parametrize(("method", "path", "body"), CASE_ROUTES, ids=[f"{m} {p}" for m, p, _ in CASE_ROUTES])
@pytest.mark.parametrize("who", ["colleague", "other_manager"])
def test_outsider_gets_404_without_the_childs_name(world, cast, api_for, method, path, body, who):
    user = cast.colleague if who == "colleague" else UserFactory(role=Role.MANAGER, organisation=_organisation("别家"))
    with nothing_written(_stored):
        hidden(send(api_for(user), method, path.format(**world), body))


@pytest.mark.parametrize("who", ["worker", "colleague", "other_manager"])
@pytest.mark.parametrize("path", ["/api/v1/transfers/{transfer}/", "/api/v1/transfers/{transfer}/decline/"])
def test_transfer_outside_the_two_managements_is_404(world, cast, api_for, who, path):
    user = getattr(cast, who, None) or UserFactory(role=Role.MANAGER, organisation=_organisation("别家"))
    method = "GET" if path.endswith("}/") else "POST"
    with nothing_written(_stored):
        hidden(send(api_for(user), method, path.format(**world), {"reason": "外人"}))


def test_outsiders_lists_hold_nothing_of_the_case(world, cast, api_for):
    for url in ("/api/v1/cases/", "/api/v1/activities/", f"/api/v1/activities/?case={world['case']}"):
        response = api_for(cast.colleague).get(url)
        assert response.status_code == 200
        assert response.json()["count"] == 0, url
        assert PLANTED_NAME not in response.content.decode()


# --- read-only: who may see but not act: 403, nothing written ---------------------------------------

NOT_STAFF = ["referrer", "pledger", "volunteer", "funder"]
STAFF_ONLY = [
    ("GET", "/api/v1/cases/"),
    ("POST", "/api/v1/cases/"),
    ("GET", "/api/v1/cases/{case}/"),
    ("POST", "/api/v1/cases/{case}/close/"),
    ("GET", "/api/v1/activities/"),
    ("POST", "/api/v1/activities/"),
    ("GET", "/api/v1/transfers/"),
    ("POST", "/api/v1/transfers/{transfer}/accept/"),
]


@pytest.mark.parametrize("role", NOT_STAFF)
def test_roles_that_never_see_case_files_get_403_everywhere(world, cast, api_for, role):
    client = api_for(getattr(cast, role))
    before = refusals()
    with nothing_written(_stored):
        answers = {f"{m} {p}": send(client, m, p.format(**world), {}).status_code for m, p in STAFF_ONLY}
    assert answers == dict.fromkeys(answers, 403)
    assert refusals() == before + len(STAFF_ONLY)  # each refusal audited


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/cases/{case}/assign/", lambda cast: {"lead_worker": cast.colleague.pk}),
        ("/api/v1/cases/{case}/close/", lambda cast: {"closed_on": TODAY.isoformat(), "closure_reason": "完成"}),
        ("/api/v1/cases/{case}/transfer/", lambda cast: {"reason": "搬家", "consent_basis": "not_given"}),
    ],
)
def test_the_lead_worker_gets_403_on_a_managers_action(world, cast, api_for, path, body):
    with nothing_written(_stored):
        response = api_for(cast.worker).post(path.format(**world), body(cast), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_the_sending_manager_may_not_answer_her_own_transfer(world, cast, api_for, answer):
    body = {"lead_worker": cast.worker.pk, "reason": "不行"}
    with nothing_written(_stored):
        response = api_for(cast.manager).post(f"/api/v1/transfers/{world['transfer']}/{answer}/", body, format="json")
    assert response.status_code == 403


@pytest.fixture
def closed(cast):
    from cases.services import case_close

    case_close(actor=cast.manager, case=cast.case, closed_on=TODAY, closure_reason="目标达成")
    cast.case.refresh_from_db()
    return cast.case


def test_a_closed_case_is_read_only_for_its_lead_worker(world, cast, closed, api_for):
    api = api_for(cast.worker)
    assert api.get(f"/api/v1/cases/{closed.pk}/").status_code == 200
    with nothing_written(_stored):
        patch = api.patch(
            f"/api/v1/cases/{closed.pk}/", {"risk_level": "low", "version": closed.version}, format="json"
        )
        visit = {"case": closed.pk, "kind": "home_visit", "date": TODAY.isoformat(), "summary": "结案后"}
        added = api.post("/api/v1/activities/", visit, format="json", **ZH)
    assert patch.status_code == 403
    refused_in_chinese(added, "case", "You may not add to this case.")


# --- bad bodies: 400 in the documented shape, in Chinese, nothing written (audit included) ------------

BAD = [
    ("POST", "/api/v1/cases/", {"child": {"name": "新"}, "opened_on": TOMORROW}, "opened_on",
     "The opening date cannot be later than today."),
    ("POST", "/api/v1/cases/", {"child": {"name": "新"}, "status": "closed"}, "closed_on",
     "A closed case needs its closing date."),
    ("POST", "/api/v1/cases/", {"child": {"name": "新"}, "presenting_issues": ["neglect", "neglect"]},
     "presenting_issues", "A presenting issue may be listed only once."),
    ("PATCH", "/api/v1/cases/{case}/", {"risk_level": "low"}, "version", "Send the version you last read."),
    ("PATCH", "/api/v1/cases/{case}/", {"status": "closed", "version": 1}, "status",
     "The status changes only through its own steps: an approved assessment makes the case active, "
     "the close action closes it."),
    ("PATCH", "/api/v1/cases/{case}/", {"closure_reason": "改", "version": 1}, "closure_reason",
     "Use the assign or close action to change this."),
    ("POST", "/api/v1/cases/{case}/close/", {"closed_on": TOMORROW, "closure_reason": "完成"}, "closed_on",
     "The closing date cannot be in the future."),
    ("POST", "/api/v1/cases/{case}/close/", {"closed_on": TODAY.isoformat()}, "closure_reason",
     "This field is required."),
    ("POST", "/api/v1/cases/{case}/transfer/", {"reason": "搬家", "consent_basis": "maybe"}, "consent_basis",
     '"{input}" is not a valid choice.'),
    ("POST", "/api/v1/activities/", {"case": 0, "kind": "home_visit", "date": TODAY.isoformat(), "summary": "x"},
     "case", "No such case."),
    ("POST", "/api/v1/activities/", {"case": "{case}", "kind": "home_visit", "date": TODAY.isoformat(),
     "summary": "x", "duration_minutes": 1441}, "duration_minutes",
     "Ensure this value is less than or equal to {max_value}."),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body", "field", "msgid"), BAD, ids=[f"{b[0]} {b[3]}" for b in BAD])
def test_bad_body_is_400_in_chinese_and_nothing_is_written(world, cast, api_for, method, path, body, field, msgid):
    body = {k: (v.format(**world) if isinstance(v, str) and v.startswith("{") else v) for k, v in body.items()}
    with nothing_written(_stored):
        response = send(api_for(cast.manager), method, path.format(**world), body, **ZH)
    params = {"input": "maybe"} if "input" in msgid else {"max_value": 1440} if "max_value" in msgid else {}
    refused_in_chinese(response, field, msgid, **params)


def test_assigning_someone_who_is_no_case_worker_is_400_in_chinese(world, cast, api_for):
    with nothing_written(_stored):
        response = api_for(cast.manager).post(
            f"/api/v1/cases/{world['case']}/assign/", {"lead_worker": cast.referrer.pk}, format="json", **ZH
        )
    assert response.status_code == 400
    assert isinstance(response.json()["lead_worker"], list)
    assert str(cast.referrer.pk) in response.json()["lead_worker"][0]  # the id it could not find, named back


def test_accepting_with_the_senders_worker_is_400_and_the_transfer_waits(world, cast, api_for):
    with nothing_written(_stored):
        response = api_for(world["receiving_manager"]).post(
            f"/api/v1/transfers/{world['transfer']}/accept/", {"lead_worker": cast.worker.pk}, format="json", **ZH
        )
    assert response.status_code == 400
    assert list(response.json()) == ["lead_worker"]


# --- happy paths, re-read from the database ------------------------------------------------------------


def test_manager_assigns_the_case_and_the_new_worker_sees_it(world, cast, api_for):
    response = api_for(cast.manager).post(
        f"/api/v1/cases/{world['case']}/assign/", {"lead_worker": cast.colleague.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["lead_worker"] == cast.colleague.pk
    cast.case.refresh_from_db()
    assert cast.case.lead_worker_id == cast.colleague.pk
    assert api_for(cast.colleague).get(f"/api/v1/cases/{world['case']}/").status_code == 200


def test_manager_closes_the_case_with_a_day_and_a_reason(world, cast, api_for):
    yesterday = TODAY - dt.timedelta(days=1)
    response = api_for(cast.manager).post(
        f"/api/v1/cases/{world['case']}/close/",
        {"closed_on": yesterday.isoformat(), "closure_reason": "目标达成"},
        format="json",
    )
    assert response.status_code == 200
    cast.case.refresh_from_db()
    assert (cast.case.status, cast.case.closed_on, cast.case.closure_reason) == ("closed", yesterday, "目标达成")


def test_lead_worker_records_a_visit_and_reads_it_back(world, cast, api_for):
    body = {
        "case": world["case"],
        "kind": "phone_call",
        "date": TODAY.isoformat(),
        "summary": "电话回访",
        "duration_minutes": 15,
    }
    response = api_for(cast.worker).post("/api/v1/activities/", body, format="json")
    assert response.status_code == 201
    activity = Activity.objects.get(pk=response.json()["id"])
    assert (activity.case_id, activity.kind, activity.duration_minutes, activity.summary) == (
        world["case"],
        "phone_call",
        15,
        "电话回访",
    )
    assert activity.recorded_by_id == cast.worker.pk
    assert api_for(cast.worker).get(f"/api/v1/activities/{activity.pk}/").json()["summary"] == "电话回访"


def test_receiving_manager_declines_with_a_reason(world, cast, api_for):
    response = api_for(world["receiving_manager"]).post(
        f"/api/v1/transfers/{world['transfer']}/decline/", {"reason": "名额已满"}, format="json"
    )
    assert response.status_code == 200
    transfer = CaseTransfer.objects.get(pk=world["transfer"])
    assert (transfer.status, transfer.decline_reason, transfer.decided_on) == ("declined", "名额已满", TODAY)


def test_the_lead_worker_shares_the_case_and_stops_sharing_it(world, cast, api_for):
    api = api_for(cast.worker)
    shared = api.post(f"/api/v1/cases/{world['case']}/team/", {"user": cast.colleague.pk}, format="json")
    assert shared.status_code == 200, shared.content
    assert shared.json()["team"] == sorted([world["member"], cast.colleague.pk])
    assert set(Case.objects.get(pk=world["case"]).team.values_list("pk", flat=True)) == {
        world["member"],
        cast.colleague.pk,
    }
    assert api_for(cast.colleague).get(f"/api/v1/cases/{world['case']}/").status_code == 200
    assert api.delete(f"/api/v1/cases/{world['case']}/team/{cast.colleague.pk}/").status_code == 204
    assert list(Case.objects.get(pk=world["case"]).team.values_list("pk", flat=True)) == [world["member"]]
    hidden(api_for(cast.colleague).get(f"/api/v1/cases/{world['case']}/"))


def test_sharing_with_someone_who_is_no_case_worker_is_400(world, cast, api_for):
    with nothing_written(_stored):
        response = api_for(cast.worker).post(
            f"/api/v1/cases/{world['case']}/team/", {"user": cast.referrer.pk}, format="json", **ZH
        )
    assert response.status_code == 400
    assert list(response.json()) == ["user"] and isinstance(response.json()["user"], list)
