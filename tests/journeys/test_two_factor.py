"""A social worker's first login on a 360-px phone: password, the enrolment page (QR code and key), a code
from the key, ten recovery codes, then her caseload; the next login asks for a code."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_first_login_on_a_phone_enrols_two_factor(cast, phone_page, shot):
    page = phone_page
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", "xiaochen")
    page.fill("input[name=password]", "Shouhu-test-1")
    page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_selector("form[data-testid=otp-setup-form]")
    assert "设置两步验证" in page.inner_text("h1")
    assert page.is_visible("[data-testid=otp-qr] svg")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    qr_width = page.eval_on_selector("[data-testid=otp-qr] svg", "el => el.getBoundingClientRect().width")
    assert 150 <= qr_width <= 240
    shot(page, "01-enrol-with-the-qr-code")

    secret = page.get_attribute("[data-testid=otp-secret]", "data-secret")
    page.fill("input[name=code]", f"{totp(base64.b32decode(secret)):06d}")
    page.click("form[data-testid=otp-setup-form] button[type=submit]")
    page.wait_for_selector("[data-testid=recovery-codes]")
    assert len(page.query_selector_all("[data-testid=recovery-codes] li")) == 10
    shot(page, "02-recovery-codes")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("[data-testid=codes-done]")
    page.wait_for_load_state("networkidle")
    assert "小陈" in page.inner_text("[data-testid=whoami]")
    assert "/accounts/2fa/" not in page.url
