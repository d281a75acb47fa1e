"""The standard battery over the reports API (issue 18 item 6): reports/, reports/{id}/, reports/{id}/download/
and reports/summary/.

tests/reports/test_battery.py proves the anonymous 401 of three routes, some 405s, another organisation's
report 404 on GET and the list's query count; test_reports.py the figures and a report made by a worker.
Here: every method of every route (download included), another organisation's 404 on the download, the 403
of every role that reads no report on every route, the funder's 403 on asking for one, refusals in Chinese
with nothing written (audit included), and a request re-read.

| route                   | anon 401 | 405  | outsider 404           | read-only 403                | bad input (zh) | happy path  |
| ----------------------- | -------- | ---- | ---------------------- | ---------------------------- | -------------- | ----------- |
| reports/                | here     | here | (scoped) test_battery  | here (four roles, funder POST)| here          | here        |
| reports/{id}/           | here     | here | here                   | here (four roles)            | —              | test_reports|
| reports/{id}/download/  | here     | here | here (+ not ready 404) | here (four roles)            | —              | test_reports|
| reports/summary/        | here     | here | (scoped) test_boundary | here (four roles)            | here           | test_reports|
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reports.models import Report
from tests.api_battery import ZH, api_id_battery, api_route_battery, hidden, refused_in_chinese, send, written
from tests.battery import nothing_written
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MONTH_AGO = TODAY - dt.timedelta(days=40)


@pytest.fixture
def world(cast):
    report = Report.objects.create(start=MONTH_AGO, end=TODAY, created_by=cast.manager, status="queued")
    contract = ContractFactory(organisation=cast.manager.organisation)
    return {"report": report.pk, "contract": contract.pk}


ROUTES = [
    ("GET POST", "/api/v1/reports/"),
    ("GET", "/api/v1/reports/{report}/"),
    ("GET", "/api/v1/reports/{report}/download/"),
    ("GET", "/api/v1/reports/summary/"),
]


def _stored() -> dict:
    return {**written(Report)(), "reports": list(Report.objects.values_list("pk", "status", "attempts"))}


test_anonymous_gets_401, test_wrong_method_gets_405 = api_route_battery(ROUTES, stored=_stored, actor="manager")
test_an_id_that_names_nothing_is_404 = api_id_battery(ROUTES, stored=_stored, actor="manager")


@pytest.mark.parametrize("role", ["worker", "referrer", "pledger", "volunteer"])
def test_roles_that_read_no_report_get_403_on_every_route(world, cast, api_for, role):
    api = api_for(getattr(cast, role))
    period = {"start": MONTH_AGO.isoformat(), "end": TODAY.isoformat()}
    with nothing_written(_stored):
        answers = {f"GET {p}": api.get(p.format(**world), period).status_code for _, p in ROUTES}
        answers["POST"] = api.post("/api/v1/reports/", period, format="json").status_code
    assert answers == dict.fromkeys(answers, 403)


def test_a_funder_reads_the_summary_but_may_not_ask_for_a_report(world, cast, api_for):
    period = {"start": MONTH_AGO.isoformat(), "end": TODAY.isoformat()}
    assert api_for(cast.funder).get("/api/v1/reports/summary/", period).status_code == 200
    with nothing_written(_stored):
        assert api_for(cast.funder).post("/api/v1/reports/", period, format="json").status_code == 403


def test_another_organisations_report_and_its_file_are_404(world, api_for):
    from organisations.models import Organisation

    other = UserFactory(role="manager", organisation=Organisation.objects.create(name="别家", kind="ngo"))
    with nothing_written(_stored):
        hidden(api_for(other).get(f"/api/v1/reports/{world['report']}/"))
        hidden(api_for(other).get(f"/api/v1/reports/{world['report']}/download/"))


def test_a_report_not_yet_made_has_no_file_to_download(world, cast, api_for):
    with nothing_written(_stored):  # no export audited either
        assert api_for(cast.manager).get(f"/api/v1/reports/{world['report']}/download/").status_code == 404


BAD = [
    ("manager", "POST", "/api/v1/reports/", {"start": "{today}", "end": "{month_ago}"}, "end",
     "The end date cannot be before the start date.", {}),
    ("manager", "POST", "/api/v1/reports/", {"start": "{month_ago}", "end": "{today}", "format": "docx"}, "format",
     '"{input}" is not a valid choice.', {"input": "docx"}),
    ("manager", "POST", "/api/v1/reports/", {"end": "{today}"}, "start", "This field is required.", {}),
    ("manager", "GET", "/api/v1/reports/summary/", {"start": "{today}", "end": "{month_ago}"}, "end",
     "The end date cannot be before the start date.", {}),
    ("manager", "GET", "/api/v1/reports/summary/", {"start": "2026-02-30", "end": "{today}"}, "start",
     "Date has wrong format. Use one of these formats instead: {format}.", {"format": "YYYY-MM-DD"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "field", "msgid", "params"), BAD, ids=[f"{b[4]}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_input_is_400_in_chinese_and_nothing_is_written(
    world, cast, api_for, who, method, path, body, field, msgid, params
):
    names = {"{today}": TODAY.isoformat(), "{month_ago}": MONTH_AGO.isoformat()}
    body = {k: names.get(v, v) for k, v in body.items()}
    with nothing_written(_stored):
        response = send(api_for(getattr(cast, who)), method, path, body, **ZH)
    refused_in_chinese(response, field, msgid, **params)


def test_a_funders_period_under_a_month_is_refused_in_chinese(world, cast, api_for):
    start = TODAY - dt.timedelta(days=7)
    with nothing_written(_stored):
        response = api_for(cast.funder).get(
            "/api/v1/reports/summary/", {"start": start.isoformat(), "end": TODAY.isoformat()}, **ZH
        )
    from reports.suppression import shortest_funder_end

    refused_in_chinese(
        response,
        "end",
        "Funders see figures for periods of at least a month: choose an end date on or after %(d)s.",
        d=shortest_funder_end(start).isoformat(),
    )


def test_manager_asks_for_a_report_and_it_is_queued(world, cast, api_for):
    body = {"start": MONTH_AGO.isoformat(), "end": TODAY.isoformat(), "contract": world["contract"], "format": "xlsx"}
    response = api_for(cast.manager).post("/api/v1/reports/", body, format="json")
    assert response.status_code == 202, response.content
    assert set(response.json()) >= {"id", "status", "progress"}
    report = Report.objects.get(pk=response.json()["id"])
    assert (report.start, report.end, report.contract_id, report.format, report.created_by_id) == (
        MONTH_AGO,
        TODAY,
        world["contract"],
        "xlsx",
        cast.manager.pk,
    )
    assert report.status == response.json()["status"] == "queued"


# --- found by the battery: the comparison's labels were frozen in the language of the import -------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_comparison_rows_are_in_the_reports_language(cast, language):
    from django.utils import translation

    from reports.sections import report_sections
    from reports.services import sections_context
    from tests.standard_checks import zh

    figures = report_sections(MONTH_AGO, TODAY)
    with translation.override(language):
        labels = [row["label"] for row in sections_context(figures)["comparison_rows"]]
    english = ["Cases served", "Cases opened", "Cases closed", "Referrals received", "Home visits",
               "Promise First requests fulfilled", "Volunteer hours", "Value given through Promise First (yuan)"]  # fmt: skip
    assert labels == (english if language == "en" else [zh(label) for label in english])
    assert all(isinstance(label, str) for label in labels)  # plain text: the workbook writes it as a cell
