"""`programme-enrolments/`: rosters through the API, within what each caller may see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import AuditEntry
from programmes.models import Enrolment
from tests.factories import make_case

pytestmark = pytest.mark.django_db
URL = "/api/v1/programme-enrolments/"


def _ids(response):
    assert response.status_code == 200
    return sorted(row["case"] for row in response.json()["results"])


def test_the_facilitator_sees_the_roster_and_a_colleague_only_the_children_of_their_cases(cast, api_for, classroom):
    assert _ids(api_for(cast.worker).get(URL)) == sorted(c.pk for c in classroom.cases)
    assert _ids(api_for(cast.colleague).get(URL)) == sorted(c.pk for c in classroom.other_cases)
    assert api_for(cast.referrer).get(URL).status_code == 403
    assert api_for(cast.volunteer).get(URL).status_code == 403


def test_a_roster_list_is_audited_with_the_enrolments_shown(cast, api_for, classroom):
    before = AuditEntry.objects.count()
    api_for(cast.colleague).get(URL)
    row = AuditEntry.objects.order_by("-pk").first()
    assert AuditEntry.objects.count() == before + 1
    shown = set(Enrolment.objects.filter(case__in=classroom.other_cases).values_list("pk", flat=True))
    assert (row.object_type, set(row.detail["ids"])) == ("enrolment", shown)


def test_the_facilitator_enrols_a_child_whose_case_they_see(cast, api_for, classroom):
    case = make_case(lead_worker=cast.worker)
    response = api_for(cast.worker).post(URL, {"programme": classroom.programme.pk, "case": case.pk}, format="json")
    assert response.status_code == 201
    enrolment = Enrolment.objects.get(programme=classroom.programme, case=case)
    assert (response.json()["id"], enrolment.joined_on) == (enrolment.pk, timezone.localdate())


def test_a_hidden_case_is_answered_like_a_missing_one_and_nothing_is_enrolled(cast, api_for, classroom):
    hidden = make_case(lead_worker=cast.colleague)
    client = api_for(cast.worker)
    count = Enrolment.objects.count()
    refused = client.post(URL, {"programme": classroom.programme.pk, "case": hidden.pk}, format="json")
    missing = client.post(URL, {"programme": classroom.programme.pk, "case": 99_999_999}, format="json")
    assert (refused.status_code, missing.status_code) == (400, 400)
    assert hidden.child.name not in refused.content.decode()
    assert refused.json() == missing.json() == {"case": ["没有这个个案。"]}
    assert Enrolment.objects.count() == count


def test_who_does_not_run_the_programme_may_not_enrol(cast, api_for, classroom):
    case = make_case(lead_worker=cast.colleague)
    response = api_for(cast.colleague).post(URL, {"programme": classroom.programme.pk, "case": case.pk}, format="json")
    assert response.status_code == 403
    assert not Enrolment.objects.filter(case=case).exists()


def test_ending_an_enrolment_records_the_day_and_refuses_one_before_joining(cast, api_for, classroom):
    enrolment = Enrolment.objects.get(programme=classroom.programme, case=cast.case)
    client = api_for(cast.worker)
    early = enrolment.joined_on - dt.timedelta(days=1)
    bad = client.post(f"{URL}{enrolment.pk}/end/", {"left_on": early.isoformat()}, format="json")
    assert bad.status_code == 400
    enrolment.refresh_from_db()
    assert enrolment.left_on is None
    assert api_for(cast.colleague).post(f"{URL}{enrolment.pk}/end/", {}, format="json").status_code == 404
    ok = client.post(f"{URL}{enrolment.pk}/end/", {}, format="json")
    assert ok.status_code == 200
    enrolment.refresh_from_db()
    assert enrolment.left_on == timezone.localdate() == dt.date.fromisoformat(ok.json()["left_on"])


def test_the_roster_list_answers_in_the_same_number_of_queries_whatever_its_length(cast, api_for, classroom):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_for(cast.worker)
    client.get(URL)  # warm-up

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    from programmes import services

    for _ in range(6):
        services.enrolment_add(
            actor=cast.manager, programme=classroom.programme, case=make_case(lead_worker=cast.worker)
        )
    assert count() == before
