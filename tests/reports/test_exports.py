from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from core.models import AuditEntry
from tests.factories import ChildFactory, make_case

pytestmark = pytest.mark.django_db


def test_case_list_export_escapes_formulas_and_is_audited(cast, client_for):
    make_case(lead_worker=cast.colleague, child=ChildFactory(name="=cmd|' /C calc'!A0"))
    response = client_for(cast.manager).get("/cases/export/?format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    names = [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert "'=cmd|' /C calc'!A0" in names and cast.case.child.name in names
    assert AuditEntry.objects.filter(action="export", object_type="case-list").exists()
    text = client_for(cast.manager).get("/cases/export/").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "个案编号" and any(r[1] == "'=cmd|' /C calc'!A0" for r in rows[1:])


def test_case_list_export_is_for_managers_only(cast, client_for):
    for user in (cast.worker, cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        assert client_for(user).get("/cases/export/").status_code == 403
    assert client_for(None).get("/cases/export/").status_code == 302


def test_summary_csv_for_managers_and_funders(cast, client_for, known):
    url = f"/reports/summary.csv?start={known.start}&end={known.end}&contract={known.contract}"
    for user in (cast.manager, cast.funder):
        response = client_for(user).get(url)
        assert response.status_code == 200
        table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert table[0] == ["部分", "指标", "数值", "代码"]
        rows = {r[3]: r for r in table[1:]}
        assert rows["cases.total"] == ["个案", "期内在案个案", "5", "cases.total"]
        assert rows["promise_first.value.total"][1:3] == ["总价值（元）", "350.35"]
        assert rows["cases.by_sex.female"][1] == "按性别：女"
        for name in known.names:
            assert name not in response.content.decode("utf-8-sig")
    assert client_for(cast.worker).get(url).status_code == 403
    assert client_for(cast.manager).get("/reports/summary.csv?start=2026-05-01&end=2026-01-01").status_code == 400


def test_funder_workbook_has_named_sheets_widths_frozen_headers_and_real_dates(cast, known):
    import datetime as dt

    from django.utils import translation

    from core.models import Contract
    from reports import figures, services

    with translation.override("zh-hans"):
        summary = figures.summary(known.start, known.end, Contract.objects.get(pk=known.contract))
        book = load_workbook(io.BytesIO(services.render_xlsx(summary, services.report_context(summary))))
    assert book.sheetnames[0] == "概览" and "按年龄段" in book.sheetnames and "按性别" in book.sheetnames
    sheet = book["概览"]
    assert [c.value for c in sheet[1]] == ["部分", "指标", "数值", "代码"]
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["B"].width == 40
    assert sheet.cell(row=2, column=3).value == dt.datetime.combine(known.start, dt.time())  # a date, not text
    values = {row[3]: row[2] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert values["cases.total"] == 5 and values["promise_first.value.total"] == 350.35
    assert book["按性别"].freeze_panes == "A2"


def test_age_bands_read_youngest_to_oldest(cast, known):
    from core.models import Contract
    from reports import figures, services

    summary = figures.summary(known.start, known.end, Contract.objects.get(pk=known.contract))
    summary["cases"]["by_age_band"] = {"12-14": 9, "0-5": 1, "unknown": 4, "6-11": 5, "15-17": 2}
    rows = services.report_context(summary)["tables"]["by_age_band"]
    assert [row["n"] for row in rows] == [1, 5, 9, 2, 4]


def test_charts_carry_a_title_and_their_values_as_text(cast):
    from reports.charts import bar_chart

    svg = bar_chart([("学校", 3), ("妇女主任", 12)], title="按转介来源的个案")
    assert 'aria-label="按转介来源的个案"' in svg and "<title>按转介来源的个案</title>" in svg
    assert "<desc>学校: 3; 妇女主任: 12</desc>" in svg


def test_workbook_dates_are_date_cells_and_the_case_list_heads_the_child_column_xingming(cast, client_for, known):
    from django.utils import translation

    from core.models import Contract
    from reports import figures, services

    with translation.override("zh-hans"):
        summary = figures.summary(known.start, known.end, Contract.objects.get(pk=known.contract))
        book = load_workbook(io.BytesIO(services.render_xlsx(summary, services.report_context(summary))))
    start, end = book["概览"].cell(row=2, column=3), book["概览"].cell(row=3, column=3)
    assert start.is_date and end.is_date and start.number_format == end.number_format == "yyyy-mm-dd"
    # the case list: 姓名 for the child, not 名称
    sheet = load_workbook(io.BytesIO(client_for(cast.manager).get("/cases/export/?format=xlsx").content)).active
    assert [c.value for c in sheet[1]][:2] == ["个案编号", "姓名"]


def test_every_chart_draws_in_the_one_palette_and_no_section_breaks_across_pages(cast, known):
    import re

    from django.utils import translation

    from core.models import Contract
    from reports import figures, services
    from reports.charts import BAR, BAR_EDGE

    with translation.override("zh-hans"):
        summary = figures.summary(known.start, known.end, Contract.objects.get(pk=known.contract))
        context = services.report_context(summary)
        from django.template.loader import render_to_string

        html = render_to_string("reports/pdf.html", context)
    bars = re.findall(r'<rect [^>]*fill="([^"]+)"[^>]*stroke="([^"]+)"', html)
    assert len(bars) >= 3 and set(bars) == {(BAR, BAR_EDGE)}, set(bars)
    assert re.search(r"\.keep[^{]*\{[^}]*(?<!-)break-inside:\s*avoid", html)
