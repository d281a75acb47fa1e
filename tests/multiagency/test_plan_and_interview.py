"""The joint plan (each agency plans and moves on its own tasks; the lead plans anyone's), the one
forensic interview, and the pages' forms (invite, bad input kept, anonymous, wrong method)."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from multiagency.models import ForensicInterview, JointCase, JointTask, Partner
from tests.conftest import api_as, login
from tests.multiagency.conftest import task_marker

pytestmark = pytest.mark.django_db


def test_the_child_is_interviewed_once(osc):
    response = api_as(osc.city.a.worker).post(
        f"/api/v1/joint-cases/{osc.joint.pk}/interview/",
        {
            "date": timezone.localdate().isoformat(),
            "place": "派出所",
            "agencies": [osc.city.a.organisation.pk],
            "attendees": "民警 王",
            "record": "第二次询问",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "不再" in str(response.json())  # the child is not interviewed again
    assert ForensicInterview.objects.filter(joint_case=osc.joint).count() == 1
    assert ForensicInterview.objects.get(joint_case=osc.joint).record == osc.interview_marker


def test_a_partner_without_the_interview_in_scope_may_not_record_it(osc):
    joint = JointCase.objects.get(pk=osc.joint.pk)
    ForensicInterview.objects.filter(joint_case=joint).delete()
    response = api_as(osc.psychologist.manager).post(
        f"/api/v1/joint-cases/{joint.pk}/interview/",
        {"date": timezone.localdate().isoformat(), "place": "x", "agencies": [], "attendees": "", "record": "x"},
        format="json",
    )
    assert response.status_code == 403


def test_a_partner_plans_and_moves_on_its_own_tasks_only(osc):
    law_firm, psychologist = osc.law_firm, osc.psychologist
    api = api_as(law_firm.worker)
    url = f"/api/v1/joint-cases/{osc.joint.pk}/tasks/"
    due = (timezone.localdate() + timezone.timedelta(days=14)).isoformat()
    # for another agency: refused, nothing written
    response = api.post(
        url, {"organisation": psychologist.organisation.pk, "title": "代办", "due_on": due}, format="json"
    )
    assert response.status_code == 400
    assert not JointTask.objects.filter(title="代办").exists()
    # another agency's task is not even visible to the law firm's scope
    other = JointTask.objects.get(title=task_marker("psychologist"))
    response = api.post(f"{url}{other.pk}/", {"status": "done", "outcome": "x"}, format="json")
    assert response.status_code == 404
    # the psychologist's scope sees the law firm's task but may not move it
    mine = JointTask.objects.get(title=task_marker("law_firm"))
    response = api_as(psychologist.worker).post(f"{url}{mine.pk}/", {"status": "done", "outcome": "x"}, format="json")
    assert response.status_code == 403
    # done needs its outcome
    response = api.post(f"{url}{mine.pk}/", {"status": "done"}, format="json")
    assert response.status_code == 400
    mine.refresh_from_db()
    assert mine.status == "planned"
    response = api.post(f"{url}{mine.pk}/", {"status": "done", "outcome": "申请了法律援助"}, format="json")
    assert response.status_code == 200
    mine.refresh_from_db()
    assert (mine.status, mine.outcome, mine.done_on) == ("done", "申请了法律援助", timezone.localdate())
    # the lead plans a task for any agency on the case
    response = api_as(osc.city.a.worker).post(
        url,
        {"organisation": law_firm.organisation.pk, "title": "出庭陪同", "due_on": due, "service": "legal_aid"},
        format="json",
    )
    assert response.status_code == 201
    assert JointTask.objects.get(title="出庭陪同").organisation == law_firm.organisation


def test_the_lead_opens_and_invites_through_the_pages(city):
    lead = city.a.worker
    page = login(lead)
    # bad input: the number is not one of the lead's cases; the summary is kept
    response = page.post("/multi-agency/", {"number": city.b.case.number, "summary": "简要情况"})
    assert response.status_code == 400
    assert "简要情况" in response.content.decode()
    assert not JointCase.objects.exists()
    response = page.post("/multi-agency/", {"number": city.a.case.number, "summary": "简要情况"})
    assert response.status_code == 302
    joint = JointCase.objects.get(case=city.a.case)
    from organisations.models import Organisation

    police = Organisation.objects.create(name="派出所", kind="police")
    # the lead organisation itself is not offered
    response = page.post(
        f"/multi-agency/{joint.pk}/partners/",
        {"organisation": city.a.organisation.pk, "role": "police", "scope": "plan"},
    )
    assert response.status_code == 400
    response = page.post(f"/multi-agency/{joint.pk}/partners/", {"organisation": police.pk, "role": "police"})
    assert response.status_code == 400  # no scope chosen
    assert not Partner.objects.exists()
    response = page.post(
        f"/multi-agency/{joint.pk}/partners/", {"organisation": police.pk, "role": "police", "scope": "plan"}
    )
    assert response.status_code == 302
    assert Partner.objects.get(joint_case=joint).organisation == police
    # the same again is refused
    response = api_as(lead).post(
        f"/api/v1/joint-cases/{joint.pk}/partners/",
        {"organisation": police.pk, "role": "police", "scope": "plan"},
        format="json",
    )
    assert response.status_code == 400
    assert Partner.objects.filter(joint_case=joint).count() == 1


def test_a_partner_may_not_invite(osc):
    from organisations.models import Organisation

    other = Organisation.objects.create(name="学校", kind="school")
    response = api_as(osc.procuratorate.manager).post(
        f"/api/v1/joint-cases/{osc.joint.pk}/partners/",
        {"organisation": other.pk, "role": "other", "scope": "plan"},
        format="json",
    )
    assert response.status_code == 403
    assert not Partner.objects.filter(organisation=other).exists()


def test_anonymous_and_wrong_method(osc):
    from django.test import Client

    response = Client().get(f"/multi-agency/{osc.joint.pk}/")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]
    assert api_as(None).get(f"/api/v1/joint-cases/{osc.joint.pk}/").status_code in (401, 403)
    assert login(osc.city.a.worker).post(f"/multi-agency/{osc.joint.pk}/").status_code == 405
    assert login(osc.city.a.worker).get(f"/multi-agency/{osc.joint.pk}/notes/").status_code == 405


def test_roles_that_never_see_case_files_get_403(osc):
    from accounts.models import Role
    from tests.factories import UserFactory

    volunteer = UserFactory(role=Role.VOLUNTEER, organisation=osc.procuratorate.organisation)
    assert api_as(volunteer).get(f"/api/v1/joint-cases/{osc.joint.pk}/").status_code == 403
    assert login(volunteer).get("/multi-agency/").status_code == 403


def test_the_demo_has_a_multi_agency_case_its_partners_read_within_their_scope(db):
    from django.core.management import call_command

    from accounts.models import User
    from workforce.models import CaseReview, Training

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # again: nothing doubles
    joint = JointCase.objects.get()
    assert joint.partners.filter(left_on__isnull=True).count() == 3
    assert (Training.objects.count(), CaseReview.objects.count()) == (1, 1)
    prosecutor = api_as(User.objects.get(username="jianchaguan")).get(f"/api/v1/joint-cases/{joint.pk}/").json()
    assert prosecutor["interview"] is not None and prosecutor["child"] is not None
    psychologist = api_as(User.objects.get(username="xinqing")).get(f"/api/v1/joint-cases/{joint.pk}/").json()
    assert psychologist["interview"] is None and psychologist["interviewed"] is True
    assert api_as(User.objects.get(username="zhangzr")).get(f"/api/v1/joint-cases/{joint.pk}/").status_code == 404
