"""Trainings by profession with participants from any organisation, each professional's record, a
supervisor's case reviews, and the figures the funder and the coordinating office read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import AuditEntry
from tests.conftest import api_as, login
from workforce.models import CaseReview, Training

pytestmark = pytest.mark.django_db


def _training(city, **extra):
    body = {
        "topic": "创伤知情的询问",
        "profession": "social_work",
        "competencies": ["trauma_informed", "forensic_interviewing"],
        "date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "hours": "6.0",
        "attendees": [city.a.worker.pk, city.b.worker.pk],
        "other_participants": 4,
        **extra,
    }
    return api_as(city.a.manager).post("/api/v1/trainings/", body, format="json")


def test_a_manager_records_a_training_seen_by_the_organisations_that_took_part(city):
    response = _training(city)
    assert response.status_code == 201, response.json()
    training = Training.objects.get(pk=response.json()["id"])
    assert training.organisation == city.a.organisation
    assert set(training.attendees.all()) == {city.a.worker, city.b.worker}
    assert AuditEntry.objects.filter(object_type="training", object_id=str(training.pk), action="create").exists()
    # B's staff took part: they see it; an organisation that did not gets 404
    assert api_as(city.b.manager).get(f"/api/v1/trainings/{training.pk}/").status_code == 200
    from organisations.models import Organisation
    from tests.factories import UserFactory

    outsider = UserFactory(role="manager", organisation=Organisation.objects.create(name="丙中心"))
    assert api_as(outsider).get(f"/api/v1/trainings/{training.pk}/").status_code == 404
    # the professional's record
    page = login(city.b.worker).get(f"/workforce/people/{city.b.worker.pk}/")
    assert page.status_code == 200 and "创伤知情的询问" in page.content.decode()
    assert login(city.a.manager).get(f"/workforce/people/{city.b.worker.pk}/").status_code == 404
    assert login(city.a.worker).get(f"/workforce/people/{city.a.manager.pk}/").status_code == 404


def test_bad_trainings_are_refused_and_nothing_is_written(city):
    assert _training(city, profession="dancing").status_code == 400
    assert _training(city, hours="0").status_code == 400
    assert _training(city, date=(timezone.localdate() + dt.timedelta(days=1)).isoformat()).status_code == 400
    assert _training(city, attendees=[], other_participants=0).status_code == 400
    response = api_as(city.a.worker).post(
        "/api/v1/trainings/", {"topic": "x", "profession": "social_work", "date": "2020-01-01", "hours": "1"}
    )
    assert response.status_code == 403
    assert not Training.objects.exists()
    page = login(city.a.manager).post("/workforce/trainings/", {"topic": "保密与伦理", "profession": "legal_aid"})
    assert page.status_code == 400 and "保密与伦理" in page.content.decode()
    assert not Training.objects.exists()


def _review(city, user, case, **extra):
    body = {
        "case": case.pk,
        "date": timezone.localdate().isoformat(),
        "points_met": ["consent_recorded", "risk_assessed"],
        "findings": "家访记录及时，照护计划未更新",
        "actions": "两周内更新照护计划",
        "follow_up_on": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
        **extra,
    }
    return api_as(user).post("/api/v1/case-reviews/", body, format="json")


def test_a_case_review_is_seen_by_the_cases_managers_only(city):
    response = _review(city, city.a.manager, city.a.case)
    assert response.status_code == 201, response.json()
    review = CaseReview.objects.get(pk=response.json()["id"])
    assert (review.supervisor, review.case) == (city.a.manager, city.a.case)
    assert api_as(city.a.manager).get(f"/api/v1/case-reviews/{review.pk}/").status_code == 200
    assert api_as(city.b.manager).get(f"/api/v1/case-reviews/{review.pk}/").status_code == 404
    assert api_as(city.a.worker).get("/api/v1/case-reviews/").status_code == 403
    # another organisation's case: "no such case", nothing written
    assert _review(city, city.b.manager, city.a.case).status_code == 400
    assert login(city.b.manager).get(f"/workforce/cases/{city.a.case.pk}/reviews/").status_code == 404
    assert login(city.a.worker).get(f"/workforce/cases/{city.a.case.pk}/reviews/").status_code == 403
    # a point missed needs the actions agreed
    assert _review(city, city.a.manager, city.a.case, actions="").status_code == 400
    assert CaseReview.objects.count() == 1
    page = login(city.a.manager).get(f"/workforce/cases/{city.a.case.pk}/reviews/")
    assert page.status_code == 200 and "照护计划未更新" in page.content.decode()
    assert AuditEntry.objects.filter(
        user_id=city.a.manager.pk, object_type="case", detail__page="case reviews"
    ).exists()


def test_the_summary_counts_trainings_by_profession_and_reviews_in_scope(city):
    assert _training(city).status_code == 201
    assert _training(city, profession="legal_aid", hours="2.5").status_code == 201
    assert _review(city, city.a.manager, city.a.case).status_code == 201
    assert _review(city, city.b.manager, city.b.case).status_code == 201
    today = timezone.localdate()
    query = f"?start={(today - dt.timedelta(days=40)).isoformat()}&end={today.isoformat()}"
    mine = api_as(city.a.manager).get(f"/api/v1/reports/summary/{query}").json()["workforce"]
    assert mine["trainings"] == 2
    assert mine["trainings_by_profession"] == {"social_work": 1, "legal_aid": 1}
    assert mine["training_hours"] == 8.5
    assert mine["participants"] == 2 + 8  # two named people, four without an account at each
    assert (mine["case_reviews"], mine["cases_reviewed"], mine["case_reviews_with_follow_up"]) == (1, 1, 1)
    theirs = api_as(city.b.manager).get(f"/api/v1/reports/summary/{query}").json()["workforce"]
    assert (theirs["trainings"], theirs["case_reviews"]) == (0, 1)
