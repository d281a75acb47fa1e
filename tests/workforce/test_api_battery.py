"""The standard battery over the workforce API (issue 18 item 6): trainings/ and case-reviews/.

tests/workforce/test_battery.py proves the lists' anonymous 401, 405 and query counts; test_trainings_and_
reviews.py who sees which record. Here: the detail routes' methods, the colleague's and the other
organisation's 404 on a review of the planted child's case, the lead worker's 403, each refusal's Chinese
with nothing written (audit included), and each record re-read.

| route                     | anon 401 | 405  | outsider 404          | read-only 403           | bad input (zh) | happy path |
| ------------------------- | -------- | ---- | --------------------- | ----------------------- | -------------- | ---------- |
| trainings/, {id}/         | here     | here | trainings_and_reviews | here (worker records)   | here           | here       |
| case-reviews/, {id}/      | here     | here | here                  | here (worker, 4 roles)  | here           | here       |
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from tests.api_battery import ZH, api_id_battery, api_route_battery, hidden, refused_in_chinese, written
from tests.battery import nothing_written
from tests.factories import UserFactory
from tests.planted import PLANTED_NAME
from workforce import services
from workforce.models import CaseReview, Training

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def world(cast):
    child = cast.case.child
    child.name = PLANTED_NAME
    child.save(update_fields=["name"])
    training = services.training_record(
        actor=cast.manager, topic="创伤知情", profession="social_work", date=YESTERDAY, hours=Decimal("3"),
        attendees=[cast.worker],
    )  # fmt: skip
    review = services.case_review_record(
        actor=cast.manager,
        case=cast.case,
        date=YESTERDAY,
        findings=f"{PLANTED_NAME}的计划按时复查",
        actions="两周内复查",
    )
    return {"training": training.pk, "review": review.pk, "case": cast.case.pk}


ROUTES = [
    ("GET POST", "/api/v1/trainings/"),
    ("GET", "/api/v1/trainings/{training}/"),
    ("GET POST", "/api/v1/case-reviews/"),
    ("GET", "/api/v1/case-reviews/{review}/"),
]


def _stored() -> dict:
    return written(Training, CaseReview)()


test_anonymous_gets_401, test_wrong_method_gets_405 = api_route_battery(ROUTES, stored=_stored, actor="manager")
test_an_id_that_names_nothing_is_404 = api_id_battery(ROUTES, stored=_stored, actor="manager")


def _other_manager():
    from organisations.models import Organisation

    return UserFactory(role=Role.MANAGER, organisation=Organisation.objects.create(name="别家", kind="ngo"))


def test_a_review_is_404_to_another_organisations_manager_and_names_no_child(world, api_for):
    api = api_for(_other_manager())
    hidden(api.get(f"/api/v1/case-reviews/{world['review']}/"))
    listed = api.get("/api/v1/case-reviews/")
    assert listed.json()["count"] == 0 and PLANTED_NAME not in listed.content.decode()
    with nothing_written(_stored):
        body = {"case": world["case"], "date": TODAY.isoformat(), "findings": "外人", "actions": "无"}
        response = api.post("/api/v1/case-reviews/", body, format="json", **ZH)
    refused_in_chinese(response, "case", "No such case.")


@pytest.mark.parametrize("role", ["worker", "colleague", "referrer", "pledger", "volunteer", "funder"])
def test_who_does_not_supervise_gets_403_on_reviews(world, cast, api_for, role):
    api = api_for(getattr(cast, role))
    body = {"case": world["case"], "date": TODAY.isoformat(), "findings": "自查"}
    with nothing_written(_stored):
        answers = {
            "list": api.get("/api/v1/case-reviews/").status_code,
            "detail": api.get(f"/api/v1/case-reviews/{world['review']}/").status_code,
            "create": api.post("/api/v1/case-reviews/", body, format="json").status_code,
        }
    assert answers == dict.fromkeys(answers, 403)


def test_a_social_worker_reads_trainings_but_may_not_record_one(world, cast, api_for):
    api = api_for(cast.worker)
    assert api.get(f"/api/v1/trainings/{world['training']}/").status_code == 200
    body = {"topic": "自学", "profession": "social_work", "date": YESTERDAY.isoformat(), "hours": "1"}
    with nothing_written(_stored):
        assert api.post("/api/v1/trainings/", body, format="json").status_code == 403


TRAINING = {"topic": "儿童权利", "profession": "social_work", "date": YESTERDAY.isoformat(), "hours": "2"}
REVIEW = {"date": YESTERDAY.isoformat(), "findings": "计划需更新", "actions": "两周内更新计划"}
BAD = [
    ("/api/v1/trainings/", {**TRAINING, "date": TODAY.isoformat(), "hours": "200"}, "hours",
     "Ensure this value is less than or equal to {max_value}."),
    ("/api/v1/trainings/", {**TRAINING, "date": (TODAY + dt.timedelta(days=3)).isoformat()}, "date",
     "Record a training once it has been held."),
    ("/api/v1/trainings/", {**TRAINING, "profession": "cooking"}, "profession", '"{input}" is not a valid choice.'),
    ("/api/v1/case-reviews/", {**REVIEW, "findings": ""}, "findings", "This field may not be blank."),
    ("/api/v1/case-reviews/", {**REVIEW, "date": (TODAY + dt.timedelta(days=2)).isoformat()}, "date",
     "The review date cannot be in the future."),
    ("/api/v1/case-reviews/", {**REVIEW, "follow_up_on": (YESTERDAY - dt.timedelta(days=1)).isoformat()},
     "follow_up_on", "The follow-up comes after the review."),
]  # fmt: skip


@pytest.mark.parametrize(("url", "body", "field", "msgid"), BAD, ids=[f"{b[2]}-{i}" for i, b in enumerate(BAD)])
def test_bad_body_is_400_in_chinese_and_nothing_is_written(world, cast, api_for, url, body, field, msgid):
    if "reviews" in url:
        body = {**body, "case": world["case"]}
    with nothing_written(_stored):
        response = api_for(cast.manager).post(url, body, format="json", **ZH)
    refused_in_chinese(response, field, msgid, input=body.get(field), max_value=80)


def test_manager_records_a_training_with_its_attendees(world, cast, api_for):
    body = {**TRAINING, "competencies": ["child_rights"], "attendees": [cast.worker.pk, cast.colleague.pk]}
    response = api_for(cast.manager).post("/api/v1/trainings/", body, format="json")
    assert response.status_code == 201, response.content
    training = Training.objects.get(pk=response.json()["id"])
    assert (training.topic, training.hours, training.date, training.competencies) == (
        "儿童权利",
        Decimal("2"),
        YESTERDAY,
        ["child_rights"],
    )
    assert sorted(training.attendees.values_list("pk", flat=True)) == sorted([cast.worker.pk, cast.colleague.pk])
    assert training.organisation_id == cast.manager.organisation_id


def test_manager_records_a_review_as_its_supervisor(world, cast, api_for):
    body = {**REVIEW, "case": world["case"], "follow_up_on": TODAY.isoformat()}
    response = api_for(cast.manager).post("/api/v1/case-reviews/", body, format="json")
    assert response.status_code == 201, response.content
    review = CaseReview.objects.get(pk=response.json()["id"])
    assert (review.case_id, review.supervisor_id, review.findings, review.follow_up_on) == (
        world["case"],
        cast.manager.pk,
        "计划需更新",
        TODAY,
    )
