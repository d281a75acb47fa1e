"""A case moves from NGO A to NGO B: A's manager proposes with the reason and the consent, B's manager
accepts choosing the lead worker (or declines), and access moves exactly: A's staff lose the case
(404), B's lead worker and managers gain it, the history travels, A keeps only the transfer record."""

from __future__ import annotations

import pytest

from cases.models import Case, CaseTransfer, CaseUserObjectPermission
from core.models import AuditEntry
from notifications.models import Notification
from tests.conftest import api_as, login

pytestmark = pytest.mark.django_db


def _propose(city, **extra):
    body = {
        "organisation": city.b.organisation.pk,
        "reason": "家庭搬到乙中心服务的街道",
        "consent_basis": "guardian",
        "consented_by": "奶奶 王桂芳",
        **extra,
    }
    return api_as(city.a.manager).post(f"/api/v1/cases/{city.a.case.pk}/transfer/", body, format="json")


def test_a_transfer_moves_the_case_and_its_access_exactly(city):
    case = city.a.case
    activities_before = case.activities.count()
    # given A's manager proposes
    response = _propose(city)
    assert response.status_code == 201
    transfer = CaseTransfer.objects.get(pk=response.json()["transfer"])
    assert (transfer.status, transfer.from_organisation_id, transfer.to_organisation_id) == (
        "proposed",
        city.a.organisation.pk,
        city.b.organisation.pk,
    )
    assert Notification.objects.filter(user=city.b.manager, kind="transfer_proposed").count() == 1
    # nothing moved yet: B does not see the case
    assert api_as(city.b.manager).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    # A's manager may not answer their own proposal
    response = api_as(city.a.manager).post(
        f"/api/v1/transfers/{transfer.pk}/accept/", {"lead_worker": city.a.worker.pk}, format="json"
    )
    assert response.status_code == 403
    # B's manager may only choose B's staff
    response = api_as(city.b.manager).post(
        f"/api/v1/transfers/{transfer.pk}/accept/", {"lead_worker": city.a.worker.pk}, format="json"
    )
    assert response.status_code == 400
    assert CaseTransfer.objects.get(pk=transfer.pk).status == "proposed"
    # when B's manager accepts with B's worker
    response = api_as(city.b.manager).post(
        f"/api/v1/transfers/{transfer.pk}/accept/", {"lead_worker": city.b.worker.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    case.refresh_from_db()
    assert (case.organisation_id, case.lead_worker_id, case.contract_id) == (
        city.b.organisation.pk,
        city.b.worker.pk,
        city.b.contract.pk,  # the receiver's running contract
    )
    # then access moved exactly: only B's worker holds grants on the case
    assert set(CaseUserObjectPermission.objects.filter(content_object=case).values_list("user_id", flat=True)) == {
        city.b.worker.pk
    }
    for user in (city.a.manager, city.a.worker):
        assert api_as(user).get(f"/api/v1/cases/{case.pk}/").status_code == 404
        assert login(user).get(f"/cases/{case.pk}/").status_code == 404
    for user in (city.b.manager, city.b.worker):
        body = api_as(user).get(f"/api/v1/cases/{case.pk}/").json()
        assert body["organisation"] == city.b.organisation.pk
    # the history travelled with it
    assert Case.objects.get(pk=case.pk).activities.count() == activities_before
    assert city.a.secret in login(city.b.worker).get(f"/cases/{case.pk}/").content.decode()
    # A keeps the transfer record, and nothing else
    rows = api_as(city.a.manager).get("/api/v1/transfers/").json()["results"]
    assert [(r["id"], r["status"], r["case_number"], r["child_name"]) for r in rows] == [
        (transfer.pk, "accepted", case.number, city.a.child_name)
    ]
    assert city.a.secret not in login(city.a.manager).get("/cases/transfers/").content.decode()
    # audited; the sender is told
    assert (
        AuditEntry.objects.filter(object_type="case", object_id=str(case.pk), detail__transfer=transfer.pk).count() == 1
    )
    assert Notification.objects.filter(user=city.a.manager, kind="transfer_answered").count() == 1


def test_a_declined_transfer_leaves_the_case_where_it_was(city):
    transfer = CaseTransfer.objects.get(pk=_propose(city).json()["transfer"])
    response = api_as(city.b.manager).post(f"/api/v1/transfers/{transfer.pk}/decline/", {"reason": ""}, format="json")
    assert response.status_code == 400
    response = login(city.b.manager).post(f"/cases/transfers/{transfer.pk}/decline/", {"reason": "超出服务范围"})
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decline_reason) == ("declined", "超出服务范围")
    case = Case.objects.get(pk=city.a.case.pk)
    assert (case.organisation_id, case.lead_worker_id) == (city.a.organisation.pk, city.a.worker.pk)
    assert api_as(city.a.worker).get(f"/api/v1/cases/{case.pk}/").status_code == 200


def test_only_the_sending_manager_proposes_and_with_reason_and_consent(city):
    case = city.a.case
    assert api_as(city.a.worker).post(f"/api/v1/cases/{case.pk}/transfer/", {}, format="json").status_code == 403
    response = api_as(city.b.manager).post(
        f"/api/v1/cases/{case.pk}/transfer/",
        {"organisation": city.b.organisation.pk, "reason": "x", "consent_basis": "guardian"},
        format="json",
    )
    assert response.status_code == 404
    assert _propose(city, reason="").status_code == 400
    assert _propose(city, consented_by="").status_code == 400
    assert _propose(city, organisation=city.a.organisation.pk).status_code == 400
    assert _propose(city, organisation=city.funder.organisation_id).status_code == 400  # no staff there
    assert CaseTransfer.objects.count() == 0
    assert _propose(city).status_code == 201
    assert _propose(city).status_code == 400  # one waiting proposal at a time
    assert CaseTransfer.objects.count() == 1


def test_the_transfer_pages_for_both_managers(city):
    page = login(city.a.manager).get(f"/cases/{city.a.case.pk}/transfer/")
    assert page.status_code == 200
    assert "乙社工服务中心" in page.content.decode()
    response = login(city.a.manager).post(
        f"/cases/{city.a.case.pk}/transfer/",
        {"organisation": city.b.organisation.pk, "reason": "", "consent_basis": "guardian", "consented_by": "奶奶"},
    )
    assert response.status_code == 200 and CaseTransfer.objects.count() == 0
    response = login(city.a.manager).post(
        f"/cases/{city.a.case.pk}/transfer/",
        {"organisation": city.b.organisation.pk, "reason": "搬家", "consent_basis": "guardian", "consented_by": "奶奶"},
    )
    assert response.status_code == 302
    transfer = CaseTransfer.objects.get()
    inbox = login(city.b.manager).get("/cases/transfers/")
    assert inbox.status_code == 200
    assert f'data-transfer="{transfer.pk}"' in inbox.content.decode()
    assert login(city.b.worker).get("/cases/transfers/").status_code == 403
    assert login(city.a.worker).get(f"/cases/{city.a.case.pk}/transfer/").status_code == 403
    response = login(city.b.manager).post(
        f"/cases/transfers/{transfer.pk}/accept/", {f"t{transfer.pk}-lead_worker": city.b.worker.pk}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=city.a.case.pk).organisation_id == city.b.organisation.pk
    assert login(None).get("/cases/transfers/").status_code == 302
    assert login(city.b.manager).get(f"/cases/transfers/{transfer.pk}/accept/").status_code == 405
