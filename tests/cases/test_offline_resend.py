"""A visit note or a volunteer's log queued on a phone with no signal is sent again when the signal returns
(issue 14, item 7): the form's submission_key makes the server record it once, and a refused one comes
back as the same form with the same key (which is how the phone tells "saved" from "refused")."""

from __future__ import annotations

import pytest
from django.utils import timezone

from alliance.models import VolunteerLog
from alliance.services import volunteer_assign
from tests.factories import make_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _visit(key: str, **extra: str) -> dict[str, str]:
    return {
        "kind": "home_visit",
        "date": TODAY.isoformat(),
        "duration_minutes": "30",
        "summary": "奶奶在家",
        "submission_key": key,
        **extra,
    }


def test_the_visit_form_carries_a_fresh_key_each_time(cast, client_for):
    client = client_for(cast.worker)
    first = client.get(f"/cases/{cast.case.pk}/visit/").context["form"].initial["submission_key"]
    second = client.get(f"/cases/{cast.case.pk}/visit/").context["form"].initial["submission_key"]
    assert len(first) == 32 and first != second


def test_a_visit_note_sent_twice_with_one_key_is_recorded_once(cast, client_for):
    client = client_for(cast.worker)
    first = client.post(f"/cases/{cast.case.pk}/visit/", _visit("k-visit-1"))
    again = client.post(f"/cases/{cast.case.pk}/visit/", _visit("k-visit-1"))
    assert first.status_code == again.status_code == 302
    assert again["Location"] == f"/cases/{cast.case.pk}/"
    activity = cast.case.activities.get()
    assert activity.submission_key == "k-visit-1" and activity.recorded_by == cast.worker
    client.post(f"/cases/{cast.case.pk}/visit/", _visit("k-visit-2"))
    assert cast.case.activities.count() == 2


def test_a_refused_visit_note_comes_back_with_its_key(cast, client_for):
    response = client_for(cast.worker).post(f"/cases/{cast.case.pk}/visit/", _visit("k-refused", date="2099-01-01"))
    assert response.status_code == 200 and not cast.case.activities.exists()
    assert 'name="submission_key" value="k-refused"' in response.content.decode()


def test_a_key_used_on_another_case_is_refused_and_records_nothing(cast, client_for):
    other = make_case(lead_worker=cast.worker)
    client = client_for(cast.worker)
    client.post(f"/cases/{cast.case.pk}/visit/", _visit("k-copied"))
    response = client.post(f"/cases/{other.pk}/visit/", _visit("k-copied"))
    assert response.status_code == 200 and not other.activities.exists()
    assert "已经提交过" in response.content.decode()


@pytest.fixture
def assigned(cast):
    volunteer_assign(actor=cast.worker, case=cast.case, member=cast.volunteer.member, brief="周二陪孩子写作业")


def test_a_volunteer_log_sent_twice_with_one_key_is_logged_once(cast, client_for, assigned):
    client = client_for(cast.volunteer)
    body = {"date": TODAY.isoformat(), "minutes": "40", "note": "孩子很好", "submission_key": "k-log-1"}
    assert client.post(f"/alliance/visits/{cast.case.pk}/log/", body).status_code == 302
    assert client.post(f"/alliance/visits/{cast.case.pk}/log/", body).status_code == 302
    log = VolunteerLog.objects.get()
    assert log.submission_key == "k-log-1" and log.minutes == 40


def test_each_visit_card_has_its_own_key_and_a_refused_log_keeps_it(cast, client_for, assigned):
    client = client_for(cast.volunteer)
    cards = client.get("/alliance/visits/").context["assignments"]
    assert len(cards[0].submission_key) == 32
    body = {"date": TODAY.isoformat(), "minutes": "1小时", "note": "孩子很好", "submission_key": "k-log-bad"}
    response = client.post(f"/alliance/visits/{cast.case.pk}/log/", body)
    assert response.status_code == 200 and not VolunteerLog.objects.exists()
    assert 'name="submission_key" value="k-log-bad"' in response.content.decode()
