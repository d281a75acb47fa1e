"""The smaller findings of the attack on main (issue 15), each named after the behaviour it proves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alliance.models import VolunteerLog
from alliance.services import volunteer_assign
from cases.models import Activity, Case
from resources.models import Pledge
from tests.factories import ChildFactory, PledgeFactory, make_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


# --- a member's promise: only the pledger and managers ---------------------------------------------


def test_social_worker_cannot_edit_a_members_promise(cast, api_for):
    pledge = PledgeFactory(member=cast.pledger.member, description="每周两小时辅导")
    response = api_for(cast.worker).patch(f"/api/v1/pledges/{pledge.pk}/", {"description": "改了"}, format="json")
    assert response.status_code == 403
    pledge.refresh_from_db()
    assert pledge.description == "每周两小时辅导"


def test_social_worker_cannot_create_a_promise_for_a_member(cast, api_for):
    body = {"member": cast.pledger.member.pk, "kind": "goods", "description": "书包", "valid_from": TODAY.isoformat()}
    assert api_for(cast.worker).post("/api/v1/pledges/", body, format="json").status_code == 403
    assert not Pledge.objects.exists()


def test_pledger_and_manager_still_edit_the_promise(cast, api_for):
    pledge = PledgeFactory(member=cast.pledger.member)
    mine = api_for(cast.pledger).patch(f"/api/v1/pledges/{pledge.pk}/", {"description": "两个书包"}, format="json")
    assert mine.status_code == 200
    managed = api_for(cast.manager).patch(f"/api/v1/pledges/{pledge.pk}/", {"description": "三个书包"}, format="json")
    assert managed.status_code == 200
    pledge.refresh_from_db()
    assert pledge.description == "三个书包"


# --- volunteer hours: only for a volunteer assigned to the case ---------------------------------------


def test_staff_cannot_log_hours_for_a_volunteer_not_assigned_to_the_case(cast, api_for):
    body = {"member": cast.volunteer.member.pk, "case": cast.case.pk, "date": TODAY.isoformat(), "minutes": 60}
    response = api_for(cast.worker).post("/api/v1/volunteer-logs/", body, format="json")
    assert response.status_code == 400 and "member" in response.json()
    assert not VolunteerLog.objects.exists()


def test_staff_log_hours_for_the_assigned_volunteer(cast, api_for):
    volunteer_assign(actor=cast.worker, case=cast.case, member=cast.volunteer.member, brief="陪伴")
    body = {"member": cast.volunteer.member.pk, "case": cast.case.pk, "date": TODAY.isoformat(), "minutes": 60}
    assert api_for(cast.worker).post("/api/v1/volunteer-logs/", body, format="json").status_code == 201
    assert VolunteerLog.objects.get().member == cast.volunteer.member


# --- a hidden case is answered exactly like a missing one ---------------------------------------------


def _activity(case_id: int) -> dict:
    return {"case": case_id, "kind": "home_visit", "date": TODAY.isoformat(), "summary": "家访"}


def test_api_answers_a_hidden_case_exactly_like_a_missing_one(cast, api_for):
    hidden = make_case(lead_worker=cast.colleague)
    missing = Case.objects.order_by("-pk").first().pk + 1000
    client = api_for(cast.worker)
    on_hidden = client.post("/api/v1/activities/", _activity(hidden.pk), format="json")
    on_missing = client.post("/api/v1/activities/", _activity(missing), format="json")
    assert on_hidden.status_code == on_missing.status_code == 400
    assert on_hidden.json() == on_missing.json()
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["/api/v1/activities/", "/api/v1/events/", "/api/v1/volunteer-logs/", "/api/v1/parent-calls/"],
)
def test_filter_by_a_hidden_case_answers_like_a_missing_one(cast, api_for, url):
    hidden = make_case(lead_worker=cast.colleague)
    missing = hidden.pk + 1000
    client = api_for(cast.worker)
    on_hidden = client.get(url, {"case": hidden.pk})
    on_missing = client.get(url, {"case": missing})
    assert (on_hidden.status_code, on_hidden.json()) == (on_missing.status_code, on_missing.json())
    assert on_hidden.status_code == 200 and on_hidden.json()["count"] == 0


# --- the schema and docs are for signed-in callers in production ---------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/docs/"])
def test_schema_and_docs_are_closed_to_anonymous_users_in_production(client_for, settings, url):
    settings.DEBUG = False
    assert client_for(None).get(url).status_code in (401, 403)


@pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/docs/"])
def test_schema_and_docs_are_served_to_signed_in_users(cast, client_for, settings, url):
    settings.DEBUG = False
    assert client_for(cast.referrer).get(url).status_code == 200


# --- the opening date ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "opened_on",
    ["0001-01-01", "1999-12-31", "2014-01-01", (TODAY + dt.timedelta(days=1)).isoformat()],
)
def test_opened_on_before_birth_before_2000_or_in_the_future_is_refused(cast, api_for, opened_on):
    # the child of cast.case was born on 2016-05-01
    response = api_for(cast.worker).patch(
        f"/api/v1/cases/{cast.case.pk}/", {"opened_on": opened_on, "version": 1}, format="json"
    )
    assert response.status_code == 400 and "opened_on" in response.json()
    cast.case.refresh_from_db()
    assert cast.case.opened_on == TODAY - dt.timedelta(days=30) and cast.case.version == 1


def test_a_new_case_cannot_open_before_the_childs_birth(cast, api_for):
    body = {
        "child": {"name": "新来的孩子", "sex": "female", "birth_date": "2018-03-04"},
        "risk_level": "high",
        "opened_on": "2017-06-01",
    }
    before = Case.objects.count()
    response = api_for(cast.worker).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400 and "opened_on" in response.json()
    assert Case.objects.count() == before


def test_the_case_edit_page_refuses_an_opening_date_before_2000(cast, client_for):
    from cases.services import EARLIEST_OPENING

    child = ChildFactory(birth_date=None)
    case = make_case(lead_worker=cast.worker, child=child)
    response = client_for(cast.worker).post(
        f"/cases/{case.pk}/edit/",
        {
            "child-name": child.name,
            "child-sex": "female",
            "child-location": child.location_id,
            "child-hukou_status": "local",
            "child-school_status": "unknown",
            "case-risk_level": "medium",
            "case-primary_issue": "neglect",
            "case-presenting_issues": ["neglect"],
            "case-opened_on": (EARLIEST_OPENING - dt.timedelta(days=1)).isoformat(),
            "case-version": case.version,
        },
    )
    assert response.status_code == 200
    assert not response.context["child_form"].errors, response.context["child_form"].errors
    assert "opened_on" in response.context["case_form"].errors
    case.refresh_from_db()
    assert case.opened_on >= EARLIEST_OPENING


# --- a password change over the API needs the old password ----------------------------------------------


def test_password_change_over_the_api_requires_the_old_password(cast, api_for):
    url = f"/api/v1/users/{cast.manager.pk}/"
    refused = api_for(cast.manager).patch(url, {"password": "Neue-Passwort-2026"}, format="json")
    assert refused.status_code == 400 and "old_password" in refused.json()
    wrong = api_for(cast.manager).patch(url, {"password": "Neue-Passwort-2026", "old_password": "wrong"}, format="json")
    assert wrong.status_code == 400
    cast.manager.refresh_from_db()
    assert cast.manager.check_password("Shouhu-test-1")
    ok = api_for(cast.manager).patch(
        url, {"password": "Neue-Passwort-2026", "old_password": "Shouhu-test-1"}, format="json"
    )
    assert ok.status_code == 200, ok.content
    cast.manager.refresh_from_db()
    assert cast.manager.check_password("Neue-Passwort-2026")


def test_manager_resets_a_workers_password_without_knowing_it(cast, api_for):
    response = api_for(cast.manager).patch(
        f"/api/v1/users/{cast.worker.pk}/", {"password": "Neue-Passwort-2026"}, format="json"
    )
    assert response.status_code == 200
    cast.worker.refresh_from_db()
    assert cast.worker.check_password("Neue-Passwort-2026")


def test_session_attendee_hidden_or_missing_gets_the_same_answer(cast, api_for):
    from programmes.models import ProgrammeSession

    hidden = make_case(lead_worker=cast.colleague)
    from programmes import services as programme_services

    programme = programme_services.programme_create(
        actor=cast.manager,
        kind="after_school_class",
        title="四点半课堂",
        starts_on=TODAY - dt.timedelta(days=60),
        location=cast.village,
        facilitators=[cast.worker],
        volunteers=[],
    )
    programme_services.enrolment_add(
        actor=cast.manager, programme=programme, case=cast.case, joined_on=TODAY - dt.timedelta(days=60)
    )

    def post(attendee: int):
        body = {
            "programme": programme.pk,
            "date": str(TODAY),
            "duration_minutes": 90,
            "attendees": [cast.case.pk, attendee],
        }
        return api_for(cast.worker).post("/api/v1/programme-sessions/", body, format="json")

    on_hidden, on_missing = post(hidden.pk), post(hidden.pk + 1000)
    assert on_hidden.status_code == on_missing.status_code == 400
    assert on_hidden.json() == on_missing.json()
    assert ProgrammeSession.objects.count() == 0
