"""Every form a person fills on a phone has touch targets a finger can hit: at 360 px, in Chinese, each
visible text box, select, textarea and button of the page's forms is at least 44 px high (buttons 44 px
wide too), and each radio or checkbox sits in a row (its label) at least 44 px high. Measured from the
bounding boxes the browser lays out, form by form: login, Director Wang's referral form and her answer to
a question, Xiao Chen's visit note, Auntie Sun's visit log, and the children director's register forms."""

from __future__ import annotations

import pytest

from alliance.services import volunteer_assign
from referrals.services import referral_needs_info
from tests.conftest import browser_login
from tests.factories import ReferralFactory
from tests.registry.conftest import build_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN = 44

# Targets too small to tap: (what, its text, width, height). Radios and checkboxes are measured by their
# row (the .form-check or the label that wraps or names them), which is what a finger taps.
SMALL_TARGETS = """(min) => {
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
    && getComputedStyle(el).visibility !== 'hidden'; };
  const small = [];
  const add = (kind, el, box) => small.push([kind, (el.name || el.id || el.innerText || '').slice(0, 30),
    Math.round(box.width), Math.round(box.height)]);
  const forms = [...document.querySelectorAll('#main form')];
  let measured = 0;
  for (const form of forms) {
    for (const el of form.querySelectorAll('input, select, textarea, button')) {
      if (el.type === 'hidden' || !shown(el)) continue;
      measured++;
      if (el.type === 'radio' || el.type === 'checkbox') {
        const row = el.closest('.form-check') || el.closest('label')
          || (el.id && form.querySelector(`label[for="${el.id}"]`));
        const box = (row || el).getBoundingClientRect();
        if (box.height < min) add('choice', el, box);
        continue;
      }
      const box = el.getBoundingClientRect();
      if (box.height < min || (el.tagName === 'BUTTON' && box.width < min)) add(el.tagName.toLowerCase(), el, box);
    }
  }
  return {measured, small};
}"""


def _assert_big_targets(page, url: str) -> None:
    page.goto(page.base_url + url)
    page.wait_for_load_state("networkidle")
    result = page.evaluate(SMALL_TARGETS, MIN)
    assert result["measured"] > 0, f"no form on {url}"
    assert result["small"] == [], (url, result["small"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, url


def test_login_form_has_big_targets(cast, phone_page, shot):
    _assert_big_targets(phone_page, "/accounts/login/")
    shot(phone_page, "login")


def test_referral_forms_have_big_targets(cast, phone_page, shot):
    referral = ReferralFactory(
        created_by=cast.referrer, referrer_member=cast.referrer.member, location=cast.village, child_name="赵小兰"
    )
    referral_needs_info(actor=cast.worker, referral=referral, question="孩子晚上一般几点回家？")
    browser_login(phone_page, "wang")
    _assert_big_targets(phone_page, "/referrals/new/")
    # both ways of giving the age
    phone_page.check("input[name=age_or_birth_date][value=birth_date]")
    assert phone_page.evaluate(SMALL_TARGETS, MIN)["small"] == []
    shot(phone_page, "01-referral-form")
    _assert_big_targets(phone_page, f"/referrals/{referral.pk}/sent/")
    _assert_big_targets(phone_page, "/referrals/")
    shot(phone_page, "02-her-referrals-with-the-question")


def test_visit_note_has_big_targets(cast, phone_page, shot):
    browser_login(phone_page, "xiaochen")
    _assert_big_targets(phone_page, f"/cases/{cast.case.pk}/visit/")
    shot(phone_page, "visit-note")


def test_volunteer_log_has_big_targets(cast, phone_page, shot):
    volunteer_assign(actor=cast.worker, case=cast.case, member=cast.volunteer.member, brief="每周三下午陪孩子写作业")
    browser_login(phone_page, "sun")
    _assert_big_targets(phone_page, "/alliance/visits/")
    shot(phone_page, "volunteer-log")


def test_register_forms_have_big_targets(cast, phone_page, shot):
    register = build_register(cast)
    browser_login(phone_page, "zhouzr")
    _assert_big_targets(phone_page, "/registry/new/")
    shot(phone_page, "01-register-a-child")
    _assert_big_targets(phone_page, f"/registry/{register.file.pk}/update/")
    shot(phone_page, "02-quarterly-update")
