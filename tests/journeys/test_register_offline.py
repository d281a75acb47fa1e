"""A children director on a 360-px phone registers a child and sends a quarterly update with no
signal in between; both wait on the phone and go when the signal returns; the supervisor approves."""

from __future__ import annotations

import pytest

from registry.models import ChildFile, RegisterUpdate
from tests.conftest import browser_login
from tests.registry.conftest import build_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(cast):
    return build_register(cast)


def test_director_works_offline_and_the_supervisor_approves(register, phone_page, browser, shot):
    page = phone_page
    browser_login(page, "zhouzr")
    assert page.url.endswith("/registry/")

    # register a child; the signal drops before sending
    page.click("[data-testid=register-child]")
    page.fill("input[name=name]", "刘小兵")
    page.check("input[name=sex][value=male]")
    page.fill("input[name=birth_date]", "2017-06-01")
    assert page.input_value("select[name=location]") == str(register.village.pk)  # their only village
    page.check("input[name=child_type][value=de_facto_unsupported]")
    page.check("input[name=category][value=custody_need]")
    page.fill("textarea[name=guardian_situation]", "父亲服刑，母亲失联，由祖母照顾")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("[data-testid=submit-file]").bounding_box()["height"] >= 44
    page.context.set_offline(True)
    page.click("[data-testid=submit-file]")
    page.wait_for_selector("[data-testid=outbox]:not([hidden])")
    shot(page, "01-queued-offline")
    assert page.inner_text("[data-testid=outbox-count]") == "1"
    assert "刘小兵" in page.inner_text("[data-testid=outbox]")
    assert not ChildFile.objects.filter(name="刘小兵").exists()
    page.context.set_offline(False)
    page.wait_for_selector("[data-testid=sent-msg]:not([hidden])", timeout=20000)
    assert page.is_hidden("[data-testid=outbox]")
    file = ChildFile.objects.get(name="刘小兵")
    assert file.director == register.director and file.child_type == "de_facto_unsupported"
    assert "unsupported_child_subsidy" in file.entitlements

    # this quarter's update from the home page, offline again
    page.goto(page.base_url + "/registry/")
    page.click(f"[data-testid=update-{file.pk}]")
    page.context.set_offline(True)
    page.click(f"[data-testid=how-changed-{file.pk}]")
    page.fill(f"#summary-{file.pk}", "祖母住院了，孩子暂住邻居家")
    assert page.locator(f"[data-testid=send-update-{file.pk}]").bounding_box()["height"] >= 44
    page.click(f"[data-testid=send-update-{file.pk}]")
    page.wait_for_selector("[data-testid=outbox]:not([hidden])")
    assert page.inner_text("[data-testid=outbox-count]") == "1"
    assert not RegisterUpdate.objects.filter(file=file).exists()
    page.context.set_offline(False)
    page.wait_for_selector("[data-testid=sent-msg]:not([hidden])", timeout=20000)
    update = RegisterUpdate.objects.get(file=file)
    assert update.status == "submitted" and update.summary == "祖母住院了，孩子暂住邻居家"
    assert page.evaluate("localStorage.getItem('shouhu-registry-outbox')") == "[]"

    # the town's supervisor approves
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    desk.base_url = page.base_url
    browser_login(desk, "chendd")
    desk.goto(desk.base_url + "/registry/review/")
    desk.click(f"[data-testid=approve-{update.pk}]")
    desk.wait_for_selector("[data-testid=nothing-waiting]")
    shot(desk, "02-supervisor-approved-everything")
    update.refresh_from_db()
    file.refresh_from_db()
    assert update.status == "approved" and update.reviewed_by == register.supervisor
    assert file.last_update_on == update.date and file.next_update_due > update.date
    desk.context.close()


def _register_storage(page):
    """The register's caches and outbox as the phone holds them."""
    return page.evaluate(
        """async () => ({
            caches: (await caches.keys()).filter((k) => k.startsWith("shouhu-registry")),
            outbox: localStorage.getItem("shouhu-registry-outbox"),
        })"""
    )


def test_logging_out_clears_the_registers_cached_pages_and_queued_data(register, browser, live_server):
    # a shared phone: the next person must not open the director's children offline, nor send their queue
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    browser_login(page, "zhouzr")
    assert page.url.endswith("/registry/")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # the worker now controls the page and keeps its copy
    page.wait_for_function(
        """async () => {
            const cache = await caches.open("shouhu-registry-v1");
            return (await cache.keys()).some((r) => new URL(r.url).pathname === "/registry/");
        }"""
    )
    # something still waiting in the outbox (refused, so it stays there and is not sent meanwhile)
    page.evaluate(
        """localStorage.setItem("shouhu-registry-outbox", JSON.stringify([
            {key: "k1", url: "/api/v1/registry/", body: {name: "待发送"}, label: "待发送", error: "x", at: 0}
        ]))"""
    )
    before = _register_storage(page)
    assert before["caches"] == ["shouhu-registry-v1"] and "待发送" in before["outbox"]
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/**")
    after = _register_storage(page)
    assert after == {"caches": [], "outbox": None}
    # offline, the register's page is no longer on the phone
    page.context.set_offline(True)
    with pytest.raises(Exception):  # noqa: B017, PT011 — Playwright's net::ERR_INTERNET_DISCONNECTED
        page.goto(page.base_url + "/registry/")
    page.context.set_offline(False)
    context.close()


def test_another_account_signing_in_on_the_phone_finds_nothing_of_the_last_one(register, phone_page):
    # the director's session ended without a logout (expired, cookies cleared); the supervisor signs in
    page = phone_page
    browser_login(page, "zhouzr")
    page.evaluate(
        """localStorage.setItem("shouhu-registry-outbox", JSON.stringify([
            {key: "k2", url: "/api/v1/registry/", body: {name: "待发送"}, label: "待发送", error: "x", at: 0}
        ]))"""
    )
    page.context.clear_cookies()
    browser_login(page, "chendd")
    page.wait_for_function("localStorage.getItem('shouhu-registry-owner') === document.body.dataset.user")
    assert _register_storage(page)["outbox"] is None
