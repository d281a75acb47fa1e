from __future__ import annotations

import pytest

from tests.conftest import browser_login
from tests.factories import make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_assessment_approval_plan_visit_and_closure(cast, page, browser, shot):
    case = make_case(lead_worker=cast.worker, status="assessment")
    browser_login(page, "xiaochen")
    page.goto(page.base_url + f"/cases/{case.pk}/")
    page.click("[data-testid=new-assessment]")
    page.check("input[name=safety][value='3']")
    for domain in ("health", "education", "economic", "psychological", "family"):
        page.check(f"input[name={domain}][value='1']")
    page.fill("textarea[name=safety_notes]", "夜间无人照看")
    page.select_option("select[name=risk_level]", "high")
    shot(page, "01-assessment-filled")
    page.click("[data-testid=submit-assessment]")
    page.wait_for_selector("[data-testid=assessments]")
    # the manager approves it from the home page
    manager = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    manager.base_url = page.base_url
    browser_login(manager, "liu")
    manager.wait_for_selector("[data-testid=approvals] button[value=approve]")
    shot(manager, "02-manager-approvals")
    manager.click("[data-testid=approvals] button[value=approve]")
    case.refresh_from_db()
    assert (case.status, case.risk_level) == ("active", "high")
    # the worker writes the plan, adds an action and a home visit, asks to close
    page.goto(page.base_url + f"/cases/{case.pk}/")
    page.wait_for_selector("[data-testid=plan-form]")
    page.fill("[data-testid=plan-form] textarea[name=goals]", "每晚有成人照顾")
    page.fill("[data-testid=plan-form] input[name=review_on]", "2099-01-01")
    page.click("[data-testid=plan-form] button")
    page.wait_for_selector("[data-testid=action-form]")
    page.fill("[data-testid=action-form] input[name=description]", "联系在外务工的母亲")
    page.click("[data-testid=action-form] button")
    page.wait_for_selector("[data-testid=plan-actions]")
    assert "联系在外务工的母亲" in page.inner_text("[data-testid=plan-actions]")
    page.click("[data-testid=quick-visit]")
    page.fill("textarea[name=summary]", "家访：姑姑答应晚上过来")
    page.click("[data-testid=save-visit]")
    page.wait_for_selector("[data-testid=closure-form]")
    page.select_option("[data-testid=closure-form] select[name=closure_code]", "goals_met")
    page.fill("[data-testid=closure-form] textarea[name=reason]", "监护落实，目标达成")
    page.click("[data-testid=closure-form] button")
    page.wait_for_selector("[data-testid=closure-waiting]")
    shot(page, "03-closure-waiting")
    # the manager approves the closure
    manager.goto(manager.base_url + "/cases/approvals/")
    manager.click("[data-testid=approvals] [data-testid^=approve-closure]")
    case.refresh_from_db()
    assert case.status == "closed" and case.closure_reason == "监护落实，目标达成" and case.closure_code == "goals_met"
    assert case.activities.filter(kind="home_visit").count() == 1
