"""The standard battery over the workforce routes (issue 18 item 6).

| route                             | methods   | who acts                      | checked here                                  |
| --------------------------------- | --------- | ----------------------------- | --------------------------------------------- |
| /workforce/trainings/             | GET POST  | staff read, managers record   | anonymous, 405, 403 for others, happy, queries |
| /workforce/people/<pk>/           | GET       | self, their managers          | anonymous, 405, outsider 404                  |
| /workforce/reviews/               | GET       | managers                      | anonymous, 405, 403, queries at two sizes     |
| /workforce/cases/<pk>/reviews/    | GET POST  | the case's managers           | anonymous, 405, happy, bad input, outsider 404 |
| /api/v1/trainings/                | GET POST  | staff read, managers record   | anonymous 401, 405, queries at two page sizes |
| /api/v1/case-reviews/             | GET POST  | managers                      | anonymous 401, 405, queries at two page sizes |
(tests/workforce/test_trainings_and_reviews.py proves who sees which training and review, and the figures.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import api_as, login
from tests.factories import UserFactory, make_case
from tests.standard_checks import (
    answers_to_other_methods,
    api_list_pinned,
    assert_pinned_queries,
    assert_sent_to_login,
    numbered,
    zh,
)
from workforce import services
from workforce.models import CaseReview, Training

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _routes(cast):
    return [
        ("/workforce/trainings/", "GET POST"),
        (f"/workforce/people/{cast.worker.pk}/", "GET"),
        ("/workforce/reviews/", "GET"),
        (f"/workforce/cases/{cast.case.pk}/reviews/", "GET POST"),
    ]


def test_every_page_sends_anonymous_to_login_and_refuses_other_methods(cast):
    for url, allowed in _routes(cast):
        for method in allowed.split():
            assert_sent_to_login(getattr(login(None), method.lower())(url), url)
        answers = answers_to_other_methods(login(cast.manager), url, allowed)
        assert answers == dict.fromkeys(answers, 405), (url, answers)
    assert not Training.objects.exists() and not CaseReview.objects.exists()


@pytest.mark.parametrize(
    ("url", "allowed"), [("/api/v1/trainings/", "GET POST"), ("/api/v1/case-reviews/", "GET POST")]
)
def test_the_endpoints_want_a_login_and_refuse_other_methods(cast, url, allowed):
    assert api_as(None).get(url).status_code == 401
    assert api_as(None).post(url, {}, format="json").status_code == 401
    for method in ("put", "patch", "delete"):
        assert getattr(api_as(cast.manager), method)(url).status_code == 405, (url, method)


def test_roles_outside_the_project_staff_get_403_on_every_page(cast):
    for user in (cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        assert login(user).get("/workforce/trainings/").status_code == 403, user.role
        assert login(user).get("/workforce/reviews/").status_code == 403, user.role
        assert api_as(user).get("/api/v1/trainings/").status_code == 403, user.role


def test_a_social_worker_reads_trainings_but_may_not_record_one(cast):
    body = {"topic": "社工伦理", "profession": "social_work", "date": TODAY().isoformat(), "hours": "2",
            "attendees": [cast.worker.pk]}  # fmt: skip
    page = login(cast.worker).get("/workforce/trainings/")
    assert page.status_code == 200 and 'data-testid="training-form"' not in page.content.decode()
    assert login(cast.worker).post("/workforce/trainings/", body).status_code == 403
    assert not Training.objects.exists()


def test_a_manager_records_a_training_on_the_page(cast):
    body = {"topic": "社工伦理", "profession": "social_work", "date": TODAY().isoformat(), "hours": "2.5",
            "competencies": ["trauma_informed"], "attendees": [cast.worker.pk, cast.colleague.pk],
            "other_participants": "3"}  # fmt: skip
    response = login(cast.manager).post("/workforce/trainings/", body)
    assert response.status_code == 302 and response["Location"] == "/workforce/trainings/"
    training = Training.objects.get()
    training.refresh_from_db()
    assert (training.topic, training.hours, training.other_participants, training.organisation_id) == (
        "社工伦理",
        Decimal("2.5"),
        3,
        cast.manager.organisation_id,
    )
    assert set(training.attendees.all()) == {cast.worker, cast.colleague}
    record = login(cast.worker).get(f"/workforce/people/{cast.worker.pk}/")
    assert record.status_code == 200 and "社工伦理" in record.content.decode()


def test_a_future_training_is_refused_with_what_was_typed_kept(cast):
    body = {"topic": "明天的培训", "profession": "social_work", "date": (TODAY() + dt.timedelta(days=2)).isoformat(),
            "hours": "2", "attendees": [cast.worker.pk], "other_participants": "0"}  # fmt: skip
    response = login(cast.manager).post("/workforce/trainings/", body)
    assert response.status_code == 400
    html = response.content.decode()
    assert zh("Record a training once it has been held.") in html and 'value="明天的培训"' in html
    assert not Training.objects.exists()


def test_a_colleagues_training_record_is_404_to_another_worker(cast):
    assert login(cast.colleague).get(f"/workforce/people/{cast.worker.pk}/").status_code == 404
    assert login(cast.referrer).get(f"/workforce/people/{cast.worker.pk}/").status_code == 404
    assert login(cast.manager).get(f"/workforce/people/{cast.worker.pk}/").status_code == 200
    assert login(cast.manager).get("/workforce/people/999999/").status_code == 404


def test_a_manager_records_a_case_review_on_the_page(cast):
    url = f"/workforce/cases/{cast.case.pk}/reviews/"
    body = {"date": TODAY().isoformat(), "points_met": ["consent_recorded"], "findings": "记录完整",
            "actions": "继续保持", "follow_up_on": (TODAY() + dt.timedelta(days=30)).isoformat()}  # fmt: skip
    response = login(cast.manager).post(url, body)
    assert response.status_code == 302 and response["Location"] == url
    review = CaseReview.objects.get()
    review.refresh_from_db()
    assert (review.case, review.supervisor, review.findings, review.points_met) == (
        cast.case,
        cast.manager,
        "记录完整",
        ["consent_recorded"],
    )


def test_a_bad_case_review_keeps_what_was_typed_and_writes_nothing(cast):
    url = f"/workforce/cases/{cast.case.pk}/reviews/"
    body = {"date": TODAY().isoformat(), "findings": "计划未更新", "actions": "两周内更新",
            "follow_up_on": (TODAY() - dt.timedelta(days=3)).isoformat()}  # fmt: skip
    response = login(cast.manager).post(url, body)
    assert response.status_code == 400
    html = response.content.decode()
    assert zh("The follow-up comes after the review.") in html and "计划未更新" in html
    assert not CaseReview.objects.exists()


def test_the_case_reviews_page_is_404_to_those_who_do_not_see_the_case_and_403_to_its_worker(cast):
    url = f"/workforce/cases/{cast.case.pk}/reviews/"
    body = {"date": TODAY().isoformat(), "findings": "外人的检查"}
    for user in (cast.colleague, cast.referrer, cast.funder, cast.volunteer):
        assert login(user).post(url, body).status_code == 404, user.username
    assert login(cast.worker).post(url, body).status_code == 403  # sees the case, does not review it
    assert login(cast.worker).get("/workforce/reviews/").status_code == 403
    assert not CaseReview.objects.exists()
    name = cast.case.child.name
    assert name not in login(cast.colleague).get(url).content.decode()


# --- exact query counts, two sizes --------------------------------------------------------------------


def _trainings(cast):
    def grow(n):
        for _ in range(n):
            services.training_record(
                actor=cast.manager, topic=f"培训课{Training.objects.count()}", profession="social_work",
                date=TODAY(), hours=Decimal("2"), attendees=[cast.worker, cast.colleague],
            )  # fmt: skip

    return grow


def _reviews(cast):
    def grow(n):
        for _ in range(n):
            case = make_case(lead_worker=cast.worker)
            services.case_review_record(
                actor=cast.manager, case=case, date=TODAY(), findings=f"检查发现{CaseReview.objects.count()}",
                points_met=["consent_recorded"], actions="补齐",
            )  # fmt: skip

    return grow


def test_trainings_page_queries_are_pinned(cast, django_assert_num_queries):
    client = login(cast.manager)
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get("/workforce/trainings/"),
        grow=_trainings(cast),
        rows=numbered("培训课"),
        expected=EXPECTED["trainings page"],
    )


def test_reviews_page_queries_are_pinned(cast, django_assert_num_queries):
    client = login(cast.manager)
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get("/workforce/reviews/"),
        grow=_reviews(cast),
        rows=lambda r: r.content.decode().count("/workforce/cases/"),
        expected=EXPECTED["reviews page"],
    )


def test_a_professionals_record_queries_are_pinned(cast, django_assert_num_queries):
    client = login(cast.worker)
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get(f"/workforce/people/{cast.worker.pk}/"),
        grow=_trainings(cast),
        rows=numbered("培训课"),
        expected=EXPECTED["record page"],
    )


def test_training_list_endpoint_is_pinned(cast, django_assert_num_queries):
    _trainings(cast)(12)
    api_list_pinned(
        django_assert_num_queries, api_as(cast.manager), "/api/v1/trainings/", EXPECTED["trainings api"], (2, 12)
    )


def test_case_review_list_endpoint_is_pinned(cast, django_assert_num_queries):
    _reviews(cast)(12)
    api_list_pinned(
        django_assert_num_queries, api_as(cast.manager), "/api/v1/case-reviews/", EXPECTED["reviews api"], (2, 12)
    )


def test_another_organisations_manager_sees_no_review_of_ours(cast):
    from organisations.models import Organisation

    _reviews(cast)(2)
    outsider = UserFactory(role="manager", organisation=Organisation.objects.create(name="丁中心", kind="ngo"))
    assert api_as(outsider).get("/api/v1/case-reviews/").json()["count"] == 0
    assert "检查发现" not in login(outsider).get("/workforce/reviews/").content.decode()


EXPECTED = {
    "trainings page": 6,
    "reviews page": 5,
    "record page": 5,
    "trainings api": 3,
    "reviews api": 3,
}
