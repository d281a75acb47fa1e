"""Director Wang refers a child from a village with no signal (issue 14, item 7): the form keeps her draft,
"send" with no signal keeps the referral on the phone, and it is sent once when the signal returns."""

from __future__ import annotations

import pytest

from referrals.models import Referral
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _stores(page):
    return page.evaluate("[localStorage.getItem('referral-draft'), localStorage.getItem('shouhu-outbox')]")


def test_a_referral_written_with_no_signal_is_sent_once_when_the_signal_returns(cast, phone_page, shot):
    page = phone_page
    browser_login(page, "wang")
    page.goto(page.base_url + "/referrals/new/")
    page.fill("input[name=child_name]", "田小禾")
    page.check("input[name=child_sex][value=female]")
    page.fill("input[name=child_age]", "7")
    page.fill("textarea[name=concerns]", "孩子连续几天没去上学，家里没有大人")
    # the page is left and opened again before sending: what she wrote is still there
    page.goto(page.base_url + "/referrals/")
    page.goto(page.base_url + "/referrals/new/")
    assert page.is_visible("[data-testid=referral-draft-note]")
    assert page.input_value("input[name=child_name]") == "田小禾"
    assert page.input_value("textarea[name=concerns]") == "孩子连续几天没去上学，家里没有大人"
    assert page.is_checked("input[name=child_sex][value=female]")
    page.check("input[name=urgency][value=soon]")
    # the signal drops; she taps send: it waits on the phone, nothing reached the server
    page.context.set_offline(True)
    page.click("[data-testid=submit-referral]")
    page.wait_for_selector("[data-testid=referral-queued]:visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not Referral.objects.filter(child_name="田小禾").exists()
    assert _stores(page)[1] is not None
    shot(page, "queued-offline")
    # a second tap while still offline queues nothing more
    page.click("[data-testid=submit-referral]")
    # the signal returns: it is sent by itself, once, and she sees the thanks page
    page.context.set_offline(False)
    page.wait_for_selector("[data-testid=reference]")
    referral = Referral.objects.get(child_name="田小禾")
    assert page.inner_text("[data-testid=reference]") == referral.reference
    assert referral.urgency == "soon" and referral.created_by == cast.referrer
    assert _stores(page) == [None, None]
    # coming back online again sends nothing more
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.goto(page.base_url + "/referrals/")
    assert Referral.objects.filter(child_name="田小禾").count() == 1


def test_a_draft_leaves_the_phone_with_its_account(cast, phone_page):
    page = phone_page
    browser_login(page, "wang")
    page.goto(page.base_url + "/referrals/new/")
    page.fill("input[name=child_name]", "田小禾")
    page.context.set_offline(True)
    page.click("[data-testid=submit-referral]")
    page.wait_for_selector("[data-testid=referral-queued]:visible")
    page.context.set_offline(False)
    # the queued referral is incomplete: refused by the server, it comes back as a draft to correct
    page.wait_for_selector("[data-testid=referral-refused]:visible")
    assert page.input_value("input[name=child_name]") == "田小禾"
    assert not Referral.objects.exists()
    draft, outbox = _stores(page)
    assert draft is not None and outbox is None
    # she logs out: the draft goes with her
    page.click(".navbar-toggler")
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/**")
    assert _stores(page) == [None, None]
