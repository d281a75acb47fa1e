"""Each agency on a multi-agency case reads exactly what its scope allows (API and page), an outsider
organisation gets 404 everywhere, a partner never reaches the case file, every read is audited, and a
partner that leaves loses access at once."""

from __future__ import annotations

import pytest

from core.models import AuditEntry
from multiagency.models import Partner
from tests.conftest import api_as, login
from tests.multiagency.conftest import note_marker, task_marker

pytestmark = pytest.mark.django_db

WHO = ("lead", "procuratorate", "psychologist", "law_firm")

# viewer → (sees the child's name, tasks it reads, the others' shared notes, the interview record)
EXPECTED = {
    "lead": (True, set(WHO), True, True),
    "procuratorate": (True, set(WHO), True, True),
    "psychologist": (True, set(WHO), True, False),
    "law_firm": (False, {"law_firm"}, False, False),
}


def _viewer(osc, who):
    return osc.city.a.worker if who == "lead" else osc.agency(who).worker


@pytest.mark.parametrize("who", WHO)
def test_every_agency_reads_exactly_its_scope_in_the_api(osc, who):
    sees_child, tasks, shared, interview = EXPECTED[who]
    response = api_as(_viewer(osc, who)).get(f"/api/v1/joint-cases/{osc.joint.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["child"] is not None) == sees_child
    if sees_child:
        assert body["child"]["name"] == osc.city.a.child_name
    assert {t["title"] for t in body["tasks"]} == {task_marker(w) for w in tasks}
    expected_notes = {note_marker(who, True), note_marker(who, False)}
    if shared:
        expected_notes |= {note_marker(w, False) for w in WHO}
    assert {n["text"] for n in body["notes"]} == expected_notes  # never another agency's confidential note
    assert (body["interview"] is not None) == interview
    assert body["interviewed"] is True
    assert body["summary"] == osc.joint.summary
    assert {p["organisation"] for p in body["partners"]} == {
        osc.procuratorate.organisation.pk,
        osc.psychologist.organisation.pk,
        osc.law_firm.organisation.pk,
    }


@pytest.mark.parametrize("who", WHO)
def test_every_agency_reads_exactly_its_scope_on_the_page(osc, who):
    sees_child, tasks, shared, interview = EXPECTED[who]
    response = login(_viewer(osc, who)).get(f"/multi-agency/{osc.joint.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert (osc.city.a.child_name in page) == sees_child
    for w in WHO:
        assert (task_marker(w) in page) == (w in tasks)
        assert (note_marker(w, True) in page) == (w == who)
        assert (note_marker(w, False) in page) == (w == who or shared)
    assert (osc.interview_marker in page) == interview
    assert osc.city.a.secret not in page  # the case file's own notes never show here


def test_reads_are_audited_with_what_was_shown(osc):
    reader = osc.law_firm.worker
    login(reader).get(f"/multi-agency/{osc.joint.pk}/")
    entry = AuditEntry.objects.filter(user_id=reader.pk, object_type="jointcase", action="view").get()
    shown = osc.joint.tasks.get(title=task_marker("law_firm"))
    assert entry.object_id == str(osc.joint.pk)
    assert entry.detail["as"] == "partner" and entry.detail["scope"] == "own_tasks"
    assert entry.detail["tasks"] == [shown.pk]
    assert entry.detail["interview"] is None
    api_as(reader).get(f"/api/v1/joint-cases/{osc.joint.pk}/")
    assert AuditEntry.objects.filter(user_id=reader.pk, object_type="jointcase").count() == 2
    api_as(reader).get("/api/v1/joint-cases/")
    listed = AuditEntry.objects.filter(user_id=reader.pk, object_type="jointcase").order_by("-pk").first()
    assert listed.detail["ids"] == [osc.joint.pk]


def test_an_outsider_organisation_gets_404_everywhere(osc):
    b = osc.city.b
    pk = osc.joint.pk
    task = osc.joint.tasks.first()
    partner = osc.joint.partners.first()
    for user in (b.manager, b.worker):
        api = api_as(user)
        assert api.get(f"/api/v1/joint-cases/{pk}/").status_code == 404
        assert api.get("/api/v1/joint-cases/").json()["count"] == 0
        for path, body in (
            ("partners/", {"organisation": b.organisation.pk, "role": "other", "scope": "plan"}),
            (f"partners/{partner.pk}/leave/", {}),
            ("tasks/", {"organisation": b.organisation.pk, "title": "x", "due_on": "2030-01-01"}),
            (f"tasks/{task.pk}/", {"status": "done", "outcome": "x"}),
            ("notes/", {"text": "x"}),
            ("interview/", {}),
        ):
            assert api.post(f"/api/v1/joint-cases/{pk}/{path}", body, format="json").status_code == 404
        page = login(user)
        assert page.get(f"/multi-agency/{pk}/").status_code == 404
        assert page.post(f"/multi-agency/{pk}/notes/", {"text": "x"}).status_code == 404
    assert osc.joint.notes.filter(text="x").count() == 0
    assert not Partner.objects.filter(organisation=b.organisation).exists()


def test_a_colleague_of_the_lead_outside_the_case_team_gets_404(osc):
    from accounts.models import Role
    from tests.factories import UserFactory

    colleague = UserFactory(role=Role.SOCIAL_WORKER, organisation=osc.city.a.organisation)
    assert api_as(colleague).get(f"/api/v1/joint-cases/{osc.joint.pk}/").status_code == 404


def test_a_partner_never_reaches_the_case_file(osc):
    for agency in (osc.procuratorate, osc.psychologist, osc.law_firm):
        assert api_as(agency.manager).get(f"/api/v1/cases/{osc.city.a.case.pk}/").status_code == 404
        assert login(agency.worker).get(f"/cases/{osc.city.a.case.pk}/").status_code == 404


def test_a_partner_that_leaves_loses_access_at_once(osc):
    law_firm = osc.law_firm
    partner = osc.joint.partners.get(organisation=law_firm.organisation)
    # a partner's worker may not take the agency off the case; its manager may
    response = api_as(law_firm.worker).post(f"/api/v1/joint-cases/{osc.joint.pk}/partners/{partner.pk}/leave/")
    assert response.status_code == 403
    response = api_as(law_firm.manager).post(f"/api/v1/joint-cases/{osc.joint.pk}/partners/{partner.pk}/leave/")
    assert response.status_code == 200
    partner.refresh_from_db()
    assert partner.left_on is not None and partner.left_by == law_firm.manager
    assert AuditEntry.objects.filter(object_type="partner", object_id=str(partner.pk), action="update").exists()
    for user in (law_firm.manager, law_firm.worker):
        assert api_as(user).get(f"/api/v1/joint-cases/{osc.joint.pk}/").status_code == 404
        assert login(user).get(f"/multi-agency/{osc.joint.pk}/").status_code == 404
        assert api_as(user).get("/api/v1/joint-cases/").json()["count"] == 0


def test_the_lead_removes_a_partner_from_the_page(osc):
    psychologist = osc.psychologist
    partner = osc.joint.partners.get(organisation=psychologist.organisation)
    response = login(osc.city.a.worker).post(f"/multi-agency/{osc.joint.pk}/partners/{partner.pk}/leave/")
    assert response.status_code == 302
    assert login(psychologist.worker).get(f"/multi-agency/{osc.joint.pk}/").status_code == 404
    # another partner may not remove it
    other = osc.joint.partners.get(organisation=osc.law_firm.organisation)
    response = login(osc.procuratorate.manager).post(f"/multi-agency/{osc.joint.pk}/partners/{other.pk}/leave/")
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.left_on is None


def test_the_invited_organisations_managers_are_told(osc):
    from notifications.models import Notification

    for agency in (osc.procuratorate, osc.psychologist, osc.law_firm):
        told = Notification.objects.get(user=agency.manager, kind="joint_case_invited")
        assert told.link == f"/multi-agency/{osc.joint.pk}/"
        assert not Notification.objects.filter(user=agency.worker, kind="joint_case_invited").exists()
    invites = AuditEntry.objects.filter(object_type="partner", action="create")
    assert sorted(e.detail["scope"] for e in invites) == ["own_tasks", "plan", "plan_and_interview"]
