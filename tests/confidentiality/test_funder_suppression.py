"""Funders never read a count under 3, nor a period shorter than a month; managers read exact figures
(issue 15). The narrative of the anonymised report names no child and no case."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from reports.figures import summary
from reports.models import Report
from reports.services import render_pdf, render_xlsx, report_context
from reports.suppression import shortest_funder_end
from tests.factories import ChildFactory, make_case
from tests.pages import text_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
START = TODAY - dt.timedelta(days=40)  # a month and more, covering the cast's one case (opened 30 days ago)


def _params(start: dt.date = START, end: dt.date = TODAY) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat()}


def test_funder_summary_api_suppresses_counts_under_three(cast, api_for):
    funder = api_for(cast.funder).get("/api/v1/reports/summary/", _params())
    assert funder.status_code == 200
    data = funder.json()
    assert data["cases"]["total"] is None and data["cases"]["by_sex"]["female"] is None
    assert {"cases.total", "cases.opened", "cases.by_sex.female"} <= set(data["suppressed"])
    assert data["cases"]["average_age"] is None and "cases.average_age" in data["suppressed"]
    # no count from 1 to 2 anywhere in the funder's JSON
    small = []

    def walk(node, path=""):
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, f"{path}{key}.")
            elif isinstance(value, int) and not isinstance(value, bool) and 0 < value < 3:
                small.append(f"{path}{key}")

    walk({k: v for k, v in data.items() if k not in ("period", "contract", "funding", "suppressed")})
    assert small == []


def test_manager_summary_api_shows_exact_figures(cast, api_for):
    data = api_for(cast.manager).get("/api/v1/reports/summary/", _params()).json()
    assert data["cases"]["total"] == 1 and data["cases"]["by_sex"]["female"] == 1
    assert data["suppressed"] == []


def test_funder_summary_csv_reads_less_than_three(cast, client_for):
    response = client_for(cast.funder).get("/reports/summary.csv", _params())
    assert response.status_code == 200
    rows = {row[3]: row[2] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) if len(row) == 4}
    assert rows["cases.total"] == "<3" and rows["cases.by_sex.female"] == "<3"
    manager = client_for(cast.manager).get("/reports/summary.csv", _params())
    manager_rows = {
        row[3]: row[2] for row in csv.reader(io.StringIO(manager.content.decode("utf-8-sig"))) if len(row) == 4
    }
    assert manager_rows["cases.total"] == "1"


def test_funder_xlsx_and_pdf_read_less_than_three(cast):
    from openpyxl import load_workbook

    figures = summary(START, TODAY, for_funder=True)
    context = report_context(figures)
    book = load_workbook(io.BytesIO(render_xlsx(figures, context)))
    by_code = {row[3].value: row[2].value for row in book.worksheets[0].iter_rows(min_row=2) if row[3].value}
    assert by_code["cases.total"] == "<3"
    sex_sheet = [sheet for sheet in book.worksheets[1:] if any(r[1].value == "<3" for r in sheet.iter_rows(min_row=2))]
    assert sex_sheet, "a table sheet shows <3"
    html = render_to_string("reports/pdf.html", context)
    assert context["summary"]["cases"]["total"] == "<3" and "&lt;3" in html


def test_funder_dashboard_reads_less_than_three_and_manager_reads_exact(cast, client_for):
    funder = client_for(cast.funder).get("/reports/dashboard/")
    assert funder.status_code == 200
    assert funder.context["summary"]["cases"]["total"] == "<3"
    assert 'data-testid="figure-cases">&lt;3' in funder.content.decode()
    manager = client_for(cast.manager).get("/reports/dashboard/")
    assert manager.context["summary"]["cases"]["total"] == 1


def test_funder_dashboard_period_is_at_least_a_month(cast, client_for):
    from tests.factories import ContractFactory

    ContractFactory(start=TODAY - dt.timedelta(days=3), end=TODAY + dt.timedelta(days=300))
    funder = client_for(cast.funder).get("/reports/dashboard/")
    start = funder.context["summary"]["period"]["start"]
    assert shortest_funder_end(dt.date.fromisoformat(start)) <= TODAY


@pytest.mark.parametrize("days", [0, 1, 27])
def test_funder_is_refused_a_period_shorter_than_a_month(cast, api_for, client_for, days):
    start = TODAY - dt.timedelta(days=30 + days)
    end = start + dt.timedelta(days=days)
    api = api_for(cast.funder).get("/api/v1/reports/summary/", _params(start, end))
    assert api.status_code == 400
    assert "至少" in str(api.json()["end"])  # the message is in Chinese and says "at least a month"
    page = client_for(cast.funder).get("/reports/summary.csv", _params(start, end))
    assert page.status_code == 400 and "至少" in page.content.decode()


def test_manager_may_ask_for_a_single_day(cast, api_for):
    day = cast.case.opened_on
    response = api_for(cast.manager).get("/api/v1/reports/summary/", _params(day, day))
    assert response.status_code == 200 and response.json()["cases"]["opened"] == 1


def test_a_funder_period_of_exactly_a_month_is_accepted(cast, api_for):
    start = dt.date(TODAY.year - 1, 1, 31)
    end = shortest_funder_end(start)
    assert end == dt.date(TODAY.year - 1, 2, 27 if (TODAY.year - 1) % 4 else 28)
    assert api_for(cast.funder).get("/api/v1/reports/summary/", _params(start, end)).status_code == 200
    assert (
        api_for(cast.funder).get("/api/v1/reports/summary/", _params(start, end - dt.timedelta(days=1))).status_code
        == 400
    )


# --- the narrative of the anonymised PDF -----------------------------------------------------------


@pytest.fixture
def named_case(cast):
    return make_case(lead_worker=cast.worker, child=ChildFactory(name="李欣怡"))


def _ask(api, narrative):
    body = {"kind": "funder", "start": START.isoformat(), "end": TODAY.isoformat(), "format": "pdf"}
    return api.post("/api/v1/reports/", {**body, "narrative": narrative}, format="json")


@pytest.mark.parametrize(
    "narrative, found",
    [
        ("本季度我们帮助了李欣怡一家。", "李欣怡"),
        ("本季度我们帮助了李 欣怡一家。", "李欣怡"),
        ("欣怡的奶奶身体好转。", "欣怡"),
        ("个案 {number} 已经结案。", "{number}"),
    ],
)
def test_narrative_naming_a_child_or_a_case_is_refused_and_says_what_was_found(
    cast, api_for, named_case, narrative, found
):
    narrative = narrative.format(number=named_case.number)
    found = found.format(number=named_case.number)
    response = _ask(api_for(cast.manager), narrative)
    assert response.status_code == 400
    assert found in str(response.json()["narrative"])
    assert not Report.objects.exists()


def test_a_clean_narrative_is_accepted(cast, api_for, named_case):
    assert _ask(api_for(cast.manager), "本季度家访次数增加，联盟成员更积极地转介。").status_code == 202
    assert Report.objects.count() == 1


def test_the_report_page_keeps_a_refused_narrative(cast, client_for, named_case):
    narrative = "李欣怡的情况有所好转。"
    response = client_for(cast.manager).post(
        "/reports/new/",
        {
            "start": START.isoformat(),
            "end": TODAY.isoformat(),
            "format": "pdf",
            "language": "zh-hans",
            "narrative": narrative,
        },
    )
    assert response.status_code == 200
    assert "narrative" in response.context["form"].errors
    assert narrative in response.content.decode()
    assert not Report.objects.exists()


def test_a_lone_hidden_cell_cannot_be_recomputed_from_the_total():
    from reports.suppression import suppress

    shown = suppress(
        {
            "cases": {
                "total": 9,
                "by_sex": {"female": 6, "male": 2, "unknown": 1},
                "by_category": {"a": 5, "b": 2, "c": 2},
            }
        }
    )
    # two cells under 3 are hidden anyway; one alone (male, 8 - 6) would be the total minus the others,
    # so the smallest other non-zero cell goes with it
    assert shown["cases"]["by_sex"] == {"female": 6, "male": None, "unknown": None}
    assert shown["cases"]["by_category"] == {"a": 5, "b": None, "c": None}
    single = suppress({"cases": {"total": 8, "by_sex": {"female": 6, "male": 2, "unknown": 0}}})
    assert single["cases"]["by_sex"] == {"female": None, "male": None, "unknown": 0}
    assert single["suppressed"] == ["cases.by_sex.female", "cases.by_sex.male"]


# --- entitlements in the funder report (issue 12, item 4) ------------------------------------------


def test_a_single_entitlement_is_suppressed_for_funders_in_every_output(cast, api_for, client_for):
    from openpyxl import load_workbook

    from cases.models import Entitlement

    Entitlement.objects.create(case=cast.case, kind="medical_aid", status="granted")
    manager = api_for(cast.manager).get("/api/v1/reports/summary/", _params()).json()
    assert manager["entitlements"]["claimed"]["medical_aid"] == 1
    assert manager["entitlements"]["granted"]["medical_aid"] == 1
    assert manager["entitlements"]["claimed"]["education_aid"] == 0
    funder = api_for(cast.funder).get("/api/v1/reports/summary/", _params()).json()
    assert funder["entitlements"]["claimed"]["medical_aid"] is None
    assert funder["entitlements"]["granted"]["medical_aid"] is None
    assert funder["entitlements"]["claimed"]["education_aid"] == 0
    assert {"entitlements.claimed.medical_aid", "entitlements.granted.medical_aid"} <= set(funder["suppressed"])
    # CSV and XLSX read "<3" with the figure's label in Chinese; the manager's CSV reads 1
    response = client_for(cast.funder).get("/reports/summary.csv", _params())
    rows = {row[3]: row for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) if len(row) == 4}
    assert rows["entitlements.claimed.medical_aid"][2] == "<3"
    assert rows["entitlements.claimed.medical_aid"][1] == "已申请的个案：医疗救助"
    manager_csv = client_for(cast.manager).get("/reports/summary.csv", _params()).content.decode("utf-8-sig")
    manager_rows = {row[3]: row[2] for row in csv.reader(io.StringIO(manager_csv)) if len(row) == 4}
    assert manager_rows["entitlements.granted.medical_aid"] == "1"
    figures = summary(START, TODAY, for_funder=True)
    context = report_context(figures)
    book = load_workbook(io.BytesIO(render_xlsx(figures, context)))
    by_code = {row[3].value: row[2].value for row in book.worksheets[0].iter_rows(min_row=2) if row[3].value}
    assert by_code["entitlements.granted.medical_aid"] == "<3"
    # the PDF's table: one row per kind, the single case reads "<3"
    medical = next(row for row in context["entitlement_rows"] if row["label"] == "医疗救助")
    assert medical == {"label": "医疗救助", "claimed": "<3", "granted": "<3"}
    html = render_to_string("reports/pdf.html", context)
    assert "家庭的政策和补贴" in html and '<td>医疗救助</td><td class="n">&lt;3</td><td class="n">&lt;3</td>' in html


# --- a hidden share or average reads "—", never "<3%" (issue 14) -----------------------------------


@pytest.fixture
def two_through_the_alliance(cast):
    """Four cases (the cast's and three more), two of them referred by an Alliance member: the count of
    two is hidden for a funder, and so is its share (50%) that would give it back."""
    from tests.factories import ReferralFactory

    for channel in ("alliance", "alliance", "phone"):
        make_case(lead_worker=cast.worker, referral=ReferralFactory(channel=channel, location=cast.village))
    exact = summary(START, TODAY)
    assert exact["cases"]["total"] == 4 and exact["cases"]["through_alliance"] == 2
    assert exact["cases"]["through_alliance_pct"] == 50.0


def _csv(client, user) -> dict[str, str]:
    content = client(user).get("/reports/summary.csv", _params()).content.decode("utf-8-sig")
    return {row[3]: row[2] for row in csv.reader(io.StringIO(content)) if len(row) == 4}


def test_a_hidden_share_reads_a_dash_in_every_output(cast, client_for, two_through_the_alliance, tmp_path):
    from openpyxl import load_workbook

    from tests.reports.test_report_sections import _text

    funder_rows = _csv(client_for, cast.funder)
    assert funder_rows["cases.total"] == "4"
    assert funder_rows["cases.through_alliance"] == "<3" and funder_rows["cases.through_alliance_pct"] == "—"
    assert "<3%" not in "".join(funder_rows.values())
    assert _csv(client_for, cast.manager)["cases.through_alliance_pct"] == "50.0"
    figures = summary(START, TODAY, for_funder=True)
    context = report_context(figures)
    book = load_workbook(io.BytesIO(render_xlsx(figures, context)))
    by_code = {row[3].value: row[2].value for row in book.worksheets[0].iter_rows(min_row=2) if row[3].value}
    assert by_code["cases.through_alliance"] == "<3" and by_code["cases.through_alliance_pct"] == "—"
    # the PDF's sentence: a hidden count reads "<3", its hidden share "—" (no "%")
    text = _text(render_pdf(context), tmp_path)
    assert "<3个个案（—）经联盟成员转介" in text
    assert "<3%" not in text and "—%" not in text
    manager = _text(render_pdf(report_context(summary(START, TODAY))), tmp_path)
    assert "2个个案（50.0%）经联盟成员转介" in manager
    # the dashboard's headline
    page = client_for(cast.funder).get("/reports/dashboard/").content.decode()
    assert text_of(page, "figure-alliance") == "—"
    assert text_of(client_for(cast.manager).get("/reports/dashboard/").content, "figure-alliance") == "50.0%"


def test_a_hidden_average_reads_a_dash_not_less_than_three(cast, client_for, tmp_path):
    """The cast's one case: the count is hidden ("<3") and the average age of it with it ("—")."""
    from tests.reports.test_report_sections import _text

    assert summary(START, TODAY)["cases"]["average_age"] is not None
    rows = _csv(client_for, cast.funder)
    assert rows["cases.total"] == "<3" and rows["cases.average_age"] == "—"
    figures = summary(START, TODAY, for_funder=True)
    context = report_context(figures)
    assert context["summary"]["cases"]["average_age"] == "—"
    html = render_to_string("reports/pdf.html", context)
    assert '<div class="n">—</div><div class="l">立案时平均年龄</div>' in html
    text = _text(render_pdf(context), tmp_path)
    assert "<3" in text and "<3%" not in text


def test_for_display_tells_counts_from_shares_and_averages():
    from reports.suppression import for_display, suppress

    shown = for_display(
        suppress(
            {
                "cases": {"total": 2, "average_age": 9.5, "through_alliance": 1, "through_alliance_pct": 50.0},
                "staffing": {"workers": 5, "average_caseload": 3.2},
            }
        )
    )
    assert shown["cases"] == {"total": "<3", "average_age": "—", "through_alliance": "<3", "through_alliance_pct": "—"}
    assert shown["staffing"] == {"workers": 5, "average_caseload": 3.2}
