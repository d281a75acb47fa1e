"""Xiao Chen's home-visit note and Auntie Sun's visit log in a village with no signal (issue 14, item 7):
saved with no signal, each waits in the phone's one outbox (shared with the referral form), is sent by
itself when the signal returns, is recorded once, and its draft goes; logging out takes the outbox with it."""

from __future__ import annotations

import pytest

from alliance.models import VolunteerLog
from alliance.services import volunteer_assign
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _stores(page) -> dict:
    return page.evaluate(
        """() => ({
            outbox: JSON.parse(localStorage.getItem("shouhu-outbox") || "[]").map((item) => item.draft),
            drafts: Object.keys(localStorage).filter((k) => /^(visit-draft-|volunteer-log-draft-|referral-draft)/.test(k)),
        })"""
    )


def _save_a_visit_note_with_no_signal(page, case, summary: str, minutes: str) -> None:
    browser_login(page, "xiaochen")
    page.goto(f"{page.base_url}/cases/{case.pk}/visit/")
    # the signal drops in the village; she writes the note and taps save
    page.context.set_offline(True)
    page.fill("textarea[name=summary]", summary)
    page.fill("input[name=duration_minutes]", minutes)
    page.click("[data-testid=save-visit]")
    page.wait_for_selector("[data-testid=offline-queued]:visible")


def test_a_visit_note_saved_with_no_signal_is_recorded_once_when_the_signal_returns(cast, phone_page):
    page = phone_page
    case = cast.case
    _save_a_visit_note_with_no_signal(page, case, "奶奶说孩子昨晚一个人在家", "45")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert _stores(page) == {"outbox": [f"visit-draft-{case.pk}"], "drafts": [f"visit-draft-{case.pk}"]}
    assert not case.activities.exists()
    # a second tap while still offline keeps one note waiting, not two
    page.click("[data-testid=save-visit]")
    assert _stores(page)["outbox"] == [f"visit-draft-{case.pk}"]
    # the signal returns: it goes by itself, once; she lands on the case and is told it was sent
    page.context.set_offline(False)
    page.wait_for_selector("[data-testid=offline-sent]:visible")
    assert page.url.endswith(f"/cases/{case.pk}/")
    activity = case.activities.get()
    assert activity.summary == "奶奶说孩子昨晚一个人在家" and activity.duration_minutes == 45
    assert activity.recorded_by == cast.worker
    assert _stores(page) == {"outbox": [], "drafts": []}
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.reload()
    assert case.activities.count() == 1


def test_a_volunteer_log_saved_with_no_signal_is_logged_once_when_the_signal_returns(cast, phone_page):
    volunteer_assign(actor=cast.worker, case=cast.case, member=cast.volunteer.member, brief="周二陪孩子写作业")
    page = phone_page
    browser_login(page, "sun")
    page.goto(page.base_url + "/alliance/visits/")
    card = page.locator("[data-testid=assignment]")
    page.context.set_offline(True)
    card.locator("input[name=minutes]").fill("40")
    card.locator("textarea[name=note]").fill("孩子作业写完了，奶奶腿疼")
    card.locator("[data-testid=visit-log-form] button").click()
    card.locator("[data-testid=offline-queued]").wait_for(state="visible")
    draft = f"volunteer-log-draft-{cast.case.pk}"
    assert _stores(page) == {"outbox": [draft], "drafts": [draft]}
    assert not VolunteerLog.objects.exists()
    # she opens the page again, still with no signal: her log is still there, waiting
    page.context.set_offline(False)
    page.route("**/alliance/visits/*/log/", lambda route: route.abort())  # the village's signal is not back yet
    page.reload()
    card.locator("[data-testid=offline-queued]").wait_for(state="visible")
    assert card.locator("textarea[name=note]").input_value() == "孩子作业写完了，奶奶腿疼"
    # now the signal is back: it is logged once, the draft goes and the page says so
    page.unroute("**/alliance/visits/*/log/")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("[data-testid=offline-sent]:visible")
    log = VolunteerLog.objects.get()
    assert log.minutes == 40 and log.note == "孩子作业写完了，奶奶腿疼" and log.member == cast.volunteer.member
    assert _stores(page) == {"outbox": [], "drafts": []}
    assert page.locator("[data-testid=assignment] textarea[name=note]").input_value() == ""


def test_logging_out_takes_what_waits_in_the_outbox_with_it(cast, phone_page):
    page = phone_page
    case = cast.case
    _save_a_visit_note_with_no_signal(page, case, "孩子说不想回家", "20")
    # the phone is handed on before the note could go (the server cannot be reached yet)
    page.route(f"**/cases/{case.pk}/visit/", lambda route: route.abort())
    page.context.set_offline(False)
    page.click(".navbar-toggler")
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/**")
    assert _stores(page) == {"outbox": [], "drafts": []}
    assert page.evaluate("localStorage.getItem('draft-owner')") is None
    assert not case.activities.exists()
