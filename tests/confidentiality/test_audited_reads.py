"""Every response that shows a child's identity writes exactly one audit row naming what it showed (issue 15)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from alliance.services import volunteer_assign
from cases.models import Activity, Case
from cases.services.casework import DOMAINS, assessment_save
from core.models import AuditEntry
from tests.factories import ActivityFactory, PledgeRequestFactory, ReferralFactory, VolunteerLogFactory, make_case

pytestmark = pytest.mark.django_db


def _get(client: Any, *args: Any, **kwargs: Any) -> Any:
    """The request to make once the client exists (logging in writes its own row)."""
    return lambda: client.get(*args, **kwargs)


def _rows_written_by(call: Any) -> list[AuditEntry]:
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = call()
    assert response.status_code == 200, response.content[:300]
    return list(AuditEntry.objects.filter(pk__gt=last).order_by("pk"))


def _one_read(call: Any, *, action: str = "view") -> AuditEntry:
    rows = _rows_written_by(call)
    assert len(rows) == 1, [(r.action, r.object_type, r.detail) for r in rows]
    assert rows[0].action == action
    return rows[0]


@pytest.fixture
def second_case(cast: Any) -> Case:
    return make_case(lead_worker=cast.worker)


def test_caseload_page_audits_the_cases_listed(cast, client_for, second_case):
    row = _one_read(_get(client_for(cast.worker), "/cases/"))
    assert row.object_type == "case" and row.username == "xiaochen"
    assert sorted(row.detail["ids"]) == sorted([cast.case.pk, second_case.pk])


def test_case_api_list_audits_the_cases_serialized(cast, api_for, second_case):
    response_ids: list[int] = []

    def call() -> Any:
        response = api_for(cast.worker).get("/api/v1/cases/")
        response_ids.extend(r["id"] for r in response.json()["results"])
        return response

    row = _one_read(call)
    assert row.object_type == "case" and row.detail["ids"] == response_ids
    assert sorted(response_ids) == sorted([cast.case.pk, second_case.pk])


def test_case_api_list_audits_only_the_page_sent(cast, api_for, second_case):
    row = _one_read(_get(api_for(cast.worker), "/api/v1/cases/?page_size=1"))
    assert len(row.detail["ids"]) == 1


def test_case_api_retrieve_audits_the_case(cast, api_for):
    row = _one_read(_get(api_for(cast.worker), f"/api/v1/cases/{cast.case.pk}/"))
    assert (row.object_type, row.object_id, row.detail["ids"]) == ("case", str(cast.case.pk), [cast.case.pk])


def test_sensitive_activities_list_audits_the_notes_shown(cast, api_for):
    sensitive = ActivityFactory(case=cast.case, sensitive=True, summary="孩子说起继父打她。")
    ActivityFactory(case=cast.case, sensitive=False)
    row = _one_read(_get(api_for(cast.worker), "/api/v1/activities/?sensitive=true"))
    assert row.object_type == "activity"
    assert row.detail == {"ids": [sensitive.pk], "sensitive": True}


def test_activities_list_audits_every_activity_shown(cast, api_for):
    ActivityFactory(case=cast.case)
    ActivityFactory(case=cast.case, date=timezone.localdate() - dt.timedelta(days=3))
    row = _one_read(_get(api_for(cast.worker), "/api/v1/activities/"))
    assert sorted(row.detail["ids"]) == sorted(Activity.objects.values_list("pk", flat=True))


def test_case_edit_form_audits_the_case(cast, client_for):
    row = _one_read(_get(client_for(cast.worker), f"/cases/{cast.case.pk}/edit/"))
    assert (row.object_type, row.detail) == ("case", {"ids": [cast.case.pk], "page": "edit"})


def test_casework_partial_audits_the_case(cast, client_for):
    row = _one_read(_get(client_for(cast.worker), f"/cases/{cast.case.pk}/work/"))
    assert (row.object_type, row.detail["ids"], row.detail["panel"]) == ("case", [cast.case.pk], "casework")


@pytest.mark.parametrize(
    ("url", "panel"),
    [
        ("/referrals/case/{pk}/", "referrals"),
        ("/promises/case/{pk}/", "promise-first"),
        ("/alliance/case/{pk}/", "alliance"),
        ("/programmes/case/{pk}/", "programmes"),
    ],
)
def test_case_panels_audit_the_case(cast, client_for, url, panel):
    row = _one_read(_get(client_for(cast.worker), url.format(pk=cast.case.pk)))
    assert (row.object_type, row.detail["ids"], row.detail["panel"]) == ("case", [cast.case.pk], panel)


def test_child_autocomplete_audits_the_children_offered(cast, client_for, second_case):
    offered: list[int] = []

    client = client_for(cast.worker)

    def call() -> Any:
        response = client.get("/cases/children/autocomplete/", {"q": "儿童"})
        offered.extend(r["id"] for r in response.json()["results"])
        return response

    row = _one_read(call)
    assert row.object_type == "child" and row.detail["ids"] == offered
    assert sorted(offered) == sorted([cast.case.child_id, second_case.child_id])


def test_referral_api_list_audits_the_referrals_shown(cast, api_for):
    pool = [ReferralFactory(status="new"), ReferralFactory(status="needs_info")]
    row = _one_read(_get(api_for(cast.worker), "/api/v1/referrals/"))
    assert row.object_type == "referral" and sorted(row.detail["ids"]) == sorted(r.pk for r in pool)


def test_triage_queue_audits_the_referrals_listed(cast, client_for):
    pool = [ReferralFactory(status="new"), ReferralFactory(status="new")]
    row = _one_read(_get(client_for(cast.worker), "/referrals/queue/"))
    assert row.object_type == "referral" and sorted(row.detail["ids"]) == sorted(r.pk for r in pool)


def test_pledge_request_api_list_audits_the_requests_shown(cast, api_for):
    requests = [PledgeRequestFactory(case=cast.case), PledgeRequestFactory(case=cast.case)]
    row = _one_read(_get(api_for(cast.manager), "/api/v1/pledge-requests/"))
    assert row.object_type == "pledgerequest" and sorted(row.detail["ids"]) == sorted(r.pk for r in requests)


def test_volunteer_log_api_list_audits_the_logs_shown(cast, api_for):
    logs = [
        VolunteerLogFactory(case=cast.case, member=cast.volunteer.member),
        VolunteerLogFactory(case=cast.case, member=cast.volunteer.member),
    ]
    row = _one_read(_get(api_for(cast.manager), "/api/v1/volunteer-logs/"))
    assert row.object_type == "volunteerlog" and sorted(row.detail["ids"]) == sorted(v.pk for v in logs)


def test_approvals_page_audits_the_cases_awaiting_a_decision(cast, client_for, second_case):
    for case in (cast.case, second_case):
        assessment_save(
            actor=cast.worker,
            case=case,
            assessed_on=timezone.localdate(),
            risk_level="high",
            submit=True,
            **{domain: 1 for domain in DOMAINS},  # every domain is rated (issue 14)
        )
    row = _one_read(_get(client_for(cast.manager), "/cases/approvals/"))
    assert row.object_type == "case" and sorted(row.detail["ids"]) == sorted([cast.case.pk, second_case.pk])


def test_volunteers_visits_page_audits_the_cases_assigned(cast, client_for, second_case):
    volunteer_assign(actor=cast.worker, case=cast.case, member=cast.volunteer.member, brief="每周陪伴一次")
    row = _one_read(_get(client_for(cast.volunteer), "/alliance/visits/"))
    assert (row.object_type, row.detail["ids"]) == ("case", [cast.case.pk])


def test_case_export_logs_which_cases_it_exported(cast, client_for, second_case):
    other_workers_case = make_case(lead_worker=cast.colleague)

    client = client_for(cast.manager)

    def call() -> Any:
        response = client.get("/cases/export/")
        b"".join(response.streaming_content) if response.streaming else response.content
        return response

    row = _one_read(call, action="export")
    assert row.object_type == "case-list" and row.detail["format"] == "csv"
    assert sorted(row.detail["ids"]) == sorted([cast.case.pk, second_case.pk, other_workers_case.pk])


def test_a_list_showing_nothing_writes_no_row(cast, api_for):
    assert _rows_written_by(_get(api_for(cast.worker), "/api/v1/referrals/")) == []
