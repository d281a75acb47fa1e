from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from core.models import AuditEntry
from reports.models import Report
from reports.services import render_pdf, render_xlsx, report_context
from tests.conftest import wait_for
from tests.pages import text_of

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _summary(api, known, **extra):
    params = {"start": known.start.isoformat(), "end": known.end.isoformat(), "contract": known.contract, **extra}
    return api.get("/api/v1/reports/summary/", params)


def test_every_key_of_the_summary(cast, api_for, known):
    response = _summary(api_for(cast.manager), known)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"period", "programmes", "workforce", "suppressed", *known.expected}
    assert data["suppressed"] == []  # a manager reads every figure exact
    assert data["period"] == {"start": known.start.isoformat(), "end": known.end.isoformat()}
    for section, values in known.expected.items():
        assert data[section] == values, section
    # this dataset runs no group services (tests/programmes compares those figures with their own dataset)
    contract_keys = ("programmes", "sessions", "children_reached", "attendances", "parent_child_calls")
    assert {key: data["programmes"][key] for key in contract_keys} == dict.fromkeys(contract_keys, 0)
    # nor trainings nor case reviews (tests/workforce counts those)
    assert (data["workforce"]["trainings"], data["workforce"]["case_reviews"]) == (0, 0)


def test_summary_is_for_managers_and_funders_only(cast, api_for, known):
    assert _summary(api_for(cast.funder), known).status_code == 200
    assert _summary(api_for(cast.admin), known).status_code == 200
    for user in (cast.worker, cast.referrer, cast.pledger, cast.volunteer):
        assert _summary(api_for(user), known).status_code == 403
    assert _summary(api_for(None), known).status_code == 401


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-12-31", "end": "2026-01-01"},
        {"start": "not-a-date", "end": "2026-01-01"},
        {"start": "2026-01-01"},
        {"start": "2026-01-01", "end": "2026-02-01", "contract": 99999},
    ],
)
def test_summary_bad_input(cast, api_for, params):
    assert api_for(cast.manager).get("/api/v1/reports/summary/", params).status_code == 400


def test_a_report_may_cover_a_pilot_of_several_years(cast, api_for, known):
    # the contract: "A report may cover any period, however long" (the pilot ran 2014-2017)
    response = api_for(cast.manager).get(
        "/api/v1/reports/summary/", {"start": "2014-01-01", "end": known.end.isoformat(), "contract": known.contract}
    )
    assert response.status_code == 200, response.content
    assert response.json()["period"] == {"start": "2014-01-01", "end": known.end.isoformat()}
    assert response.json()["cases"]["total"] == known.expected["cases"]["total"] + 1  # the case closed last year too


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _summary_for(known):
    from core.models import Contract
    from reports.figures import summary

    return summary(known.start, known.end, Contract.objects.get(pk=known.contract))


def test_pdf_carries_the_same_figures_in_chinese_with_an_embedded_cjk_font(cast, known, tmp_path):
    summary = _summary_for(known)
    pdf = render_pdf(report_context(summary))
    text = _pdf_text(pdf, tmp_path)
    for expected in (
        "测试项目",
        "测试妇联",
        "¥350.35",
        "¥300.30",
        "¥50.05",
        "¥1,000.00",
        "40.0%",
        "社区儿童保护项目",
    ):
        assert expected in text, expected
    assert "个案" in text and "承诺在先" in text
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "CJK" in fonts and " yes " in fonts
    # a person can look at the first page
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "2",
            str(ARTIFACTS / "report.pdf"),
            str(ARTIFACTS / "report-page"),
        ],
        check=True,
    )
    assert (ARTIFACTS / "report-page-1.png").stat().st_size > 1000


def test_nothing_identifying_appears_in_pdf_xlsx_or_summary(cast, api_for, known, tmp_path):
    from openpyxl import load_workbook

    summary = _summary_for(known)
    context = report_context(summary)
    pdf_text = _pdf_text(render_pdf(context), tmp_path)
    book = load_workbook(io.BytesIO(render_xlsx(summary, context)))
    xlsx_text = " ".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row if cell.value)
    json_text = _summary(api_for(cast.manager), known).content.decode()
    from cases.models import Case

    numbers = list(Case.objects.values_list("number", flat=True))
    for secret in [*known.names, *known.villages, *numbers]:
        for where, text in (("pdf", pdf_text), ("xlsx", xlsx_text), ("json", json_text)):
            assert secret not in text, (secret, where)


def test_small_counts_are_suppressed_in_tables(cast, known):
    from core.models import Contract
    from reports.figures import summary

    # the PDF and XLSX are made from the funder's figures (reports.services.report_generate)
    context = report_context(summary(known.start, known.end, Contract.objects.get(pk=known.contract), for_funder=True))
    shown = {row["label"]: row["shown"] for row in context["tables"]["by_sex"]}
    assert set(shown.values()) <= {"<3", "3"}
    assert "<3" in shown.values()


@pytest.mark.worker
def test_report_is_generated_by_a_real_worker_with_progress(cast, celery_worker, api_for, client_for, known):
    api = api_for(cast.manager)
    response = api.post(
        "/api/v1/reports/",
        {
            "kind": "funder",
            "start": known.start.isoformat(),
            "end": known.end.isoformat(),
            "contract": known.contract,
            "format": "pdf",
        },
        format="json",
    )
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"id", "status", "progress"} and body["status"] == "queued"
    report_id = body["id"]
    wait_for(lambda: api.get(f"/api/v1/reports/{report_id}/").json()["status"] == "done", timeout=120)
    assert api.get(f"/api/v1/reports/{report_id}/").json()["progress"] == 100
    download = api.get(f"/api/v1/reports/{report_id}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="export", object_type="report", object_id=str(report_id)).exists()
    # funders may download; others may not even see it
    assert api_for(cast.funder).get(f"/api/v1/reports/{report_id}/download/").status_code == 200
    for user in (cast.worker, cast.referrer, cast.pledger):
        assert api_for(user).get(f"/api/v1/reports/{report_id}/download/").status_code == 403
        assert client_for(user).get(f"/reports/{report_id}/download/").status_code == 403
    assert (
        api_for(cast.funder)
        .post("/api/v1/reports/", {"start": "2026-01-01", "end": "2026-02-01"}, format="json")
        .status_code
        == 403
    )


def test_report_pages(cast, client_for, known):
    manager = client_for(cast.manager)
    response = manager.post(
        "/reports/new/",
        {
            "contract": known.contract,
            "start": known.start.isoformat(),
            "end": known.end.isoformat(),
            "format": "xlsx",
            "language": "en",
            "narrative": "今年社区参与度提高。",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.format, report.language, report.status) == ("xlsx", "en", "queued")
    page = manager.get(f"/reports/{report.pk}/")
    assert 'role="progressbar"' in page.content.decode()
    bad = manager.post(
        "/reports/new/", {"start": "2026-05-01", "end": "2026-01-01", "format": "pdf", "language": "zh-hans"}
    )
    assert bad.status_code == 200 and Report.objects.count() == 1
    assert client_for(cast.funder).get("/reports/new/").status_code == 403
    assert client_for(cast.funder).get("/reports/").status_code == 200
    for user in (cast.worker, cast.referrer, cast.pledger, cast.volunteer):
        assert client_for(user).get("/reports/").status_code == 403
        assert client_for(user).get("/reports/dashboard/").status_code == 403
        assert client_for(user).get(f"/reports/{report.pk}/").status_code == 403


def test_manager_dashboard_shows_live_headline_figures(cast, client_for, known):
    response = client_for(cast.manager).get("/", follow=True)
    assert response.request["PATH_INFO"] == "/reports/dashboard/"
    # the running contract is the known one: its period ends today
    page = response.content
    figures = {name: text_of(page, f"figure-{name}") for name in ("cases", "alliance", "value", "visits")}
    assert figures == {"cases": "5 / 10", "alliance": "40.0%", "value": "¥350.35", "visits": "3"}
