from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case
from tests.conftest import browser_login
from tests.factories import ChildFactory, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_social_worker_sees_what_is_due_and_finds_a_child_by_pinyin_on_a_phone(cast, phone_page, shot):
    # given: Xiao Chen's caseload with one overdue and one due-today case
    overdue = make_case(lead_worker=cast.worker, child=ChildFactory(name="王小雨", location=cast.village))
    today = make_case(lead_worker=cast.worker, child=ChildFactory(name="李明", location=cast.village))
    local_today = timezone.localdate()
    Case.objects.filter(pk=overdue.pk).update(next_visit_due=local_today - dt.timedelta(days=3))
    Case.objects.filter(pk=today.pk).update(next_visit_due=local_today)
    Case.objects.filter(pk=cast.case.pk).update(next_visit_due=local_today + dt.timedelta(days=10))
    page = phone_page
    browser_login(page, "xiaochen")
    page.goto(page.base_url + "/cases/")
    # then: the overdue group on top, due today next
    page.wait_for_selector("[data-testid=group-overdue]")
    assert "王小雨" in page.inner_text("[data-testid=caseload] .list-group >> nth=0")
    assert "李明" in page.inner_text("[data-testid=caseload] .list-group >> nth=1")
    assert "1" in page.inner_text("[data-testid=due-counts]")
    shot(page, "01-overdue-and-today")
    # when: she types the initials of a name in the search box
    page.fill("[data-testid=caseload-search]", "wxy")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=wxy**")
    page.wait_for_load_state("networkidle")
    rows = page.locator("[data-testid=caseload] [data-case]")
    assert rows.count() == 1
    assert "王小雨" in rows.first.inner_text()
    # and the homophone in traditional characters finds her too
    page.fill("[data-testid=caseload-search]", "王曉雨")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=%E7%8E%8B**")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=caseload] [data-case]").count() == 1
    # when: she sorts by name and filters to what is due this week
    page.fill("[data-testid=caseload-search]", "")
    page.keyboard.press("Enter")
    page.click("[data-testid=caseload-filters] summary")
    page.select_option("select[name=due]", "week")
    page.click("[data-testid=caseload-filters] button:has-text('应用')")
    page.wait_for_url("**due=week**")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=caseload] [data-case]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "02-due-this-week")
