"""Director Wang's referral on a 360-px phone with the language switched to English (issue 14): every
visible text on every page of the walk is English — no Chinese script but the data (her name, the
villages, the child's name she typed) and the language menu's "简体中文"."""

from __future__ import annotations

import re

import pytest

from core.models import Location
from referrals.models import Referral
from tests.conftest import browser_login
from tests.journeys.referral_form import fill_referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")


def _chinese_left(page, data: list[str]) -> list[str]:
    text = page.inner_text("body")
    for allowed in sorted(data, key=len, reverse=True):
        text = text.replace(allowed, "")
    return HAN.findall(text)


def test_director_refers_a_child_in_english_on_a_phone(cast, phone_page, shot):
    page = phone_page
    browser_login(page, "wang")
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    places = list(Location.objects.values_list("name", flat=True))  # data: the villages she may choose
    data = [cast.referrer.full_name, cast.referrer.member.name, *places, "简体中文"]
    assert _chinese_left(page, data) == []
    shot(page, "01-home-in-english")

    page.click("[data-testid=refer-child]")
    page.wait_for_selector("#referral-form")
    assert _chinese_left(page, data) == []
    fill_referral(
        page,
        name="刘小军",
        sex="male",
        age="9",
        concerns="连续三个晚上看到孩子一个人在村口",
        indicators=("no_adult_at_night",),
        urgency="immediate",
    )
    assert page.is_visible("[data-testid=call-110]")
    assert _chinese_left(page, data) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "02-form-in-english-with-the-110-alert")

    # a missing age is explained in English, and what she typed is kept
    page.fill("input[name=child_age]", "")
    page.click("[data-testid=submit-referral]")
    page.wait_for_load_state("networkidle")
    assert not Referral.objects.exists()
    assert page.input_value("textarea[name=concerns]") == "连续三个晚上看到孩子一个人在村口"
    assert page.locator(".invalid-feedback, .text-danger").count() >= 1
    assert _chinese_left(page, [*data, "刘小军", "连续三个晚上看到孩子一个人在村口"]) == []
    shot(page, "03-error-in-english")
    page.fill("input[name=child_age]", "9")
    page.click("[data-testid=submit-referral]")
    reference = page.inner_text("[data-testid=reference]")
    assert Referral.objects.get(reference=reference).child_name == "刘小军"
    assert _chinese_left(page, [*data, "刘小军"]) == []
    assert page.get_attribute("[data-testid=tel-110]", "href") == "tel:110"
    shot(page, "04-thanks-in-english")

    page.goto(page.base_url + "/referrals/")
    assert reference in page.inner_text("body")
    assert _chinese_left(page, [*data, "刘小军"]) == []
    shot(page, "05-my-referrals-in-english")
