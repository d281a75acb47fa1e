from __future__ import annotations

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_role_logs_in_and_sees_its_own_navigation(cast, page, shot):
    for name, user in cast.by_role().items():
        browser_login(page, user.username)
        assert user.full_name in page.inner_text("[data-testid=whoami]"), name
        links = page.eval_on_selector_all("[data-nav]", "els => els.map(e => e.dataset.nav)")
        assert ("audit-log" in links) == (name == "admin"), name
        assert ("accounts:user-list" in links) == (name in ("admin", "manager")), name
        shot(page, f"home-of-{name}", full_page=False)
        page.click("[data-testid=logout]", force=True) if page.is_visible("[data-testid=logout]") else page.evaluate(
            "document.querySelector('[data-testid=logout]').closest('form').submit()"
        )
        page.wait_for_url("**/accounts/login/")


def test_switching_language_in_the_browser(cast, page):
    browser_login(page, cast.admin.username)
    page.goto(page.base_url + "/system/audit/")
    assert "审计日志" in page.inner_text("h1")
    page.select_option("#language-select", "en")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("h1") == "Audit log"


def test_phone_login_page_fits_360px(cast, phone_page):
    phone_page.goto(phone_page.base_url + "/accounts/login/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    browser_login(phone_page, cast.referrer.username)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_browser_refuses_inline_code_and_the_journeys_notice(cast, browser, live_server):
    from tests.conftest import _watch_csp

    context = browser.new_context()
    page = context.new_page()
    violations = _watch_csp(page)
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s); }"
    )
    page.evaluate("() => document.body.setAttribute('style', 'background: red')")
    page.wait_for_timeout(200)
    ran = page.evaluate("() => window.ran === 1")
    context.close()
    assert ran is False
    assert len(violations) == 2
