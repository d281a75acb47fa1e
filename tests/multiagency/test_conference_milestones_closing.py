"""The case conference (scheduled by the lead, minuted with decisions that become the agencies'
follow-up tasks, read by each partner as its scope allows), the dates of the proceedings (scope
"plan" and above) and the closing summary of what each agency delivered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import AuditEntry
from multiagency import services
from multiagency.models import CaseConference, JointTask, Milestone, TaskStatus
from multiagency.permissions import get_joint_access
from notifications.models import Notification
from tests.conftest import api_as, login
from tests.multiagency.conftest import task_marker

pytestmark = pytest.mark.django_db

MINUTES = "会议纪要：检察院将于下周完成审查"
DECISIONS = "决定：律所提供法律援助，心理机构安排咨询"


def _viewer(osc, who):
    return osc.city.a.worker if who == "lead" else osc.agency(who).worker


def _today() -> dt.date:
    return timezone.localdate()


def _conference(osc, *, days_ago=1, invited=("lead", "procuratorate", "law_firm")):
    lead = osc.city.a.worker
    orgs = [osc.city.a.organisation if w == "lead" else osc.agency(w).organisation for w in invited]
    access = get_joint_access(lead, osc.joint.pk)
    return services.conference_schedule(
        actor=lead, access=access, date=_today() - dt.timedelta(days=days_ago), agencies=orgs
    )


def _minute(osc, conference):
    lead = osc.city.a.worker
    due = (_today() + dt.timedelta(days=7)).isoformat()
    return login(lead).post(
        f"/multi-agency/{osc.joint.pk}/conferences/{conference.pk}/minutes/",
        {
            f"c{conference.pk}-agencies": [osc.city.a.organisation.pk, osc.procuratorate.organisation.pk,
                                           osc.law_firm.organisation.pk],
            f"c{conference.pk}-minutes": MINUTES,
            f"c{conference.pk}-decisions": DECISIONS,
            f"c{conference.pk}f-TOTAL_FORMS": "3",
            f"c{conference.pk}f-INITIAL_FORMS": "0",
            f"c{conference.pk}f-0-organisation": osc.law_firm.organisation.pk,
            f"c{conference.pk}f-0-title": "律所会后代理",
            f"c{conference.pk}f-0-due_on": due,
            f"c{conference.pk}f-1-organisation": osc.psychologist.organisation.pk,
            f"c{conference.pk}f-1-title": "心理会后咨询",
            f"c{conference.pk}f-1-due_on": due,
        },
    )  # fmt: skip


def test_the_lead_schedules_a_conference_on_the_page_and_the_partners_are_told(osc):
    lead = osc.city.a.worker
    date = _today() + dt.timedelta(days=3)
    response = login(lead).post(
        f"/multi-agency/{osc.joint.pk}/conferences/",
        {"date": date.isoformat(), "agencies": [osc.city.a.organisation.pk, osc.procuratorate.organisation.pk]},
    )
    assert response.status_code == 302
    conference = CaseConference.objects.get(joint_case=osc.joint)
    assert conference.date == date and conference.minuted_on is None
    assert set(conference.agencies.values_list("pk", flat=True)) == {
        osc.city.a.organisation.pk,
        osc.procuratorate.organisation.pk,
    }
    assert Notification.objects.filter(user=osc.procuratorate.manager, kind="joint_case_conference").count() == 1
    assert not Notification.objects.filter(user=osc.law_firm.manager, kind="joint_case_conference").exists()
    assert AuditEntry.objects.filter(user_id=lead.pk, object_type="caseconference", action="create").count() == 1


def test_scheduling_with_an_agency_off_the_case_is_refused_and_the_input_kept(osc):
    response = login(osc.city.a.worker).post(
        f"/multi-agency/{osc.joint.pk}/conferences/",
        {"date": _today().isoformat(), "agencies": [osc.city.b.organisation.pk]},
    )
    assert response.status_code == 400
    assert not CaseConference.objects.exists()


def test_the_minutes_turn_decisions_into_follow_up_tasks(osc):
    conference = _conference(osc)
    response = _minute(osc, conference)
    assert response.status_code == 302, response.content.decode()[:2000]
    conference.refresh_from_db()
    assert conference.minutes == MINUTES and conference.decisions == DECISIONS
    assert conference.minuted_on == _today()
    follow_ups = JointTask.objects.filter(conference=conference)
    assert {(t.organisation_id, t.title) for t in follow_ups} == {
        (osc.law_firm.organisation.pk, "律所会后代理"),
        (osc.psychologist.organisation.pk, "心理会后咨询"),
    }
    entry = AuditEntry.objects.filter(object_type="caseconference", action="update").get()
    assert sorted(entry.detail["tasks"]) == sorted(t.pk for t in follow_ups)
    # minuted once
    again = _minute(osc, conference)
    assert again.status_code == 400
    assert JointTask.objects.filter(conference=conference).count() == 2


def test_a_half_filled_decision_row_is_refused_and_nothing_written(osc):
    conference = _conference(osc)
    pk = conference.pk
    response = login(osc.city.a.worker).post(
        f"/multi-agency/{osc.joint.pk}/conferences/{pk}/minutes/",
        {
            f"c{pk}-agencies": [osc.city.a.organisation.pk],
            f"c{pk}-minutes": MINUTES,
            f"c{pk}f-TOTAL_FORMS": "1",
            f"c{pk}f-INITIAL_FORMS": "0",
            f"c{pk}f-0-title": "没有写机构的决定",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "没有写机构的决定" in page and MINUTES in page  # the input is kept
    conference.refresh_from_db()
    assert conference.minuted_on is None and conference.minutes == ""
    assert not JointTask.objects.filter(conference=conference).exists()


def test_minutes_wait_for_the_conference_to_happen(osc):
    conference = _conference(osc, days_ago=-2)
    response = api_as(osc.city.a.worker).post(
        f"/api/v1/joint-cases/{osc.joint.pk}/conferences/{conference.pk}/minutes/",
        {"agencies": [osc.city.a.organisation.pk], "minutes": MINUTES},
        format="json",
    )
    assert response.status_code == 400
    conference.refresh_from_db()
    assert conference.minuted_on is None


# viewer → (sees the conference, sees its minutes, sees the law firm's and the psychologist's follow-ups)
CONFERENCE_SCOPE = {
    "lead": (True, True, {"律所会后代理", "心理会后咨询"}),
    "procuratorate": (True, True, {"律所会后代理", "心理会后咨询"}),
    "psychologist": (True, True, {"律所会后代理", "心理会后咨询"}),  # not invited, but reads the plan
    "law_firm": (True, False, {"律所会后代理"}),  # invited; its own tasks only
}


@pytest.mark.parametrize("who", list(CONFERENCE_SCOPE))
def test_every_agency_reads_the_conference_within_its_scope(osc, who):
    conference = _conference(osc)
    assert _minute(osc, conference).status_code == 302
    sees, minutes, tasks = CONFERENCE_SCOPE[who]
    viewer = _viewer(osc, who)
    body = api_as(viewer).get(f"/api/v1/joint-cases/{osc.joint.pk}/").json()
    assert [c["id"] for c in body["conferences"]] == ([conference.pk] if sees else [])
    assert body["conferences"][0]["minutes"] == (MINUTES if minutes else None)
    assert body["conferences"][0]["decisions"] == (DECISIONS if minutes else None)
    follow_ups = {t["title"] for t in body["tasks"] if t["conference"] == conference.pk}
    assert follow_ups == tasks
    page = login(viewer).get(f"/multi-agency/{osc.joint.pk}/").content.decode()
    assert f'data-conference="{conference.pk}"' in page
    assert (MINUTES in page) == minutes and (DECISIONS in page) == minutes
    entry = AuditEntry.objects.filter(user_id=viewer.pk, object_type="jointcase", action="view").latest("pk")
    assert entry.detail["conferences"] == [conference.pk] and entry.detail["minutes"] == minutes


def test_an_own_tasks_partner_does_not_see_a_conference_it_was_not_invited_to(osc):
    conference = _conference(osc, invited=("lead", "procuratorate"))
    body = api_as(osc.law_firm.manager).get(f"/api/v1/joint-cases/{osc.joint.pk}/").json()
    assert body["conferences"] == []
    response = api_as(osc.law_firm.manager).post(
        f"/api/v1/joint-cases/{osc.joint.pk}/conferences/{conference.pk}/minutes/",
        {"agencies": [osc.law_firm.organisation.pk], "minutes": "x"},
        format="json",
    )
    assert response.status_code == 403  # partners do not minute (checked before the conference is looked up)
    assert 'data-conference="' not in login(osc.law_firm.worker).get(f"/multi-agency/{osc.joint.pk}/").content.decode()


def test_partners_may_not_schedule_and_outsiders_get_404(osc):
    conference = _conference(osc)
    body = {"date": _today().isoformat(), "agencies": [osc.procuratorate.organisation.pk]}
    for agency in (osc.procuratorate, osc.law_firm):
        assert (
            api_as(agency.manager)
            .post(f"/api/v1/joint-cases/{osc.joint.pk}/conferences/", body, format="json")
            .status_code
            == 403
        )
    for user in (osc.city.b.manager, osc.city.b.worker):
        api = api_as(user)
        assert api.post(f"/api/v1/joint-cases/{osc.joint.pk}/conferences/", body, format="json").status_code == 404
        assert (
            api.post(
                f"/api/v1/joint-cases/{osc.joint.pk}/conferences/{conference.pk}/minutes/",
                {"agencies": [], "minutes": "x"},
                format="json",
            ).status_code
            == 404
        )
        assert login(user).post(f"/multi-agency/{osc.joint.pk}/conferences/", body).status_code == 404
        assert login(user).post(f"/multi-agency/{osc.joint.pk}/milestones/", {}).status_code == 404
        assert api.post(f"/api/v1/joint-cases/{osc.joint.pk}/milestones/", {}, format="json").status_code == 404
        assert api.post(f"/api/v1/joint-cases/{osc.joint.pk}/close/").status_code == 404
    assert CaseConference.objects.count() == 1


def test_the_conference_through_the_api(osc):
    api = api_as(osc.city.a.manager)
    today = _today()
    response = api.post(
        f"/api/v1/joint-cases/{osc.joint.pk}/conferences/",
        {"date": today.isoformat(), "agencies": [osc.city.a.organisation.pk, osc.psychologist.organisation.pk]},
        format="json",
    )
    assert response.status_code == 201
    conference_id = response.json()["conferences"][0]["id"]
    response = api.post(
        f"/api/v1/joint-cases/{osc.joint.pk}/conferences/{conference_id}/minutes/",
        {
            "agencies": [osc.city.a.organisation.pk, osc.psychologist.organisation.pk],
            "minutes": MINUTES,
            "follow_ups": [
                {"organisation": osc.psychologist.organisation.pk, "title": "每周咨询", "due_on": today.isoformat()}
            ],
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["conferences"][0]["minuted_on"] == today.isoformat()
    assert [t["title"] for t in body["tasks"] if t["conference"] == conference_id] == ["每周咨询"]


# -- the dates of the proceedings --------------------------------------------------------------------

MILESTONES_SCOPE = {"lead": True, "procuratorate": True, "psychologist": True, "law_firm": False}


@pytest.mark.parametrize("who", list(MILESTONES_SCOPE))
def test_the_proceedings_dates_are_read_at_scope_plan_and_above(osc, who):
    filed = _today() - dt.timedelta(days=20)
    response = api_as(osc.procuratorate.worker).post(
        f"/api/v1/joint-cases/{osc.joint.pk}/milestones/",
        {"kind": "case_filed", "date": filed.isoformat(), "note": "公安立案编号甲"},
        format="json",
    )
    assert response.status_code == 201
    viewer = _viewer(osc, who)
    body = api_as(viewer).get(f"/api/v1/joint-cases/{osc.joint.pk}/").json()
    sees = MILESTONES_SCOPE[who]
    assert [(m["kind"], m["date"]) for m in body["milestones"]] == ([("case_filed", filed.isoformat())] if sees else [])
    page = login(viewer).get(f"/multi-agency/{osc.joint.pk}/").content.decode()
    assert ("公安立案编号甲" in page) == sees
    assert ('data-testid="joint-milestones"' in page) == sees


def test_who_records_the_proceedings_dates(osc):
    url = f"/api/v1/joint-cases/{osc.joint.pk}/milestones/"
    today = _today()
    assert (
        api_as(osc.law_firm.manager)
        .post(url, {"kind": "indictment", "date": today.isoformat()}, format="json")
        .status_code
        == 403
    )
    # a judgment is recorded once given; a hearing may be set ahead
    ahead = (today + dt.timedelta(days=30)).isoformat()
    lead = api_as(osc.city.a.worker)
    assert lead.post(url, {"kind": "judgment", "date": ahead}, format="json").status_code == 400
    assert lead.post(url, {"kind": "hearing", "date": ahead}, format="json").status_code == 201
    response = login(osc.psychologist.worker).post(
        f"/multi-agency/{osc.joint.pk}/milestones/", {"kind": "reported_to_police", "date": today.isoformat()}
    )
    assert response.status_code == 302
    assert sorted(Milestone.objects.values_list("kind", flat=True)) == ["hearing", "reported_to_police"]
    assert AuditEntry.objects.filter(object_type="milestone", action="create").count() == 2


# -- closing -----------------------------------------------------------------------------------------


def _finish_tasks(osc):
    for task in JointTask.objects.filter(joint_case=osc.joint):
        if task.title == task_marker("psychologist"):
            task.status = TaskStatus.CANCELLED
            task.save(update_fields=["status"])
            continue
        task.status, task.outcome, task.done_on = TaskStatus.DONE, f"{task.title}已完成", _today()
        task.save(update_fields=["status", "outcome", "done_on"])


def test_a_case_with_open_tasks_is_not_closed(osc):
    response = api_as(osc.city.a.worker).post(f"/api/v1/joint-cases/{osc.joint.pk}/close/")
    assert response.status_code == 400
    osc.joint.refresh_from_db()
    assert osc.joint.closed_on is None


def test_partners_may_not_close(osc):
    _finish_tasks(osc)
    for agency in (osc.procuratorate, osc.law_firm):
        assert api_as(agency.manager).post(f"/api/v1/joint-cases/{osc.joint.pk}/close/").status_code == 403
    assert login(osc.procuratorate.manager).post(f"/multi-agency/{osc.joint.pk}/close/").status_code == 403
    osc.joint.refresh_from_db()
    assert osc.joint.closed_on is None


# viewer → the agencies (by fixture name) its closing summary lists, each with 1 task done but the
# psychologist's, cancelled
DELIVERED_SCOPE = {
    "lead": ["lead", "law_firm", "procuratorate", "psychologist"],
    "procuratorate": ["lead", "law_firm", "procuratorate", "psychologist"],
    "psychologist": ["lead", "law_firm", "procuratorate", "psychologist"],
    "law_firm": ["law_firm"],
}


@pytest.mark.parametrize("who", list(DELIVERED_SCOPE))
def test_the_closed_case_reports_what_each_agency_delivered(osc, who):
    _finish_tasks(osc)
    response = login(osc.city.a.worker).post(f"/multi-agency/{osc.joint.pk}/close/")
    assert response.status_code == 302
    osc.joint.refresh_from_db()
    assert osc.joint.closed_on == _today()
    viewer = _viewer(osc, who)
    body = api_as(viewer).get(f"/api/v1/joint-cases/{osc.joint.pk}/").json()
    org = {
        w: (osc.city.a.organisation if w == "lead" else osc.agency(w).organisation).pk for w in DELIVERED_SCOPE["lead"]
    }
    expected = DELIVERED_SCOPE[who]
    rows = {row["organisation"]: row for row in body["delivered"]}
    assert set(rows) == {org[w] for w in expected}
    assert body["delivered"][0]["organisation"] == org[expected[0]]  # the lead first when shown
    for w in expected:
        row = rows[org[w]]
        done = 0 if w == "psychologist" else 1
        assert row["tasks_done"] == done and row["cancelled"] == 1 - done
        assert row["first_done_on"] == (_today().isoformat() if done else None)
        assert [t["outcome"] for t in row["done"]] == ([f"{task_marker(w)}已完成"] if done else [])
    page = login(viewer).get(f"/multi-agency/{osc.joint.pk}/").content.decode()
    assert 'data-testid="joint-delivered"' in page
    assert (f"{task_marker('procuratorate')}已完成" in page) == ("procuratorate" in expected)


def test_a_closed_case_is_read_only_but_for_the_court_dates(osc):
    _finish_tasks(osc)
    lead = osc.city.a.worker
    assert api_as(lead).post(f"/api/v1/joint-cases/{osc.joint.pk}/close/").status_code == 200
    api = api_as(lead)
    today = _today().isoformat()
    pk = osc.joint.pk
    assert api.post(f"/api/v1/joint-cases/{pk}/close/").status_code == 403
    assert api.post(f"/api/v1/joint-cases/{pk}/notes/", {"text": "关闭后"}, format="json").status_code == 403
    assert (
        api.post(
            f"/api/v1/joint-cases/{pk}/tasks/",
            {"organisation": osc.city.a.organisation.pk, "title": "关闭后", "due_on": today},
            format="json",
        ).status_code
        == 403
    )
    assert (
        api.post(
            f"/api/v1/joint-cases/{pk}/conferences/",
            {"date": today, "agencies": [osc.city.a.organisation.pk]},
            format="json",
        ).status_code
        == 403
    )
    own = JointTask.objects.get(title=task_marker("law_firm"))
    assert (
        api_as(osc.law_firm.worker)
        .post(f"/api/v1/joint-cases/{pk}/tasks/{own.pk}/", {"status": "in_progress"}, format="json")
        .status_code
        == 403
    )
    assert api.post(f"/api/v1/joint-cases/{pk}/milestones/", {"kind": "judgment", "date": today},
                    format="json").status_code == 201  # fmt: skip
    assert not JointTask.objects.filter(title="关闭后").exists()
    page = login(lead).get(f"/multi-agency/{pk}/").content.decode()
    assert 'data-testid="joint-task-form"' not in page and 'data-testid="joint-note-form"' not in page
    assert 'data-testid="joint-close-form"' not in page and 'data-testid="milestone-form"' in page


def test_an_agency_that_delivered_nothing_is_in_the_summary_with_nothing(osc):
    from organisations.models import Organisation

    newcomer = Organisation.objects.create(name="家庭教育中心", kind="other")
    lead = osc.city.a.worker
    services.partner_invite(
        actor=lead, access=get_joint_access(lead, osc.joint.pk), organisation=newcomer, role="family_education",
        scope="plan",
    )  # fmt: skip
    _finish_tasks(osc)
    body = api_as(lead).post(f"/api/v1/joint-cases/{osc.joint.pk}/close/").json()
    row = next(r for r in body["delivered"] if r["organisation"] == newcomer.pk)
    assert (row["tasks_done"], row["cancelled"], row["done"], row["first_done_on"]) == (0, 0, [], None)
    assert len(body["delivered"]) == 5
