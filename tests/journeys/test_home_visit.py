from __future__ import annotations

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_social_worker_records_a_home_visit_from_the_caseload(cast, phone_page, shot):
    page = phone_page
    browser_login(page, "xiaochen")
    # lands on the caseload, opens the case
    page.click(f"[data-case='{cast.case.number}']")
    assert cast.case.child.name in page.inner_text("[data-testid=case-title]")
    page.click("[data-testid=quick-visit]")
    page.fill("textarea[name=summary]", "孩子和奶奶在家，作业已完成")
    page.fill("input[name=duration_minutes]", "40")
    # the draft survives a reload (a dropped connection)
    page.reload()
    assert page.input_value("textarea[name=summary]") == "孩子和奶奶在家，作业已完成"
    shot(page, "01-visit-note-after-reload")
    page.click("[data-testid=save-visit]")
    page.wait_for_selector("[data-testid=timeline]")
    assert "孩子和奶奶在家，作业已完成" in page.inner_text("[data-testid=timeline]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    cast.case.refresh_from_db()
    assert cast.case.activities.get().duration_minutes == 40
    shot(page, "02-case-page-timeline", full_page=False)
