"""The funder PDF's further sections (issue 14, item 5): cover, month by month, outcomes, staffing,
against the previous period, by town — figures counted here from the dataset's own dates, compared with
the PDF's extracted text; for a funder through the small-count suppression, and never a child's name."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.models import Case
from core.models import Contract
from reports import figures, sections
from reports.models import Report
from reports.services import render_pdf, report_context
from tests.factories import ChildFactory, make_case

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "sections.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"[ \t]+", " ", text)


def _row(*cells: object) -> str:
    return " ".join(str(cell) for cell in cells)


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _months_spanned(start: dt.date, end: dt.date) -> int:
    """The calendar months a period touches: the year ending today spans 13 of them on most days, 12 when
    a year back lands on the next month (29 February, 31 March, ...)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


@pytest.fixture
def world(cast, known):
    """The ``known`` dataset plus one case that opened at high risk, came down to low and was referred on."""
    from cases.services import case_close, case_update

    today = timezone.localdate()
    contract = Contract.objects.get(pk=known.contract)
    extra = make_case(
        lead_worker=cast.worker,
        child=ChildFactory(name="独孤小雪", location=cast.village),
        opened_on=today - dt.timedelta(days=100),
        risk_level="high",
        status="active",
        contract=contract,
    )
    extra = case_update(actor=cast.manager, case=extra, version=extra.version, risk_level="low", reason="情况好转")
    case_close(
        actor=cast.manager,
        case=extra,
        closed_on=today - dt.timedelta(days=10),
        closure_reason="转介至县医院",
        closure_code="referred_on",
    )
    known.names.append("独孤小雪")
    return contract


def _report(cast, known, contract, language="zh-hans"):
    return Report.objects.create(
        start=known.start, end=known.end, contract=contract, created_by=cast.manager, language=language
    )


def test_the_sections_count_what_happened(cast, known, world):
    today = timezone.localdate()
    got = sections.report_sections(known.start, known.end, world)
    opened = Counter(
        _month(d) for d in (today, today, today, today - dt.timedelta(days=60), today - dt.timedelta(days=100))
    )
    closed = Counter(_month(d) for d in (today - dt.timedelta(days=30), today - dt.timedelta(days=10)))
    months = got["monthly"]["opened"].keys()
    assert (
        len(months) == _months_spanned(known.start, known.end)
        and _month(known.start) in months
        and _month(today) in months
    )
    assert {k: v for k, v in got["monthly"]["opened"].items() if v} == dict(opened)
    assert {k: v for k, v in got["monthly"]["closed"].items() if v} == dict(closed)
    assert {k: v for k, v in got["monthly"]["referrals"].items() if v} == {_month(today): 3}
    assert {k: v for k, v in got["monthly"]["home_visits"].items() if v} == {_month(today): 3}
    assert got["outcomes"] == {
        "closed": 2,
        "goals_met": 1,
        "goals_met_pct": 50.0,
        "risk_reduced": 1,
        "risk_reduced_pct": 50.0,
        "by_reason": {"goals_met": 1, "referred_on": 1, "moved_away": 0, "aged_out": 0, "declined": 0, "other": 0},
        "risk": {"reduced": 1, "unchanged": 1, "raised": 0},
        "referrals": {"accepted": 3, "referred_on": 0, "declined": 0, "pending": 0},
    }
    # the worker leads the three accepted referrals (open) and the extra case (closed); the manager the
    # outreach case (open) and the one closed in the period
    assert got["staffing"] == {
        "workers": 2,
        "cases_led_at_end": 4,
        "average_caseload": 2.0,
        "caseload": {"1": 3, "2": 1},
        "volunteers_active": 1,
        "volunteer_hours": 2.3,
    }
    assert got["current"] == {
        "cases_total": 6,
        "cases_opened": 5,
        "cases_closed": 2,
        "referrals_received": 3,
        "home_visits": 3,
        "fulfilled_requests": 3,
        "volunteer_hours": 2.3,
        "value_total": "350.35",
    }
    # the year before: the old case (opened on its first day, closed 200 days before this period) and
    # the outreach case opened 30 days before this period
    assert got["previous_period"] == {
        "start": (known.start - dt.timedelta(days=365)).isoformat(),
        "end": (known.start - dt.timedelta(days=1)).isoformat(),
    }
    assert got["previous"] == {
        "cases_total": 2,
        "cases_opened": 2,
        "cases_closed": 1,
        "referrals_received": 0,
        "home_visits": 0,
        "fulfilled_requests": 0,
        "volunteer_hours": 0.0,
        "value_total": "0.00",
    }
    town = str(cast.village.parent_id)
    assert got["by_town"] == {"cases": {town: 6}, "referrals": {town: 3}, "home_visits": {town: 3}}
    assert got["suppressed"] == []


def test_a_pilot_of_several_years_is_shown_year_by_year(cast, known, world):
    start = known.end.replace(year=known.end.year - 3, month=1, day=1)
    got = sections.report_sections(start, known.end, world)
    assert got["period"]["unit"] == "year"
    assert list(got["monthly"]["opened"]) == [str(y) for y in range(start.year, known.end.year + 1)]
    # every case of the dataset opened in these years; the total is the same whichever way it is cut
    assert (
        sum(got["monthly"]["opened"].values())
        == Case.objects.filter(contract=world, opened_on__gte=start, opened_on__lte=known.end).count()
    )


def test_the_manager_pdf_shows_every_section_with_its_figures(cast, known, world, tmp_path):
    today = timezone.localdate()
    report = _report(cast, known, world)
    report.narrative = "今年社区参与度提高。"
    extra = sections.report_sections(known.start, known.end, world)
    summary = figures.summary(known.start, known.end, world)
    pdf = render_pdf(report_context(summary, report, extra))
    text = _text(pdf, tmp_path)
    cover = text.split("\f")[0]
    for expected in ("测试项目", "测试妇联", cast.manager.organisation.name, "今年社区参与度提高。", "¥1,000.00"):
        assert expected in cover, expected
    assert f"{known.start.isoformat()} – {known.end.isoformat()}" in cover
    assert today.isoformat() in cover  # generated today
    label = date_format(today, "YEAR_MONTH_FORMAT")
    month_row = re.search(rf"{re.escape(label)} (\d+) (\d+) (\d+) (\d+)", text)
    assert month_row is not None, label
    closed_now = sum(1 for d in (10, 30) if _month(today - dt.timedelta(days=d)) == _month(today))
    assert month_row.groups() == ("3", str(closed_now), "3", "3")
    for row in (
        _row(_("The care plan's goals were met"), 1),
        _row(_("Referred on to another service"), 1),
        _row(_("Risk reduced"), 1),
        _row(_("Risk unchanged"), 1),
        _row(_("Accepted: a case was opened"), 3),
        _row(_("Social workers leading cases"), 2),
        _row(_("Average caseload per social worker"), "2.0"),
        _row(_("Social worker %(n)s") % {"n": 1}, 3),
        "50.0%",
        _row(_("Social worker %(n)s") % {"n": 2}, 1),
        _row(_("Volunteers who logged time"), 1),
        _row(_("Cases served"), 6, 2, "+4"),
        _row(_("Cases closed"), 2, 1, "+1"),
        _row(_("Referrals received"), 3, 0, "+3"),
        _row(_("Value given through Promise First (yuan)"), "¥350.35", "¥0.00", "+350.35"),
        _row(cast.village.parent.name, 6, 3, 3),
    ):
        assert row in text, row
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report-sections.pdf").write_bytes(pdf)


def test_the_funder_pdf_suppresses_small_counts_and_names_no_child(cast, known, world, tmp_path):
    from reports.permissions import figure_scope_for

    scope = figure_scope_for(cast.manager)
    extra = sections.report_sections(known.start, known.end, world, for_funder=True, scope=scope)
    # 2 workers, 1 volunteer, 2 closures: hidden; the average would give the workers back; a caseload of 1
    # is hidden and so is the other worker's (the end-of-period total would give it back)
    assert extra["staffing"]["workers"] is None and extra["staffing"]["volunteers_active"] is None
    assert extra["staffing"]["average_caseload"] is None
    assert extra["staffing"]["caseload"] == {"1": None, "2": None}
    assert extra["outcomes"]["closed"] is None and extra["outcomes"]["goals_met_pct"] is None
    assert extra["outcomes"]["referrals"]["accepted"] == 3
    assert extra["current"]["cases_total"] == 6 and extra["previous"]["cases_total"] is None
    assert extra["by_town"]["cases"] == {str(cast.village.parent_id): 6}
    assert {"staffing.workers", "staffing.average_caseload", "previous.cases_total"} <= set(extra["suppressed"])
    summary = figures.summary(known.start, known.end, world, for_funder=True, scope=scope)
    text = _text(render_pdf(report_context(summary, _report(cast, known, world), extra)), tmp_path)
    for row in (
        _row(_("Social workers leading cases"), "<3"),
        _row(_("Average caseload per social worker"), "—"),
        _row(_("Cases served"), 6, "<3", "—"),  # a change from a hidden count is not shown
        _row(_("Referrals received"), 3, 0, "+3"),
        _row(cast.village.parent.name, 6, 3, 3),
    ):
        assert row in text, row
    # a hidden share reads "—", never "<3%"; one row per worker would give the hidden count of workers back
    outcomes = text.split(_("Outcomes"))[-1].split(_("Why the cases closed"))[0]
    assert "（—）" in outcomes and "<3%" not in outcomes and "—%" not in outcomes
    assert (_("Social worker %(n)s") % {"n": 1}) not in text
    numbers = list(Case.objects.values_list("number", flat=True))
    for secret in [*known.names, *known.villages, cast.village.name, *numbers]:
        assert secret not in text, secret


def test_the_report_task_renders_the_sections(cast, known, world, tmp_path):
    from reports.services import report_generate

    report = _report(cast, known, world)
    report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == "done", report.error
    text = _text(report.file.read(), tmp_path)
    for heading in (_("Month by month"), _("Outcomes"), _("Staffing"), _("Against the previous period"), _("By town")):
        assert heading in text, heading
    assert cast.village.parent.name in text and "独孤小雪" not in text


def _sheets(xlsx: bytes) -> dict[str, list[list[object]]]:
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(xlsx))
    return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in book.worksheets}


def test_the_xlsx_has_the_pdfs_sections_exact_for_a_manager_suppressed_for_a_funder(cast, known, world):
    from reports.permissions import figure_scope_for
    from reports.services import render_xlsx

    today = timezone.localdate()
    label = date_format(today, "YEAR_MONTH_FORMAT")
    closed_now = sum(1 for d in (10, 30) if _month(today - dt.timedelta(days=d)) == _month(today))
    town = cast.village.parent.name

    summary = figures.summary(known.start, known.end, world)
    context = report_context(
        summary, _report(cast, known, world), sections.report_sections(known.start, known.end, world)
    )
    book = _sheets(render_xlsx(summary, context))
    monthly = book[_("Month by month")]
    assert monthly[0] == [_("Month"), _("Cases opened"), _("Cases closed"), _("Referrals received"), _("Home visits")]
    assert len(monthly) == 1 + _months_spanned(known.start, known.end) and [label, 3, closed_now, 3, 3] in monthly
    outcomes = {row[1]: row[2] for row in book[_("Outcomes")][1:]}
    assert outcomes[_("Cases closed")] == 2 and outcomes[_("Care plan goals met")] == 1
    assert outcomes[_("Care plan goals met (%)")] == 50.0 and outcomes[_("Risk reduced")] == 1
    assert outcomes[_("Accepted: a case was opened")] == 3
    staffing = dict(book[_("Staffing")][1:])
    assert staffing[_("Social workers leading cases")] == 2 and staffing[_("Average caseload per social worker")] == 2.0
    assert staffing[_("Social worker %(n)s") % {"n": 1}] == 3
    assert book[_("By town")][1:] == [[town, 6, 3, 3]]

    scope = figure_scope_for(cast.manager)
    summary = figures.summary(known.start, known.end, world, for_funder=True, scope=scope)
    extra = sections.report_sections(known.start, known.end, world, for_funder=True, scope=scope)
    book = _sheets(render_xlsx(summary, report_context(summary, _report(cast, known, world), extra)))
    outcomes = {row[1]: row[2] for row in book[_("Outcomes")][1:]}
    assert outcomes[_("Cases closed")] == "<3" and outcomes[_("Care plan goals met (%)")] == "—"
    assert outcomes[_("Accepted: a case was opened")] == 3
    staffing = dict(book[_("Staffing")][1:])
    assert staffing[_("Social workers leading cases")] == "<3"
    assert staffing[_("Average caseload per social worker")] == "—"
    assert (_("Social worker %(n)s") % {"n": 1}) not in staffing  # one row per worker would count them
    assert book[_("By town")][1:] == [[town, 6, 3, 3]]
    sheets = (_("Month by month"), _("Outcomes"), _("Staffing"), _("By town"))
    section_cells = [cell for name in sheets for row in book[name] for cell in row]
    assert [c for c in section_cells if isinstance(c, int) and not isinstance(c, bool) and 0 < c < 3] == []
    cells = [cell for sheet in book.values() for row in sheet for cell in row]
    assert "<3%" not in {str(c) for c in cells}
    for secret in [*known.names, *known.villages, cast.village.name]:
        assert secret not in {str(c) for c in cells}, secret
