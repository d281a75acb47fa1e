"""Manager Liu's day on a 360-px phone, in Chinese (journeys.md): approvals that show the assessment, a
return that asks a reason, reassigning a case, the caseload filtered by worker, the dashboard's period,
and the funder report for a four-year pilot — narrative, generate with the progress bar, download the
PDF (its cover checked in its text, no child's name in it)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from django.utils import timezone

from cases.models import Assessment, Case
from cases.services import assessment_save
from reports.models import Report
from tests.conftest import browser_login
from tests.factories import ChildFactory, ContractFactory, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RATINGS = {"safety": 3, "health": 1, "education": 1, "economic": 2, "psychological": 1, "family": 3}


def _submitted(case: Case, worker, **notes: str) -> Assessment:
    return assessment_save(
        actor=worker, case=case, assessed_on=timezone.localdate(), risk_level="high", submit=True, **RATINGS, **notes
    )


def test_manager_approves_reassigns_filters_and_makes_the_funder_pdf_on_a_phone(
    cast, phone_page, celery_worker, shot, tmp_path
):
    today = timezone.localdate()
    pilot_start = today.replace(year=today.year - 4, month=1, day=1)  # a pilot longer than three years
    contract = ContractFactory(name="幸福镇儿童保护服务项目", funder="幸福镇妇联", start=pilot_start, end=today)
    Case.objects.filter(pk=cast.case.pk).update(contract=contract)
    to_approve = make_case(
        lead_worker=cast.worker, status="assessment", contract=contract, child=ChildFactory(name="张小花")
    )
    to_return = make_case(
        lead_worker=cast.worker, status="assessment", contract=contract, child=ChildFactory(name="陈小明")
    )
    approve = _submitted(to_approve, cast.worker, safety_notes="夜里常一个人在家", family_notes="父母在外务工")
    back = _submitted(to_return, cast.worker, safety_notes="情况不清")
    page = phone_page
    browser_login(page, "liu")

    # approvals show the assessment itself: each domain's rating and notes
    page.goto(page.base_url + "/cases/approvals/")
    item = page.locator(f"[data-testid=approval-assessment-{approve.pk}]")
    item.locator("summary").click()
    domains = item.locator("[data-testid=assessment-domains]").inner_text()
    assert "夜里常一个人在家" in domains and "父母在外务工" in domains and "高度担忧" in domains
    shot(page, "01-approvals-show-the-assessment")

    # a return asks a reason: without one it is refused on the spot, and nothing changes
    returning = page.locator(f"[data-testid=approval-assessment-{back.pk}]")
    returning.locator("button[value=return]").click()
    page.wait_for_selector("[data-testid=decision-error]")
    assert "原因" in page.inner_text("[data-testid=decision-error]")
    back.refresh_from_db()
    assert back.status == "submitted"
    shot(page, "02-return-needs-a-reason")
    returning = page.locator(f"[data-testid=approval-assessment-{back.pk}]")
    returning.locator("textarea[name=comment]").fill("请补充家访情况和监护人的说法")
    returning.locator("button[value=return]").click()
    page.wait_for_load_state("networkidle")
    back.refresh_from_db()
    assert (back.status, back.review_comment) == ("returned", "请补充家访情况和监护人的说法")
    page.locator(f"[data-testid=approval-assessment-{approve.pk}] button[value=approve]").click()
    page.wait_for_load_state("networkidle")
    to_approve.refresh_from_db()
    assert (to_approve.status, to_approve.risk_level) == ("active", "high")

    # Xiao Chen leaves: her case goes to Xiao Li
    page.goto(page.base_url + f"/cases/{cast.case.pk}/")
    form = page.locator("[data-testid=assign-form]")
    form.locator("select[name=lead_worker]").select_option(str(cast.colleague.pk))
    form.locator("button").click()
    page.wait_for_load_state("networkidle")
    cast.case.refresh_from_db()
    assert cast.case.lead_worker == cast.colleague

    # the caseload, filtered to one worker and a risk level
    page.goto(page.base_url + "/cases/")
    page.click("[data-testid=caseload-filters] summary")
    page.select_option("[data-testid=worker-filter]", str(cast.worker.pk))
    page.select_option("[data-testid=caseload-filters] select[name=risk]", "high")
    page.click("[data-testid=caseload-filters] button:has-text('应用')")
    page.wait_for_url(f"**worker={cast.worker.pk}**")
    numbers = page.eval_on_selector_all("[data-testid=caseload] [data-case]", "rows => rows.map(r => r.dataset.case)")
    assert numbers == [to_approve.number], numbers
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "03-caseload-filtered-by-worker-and-risk")

    # the dashboard says its period, and shows another when she chooses it
    page.goto(page.base_url + "/reports/dashboard/")
    assert "数据期间" in page.inner_text("[data-testid=period-shown]")
    page.fill("[data-testid=dashboard-period] input[name=start]", pilot_start.isoformat())
    page.fill("[data-testid=dashboard-period] input[name=end]", today.isoformat())
    page.click("[data-testid=show-period]")
    page.wait_for_url("**start=**")
    assert pilot_start.strftime("%Y") in page.inner_text("[data-testid=period-shown]")
    assert page.inner_text("[data-testid=figure-cases]").startswith("3")
    shot(page, "04-dashboard-period-chosen")

    # the funder report: four years, a narrative (a child's name in it is refused, her text kept)
    page.goto(page.base_url + "/reports/new/")
    page.select_option("select[name=contract]", str(contract.pk))
    page.fill("input[name=start]", pilot_start.isoformat())
    page.fill("input[name=end]", today.isoformat())
    named = "张小花一家得到了帮助。"
    page.fill("textarea[name=narrative]", named)
    page.click("[data-testid=generate]")
    page.wait_for_selector(".invalid-feedback, .text-danger")
    assert page.input_value("textarea[name=narrative]") == named
    assert Report.objects.count() == 0
    narrative = "四年来，联盟成员从十二人增加到四十人。\n\n转介更及时，家访更频繁。\n\n感谢妇联的信任与支持。"
    page.fill("textarea[name=narrative]", narrative)
    page.click("[data-testid=generate]")
    page.wait_for_selector("[role=progressbar]")
    shot(page, "05-report-progress")
    page.wait_for_selector("[data-testid=download]", timeout=60000)
    shot(page, "06-report-ready")
    with page.expect_download() as download:
        page.click("[data-testid=download]")
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    cover = re.sub(r"\s+", " ", text.split("\f")[0])
    for expected in ("幸福镇儿童保护服务项目", "幸福镇妇联", pilot_start.isoformat(), today.isoformat()):
        assert expected in cover, expected
    for paragraph in narrative.split("\n\n"):
        assert paragraph in cover, paragraph
    assert "期间服务的个案" in cover and "收到的转介" in cover  # the headline figures
    assert "—" in cover and "<3" in cover  # the suppression note: what "<3" and "—" mean
    for child in (cast.case.child.name, "张小花", "陈小明", cast.village.name):
        assert child not in text, child
    report = Report.objects.get()
    assert (report.start, report.end, report.status) == (pilot_start, today, "done")
    assert (report.end - report.start) > dt.timedelta(days=3 * 366)
