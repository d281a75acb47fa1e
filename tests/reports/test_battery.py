"""The standard battery over the report pages and endpoints (issue 18 item 6). The rest of each route's
behaviour (generating, progress, retry, the PDF/XLSX/CSV files, suppression) is proved in this folder's
other files and tests/confidentiality/test_funder_suppression.py.

| route                         | methods  | who                       | checked here                                     |
| ----------------------------- | -------- | ------------------------- | ------------------------------------------------ |
| /reports/                     | GET      | managers, funders         | anonymous, 405, 403, queries at two sizes        |
| /reports/new/                 | GET POST | managers                  | anonymous, 405, 403 for a funder (nothing queued), bad period kept |
| /reports/dashboard/           | GET      | report readers            | anonymous, 405                                   |
| /reports/summary.csv          | GET      | report readers            | anonymous, 405                                   |
| /reports/<pk>/                | GET      | the report's readers      | anonymous, 405, another organisation 404         |
| /reports/<pk>/download/       | GET      | the report's readers      | anonymous, 405, another organisation 404         |
| /reports/<pk>/retry/          | POST     | managers                  | anonymous, 405, another organisation 404         |
| /api/v1/reports/              | GET POST | managers, funders         | anonymous 401, queries at two page sizes         |
| /api/v1/reports/summary/      | GET      | report readers            | anonymous 401, 405                               |
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from organisations.models import Organisation
from reports.models import Report
from tests.conftest import api_as, login
from tests.factories import ContractFactory, UserFactory
from tests.standard_checks import (
    answers_to_other_methods,
    api_list_pinned,
    assert_pinned_queries,
    assert_sent_to_login,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _report(user, **fields):
    start = TODAY() - dt.timedelta(days=90)
    return Report.objects.create(start=start, end=TODAY(), created_by=user, **fields)


def _routes(report):
    pk = report.pk
    return [
        ("/reports/", "GET"),
        ("/reports/new/", "GET POST"),
        ("/reports/dashboard/", "GET"),
        ("/reports/summary.csv", "GET"),
        (f"/reports/{pk}/", "GET"),
        (f"/reports/{pk}/download/", "GET"),
        (f"/reports/{pk}/retry/", "POST"),
    ]


def test_every_page_sends_anonymous_to_login_and_refuses_other_methods(cast):
    report = _report(cast.manager, status="failed")
    for url, allowed in _routes(report):
        for method in allowed.split():
            assert_sent_to_login(getattr(login(None), method.lower())(url), url)
        answers = answers_to_other_methods(login(cast.manager), url, allowed)
        assert answers == dict.fromkeys(answers, 405), (url, answers)
    report.refresh_from_db()
    assert (Report.objects.count(), report.status, report.attempts) == (1, "failed", 0)


def test_the_endpoints_want_a_login_and_a_method_they_take(cast):
    report = _report(cast.manager)
    for url in ("/api/v1/reports/", f"/api/v1/reports/{report.pk}/", "/api/v1/reports/summary/"):
        assert api_as(None).get(url).status_code == 401, url
    for method in ("put", "patch", "delete"):
        assert getattr(api_as(cast.manager), method)(f"/api/v1/reports/{report.pk}/").status_code == 405, method
    for method in ("post", "put", "delete"):
        assert getattr(api_as(cast.manager), method)("/api/v1/reports/summary/").status_code == 405, method
    assert Report.objects.count() == 1


def test_another_organisations_report_is_404_on_every_route(cast):
    other = Organisation.objects.create(name="戊中心", kind="ngo")
    theirs = _report(UserFactory(role="manager", organisation=other), status="failed", narrative="别家的叙述")
    for url, allowed in _routes(theirs)[4:]:
        method = allowed.split()[0].lower()
        assert getattr(login(cast.manager), method)(url).status_code == 404, url
    assert api_as(cast.manager).get(f"/api/v1/reports/{theirs.pk}/").status_code == 404
    assert "别家的叙述" not in login(cast.manager).get("/reports/").content.decode()
    theirs.refresh_from_db()
    assert (theirs.status, theirs.attempts) == ("failed", 0)


def test_roles_that_read_no_report_get_403(cast):
    for user in (cast.worker, cast.referrer, cast.pledger, cast.volunteer):
        assert login(user).get("/reports/").status_code == 403, user.role
        assert login(user).get("/reports/new/").status_code == 403, user.role


def test_a_funder_reads_reports_but_may_not_ask_for_one(cast):
    contract = ContractFactory()
    assert login(cast.funder).get("/reports/").status_code == 200
    body = {"start": (TODAY() - dt.timedelta(days=30)).isoformat(), "end": TODAY().isoformat(),
            "contract": contract.pk, "format": "pdf"}  # fmt: skip
    assert login(cast.funder).post("/reports/new/", body).status_code == 403
    assert not Report.objects.exists()


def test_a_period_that_ends_before_it_starts_is_refused_and_nothing_queued(cast):
    contract = ContractFactory()
    body = {"start": TODAY().isoformat(), "end": (TODAY() - dt.timedelta(days=30)).isoformat(),
            "contract": contract.pk, "format": "pdf", "narrative": "本期叙述保留"}  # fmt: skip
    response = login(cast.manager).post("/reports/new/", body)
    assert response.status_code in (200, 400)
    assert "本期叙述保留" in response.content.decode()
    assert "is-invalid" in response.content.decode() or "alert-danger" in response.content.decode()
    assert not Report.objects.exists()


# --- exact query counts, two sizes --------------------------------------------------------------------


def _grow(cast):
    def grow(n):
        for _ in range(n):
            _report(cast.manager, contract=ContractFactory(name=f"报告合同{Report.objects.count()}"), status="done")

    return grow


def test_report_list_page_queries_are_pinned(cast, django_assert_num_queries):
    import re

    client = login(cast.manager)
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get("/reports/"),
        grow=_grow(cast),
        rows=lambda r: len(set(re.findall(r'href="/reports/(\d+)/"', r.content.decode()))),
        expected=EXPECTED["report list page"],
    )


def test_report_list_endpoint_is_pinned(cast, django_assert_num_queries):
    _grow(cast)(12)
    api_list_pinned(
        django_assert_num_queries, api_as(cast.manager), "/api/v1/reports/", EXPECTED["reports api"], (2, 12)
    )


EXPECTED = {"report list page": 4, "reports api": 2}  # the session, the user, the device; the page of reports
