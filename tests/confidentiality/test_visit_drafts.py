"""A visit draft stays on the phone only until it is saved, and never past a logout (issue 15)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _drafts(page) -> list[str]:
    return page.evaluate("Object.keys(localStorage).filter(function (k) { return k.indexOf('visit-draft-') === 0; })")


def _type_a_draft(page, case) -> None:
    page.goto(f"{page.base_url}/cases/{case.pk}/visit/")
    page.fill("textarea[name=summary]", "奶奶说孩子昨晚一个人在家")
    page.fill("input[name=duration_minutes]", "30")
    assert _drafts(page) == [f"visit-draft-{case.pk}"]


def test_visit_draft_is_cleared_after_a_successful_save(cast, phone_page):
    browser_login(phone_page, "xiaochen")
    _type_a_draft(phone_page, cast.case)
    phone_page.click("[data-testid=save-visit]")
    phone_page.wait_for_selector("[data-testid=timeline]")
    assert cast.case.activities.count() == 1
    assert _drafts(phone_page) == []


def test_visit_draft_is_kept_when_the_save_is_refused(cast, phone_page):
    browser_login(phone_page, "xiaochen")
    _type_a_draft(phone_page, cast.case)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    phone_page.fill("input[name=date]", tomorrow)  # refused: a visit cannot be in the future
    phone_page.click("[data-testid=save-visit]")
    phone_page.wait_for_selector("#visit-form")
    assert cast.case.activities.count() == 0
    assert _drafts(phone_page) == [f"visit-draft-{cast.case.pk}"]


def test_visit_draft_is_cleared_on_logout(cast, phone_page):
    browser_login(phone_page, "xiaochen")
    _type_a_draft(phone_page, cast.case)
    phone_page.goto(phone_page.base_url + "/cases/")
    phone_page.click(".navbar-toggler")  # the menu is folded on a phone
    with phone_page.expect_navigation():  # logging out first clears the phone's stores, then leaves
        phone_page.click("[data-testid=logout]")
    phone_page.wait_for_load_state()
    assert _drafts(phone_page) == []
