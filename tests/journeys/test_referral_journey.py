from __future__ import annotations

import pytest

from referrals.models import Referral
from referrals.services import referral_needs_info
from tests.conftest import browser_login
from tests.factories import ChildFactory, ReferralFactory, make_case
from tests.journeys.referral_form import fill_referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_director_refers_on_a_phone_and_sees_it_accepted(cast, phone_page, browser, shot):
    known = make_case(lead_worker=cast.worker, child=ChildFactory(name="刘小军", location=cast.village))
    ReferralFactory(urgency="routine", location=cast.village, child_name="更早的转介")
    page = phone_page
    # the WF director, on a 360-px phone, in Chinese
    browser_login(page, "wang")
    page.click("[data-testid=refer-child]")
    page.fill("input[name=child_name]", "刘小军")
    page.check("input[name=child_sex][value=male]")
    page.fill("input[name=child_age]", "9")
    assert page.input_value("select[name=location]") == str(cast.village.pk)  # her village, pre-filled
    page.fill("textarea[name=concerns]", "连续三个晚上看到孩子一个人在村口")
    page.check("input[name=indicators][value=no_adult_at_night]")
    page.check("input[name=urgency][value=soon]")
    assert page.is_hidden("[data-testid=call-110]")
    page.check("input[name=urgency][value=immediate]")
    assert page.is_visible("[data-testid=call-110]")
    # she sees it where she ticked, on her 360-px screen, with a number she can tap
    box = page.locator("[data-testid=call-110]").bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]
    assert page.get_attribute("[data-testid=tel-110]", "href") == "tel:110"
    shot(page, "01-form-with-the-110-alert", full_page=False)
    page.check("input[name=urgency][value=soon]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("[data-testid=submit-referral]")
    reference = page.inner_text("[data-testid=reference]")
    shot(page, "02-thanks-with-the-reference")
    referral = Referral.objects.get(reference=reference)
    assert referral.referrer_member == cast.referrer.member

    # the social worker finds it at the top of the queue (soon before routine), checks duplicates, accepts
    worker = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    worker.base_url = page.base_url
    browser_login(worker, "xiaochen")
    worker.goto(worker.base_url + "/referrals/queue/")
    first = worker.locator("[data-testid=queue] a").first
    assert first.get_attribute("data-reference") == reference
    first.click()
    assert "刘小军" in worker.inner_text("[data-testid=duplicates]")
    shot(worker, "03-worker-sees-the-known-child")
    worker.click(f"[data-testid=link-{known.child_id}]")
    worker.wait_for_selector("[data-testid=referral-status]")
    assert "已受理" in worker.inner_text("[data-testid=referral-status]")
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.case == known

    # the director sees 已受理 and nothing of the case
    page.goto(page.base_url + "/referrals/")
    assert page.inner_text(f"[data-testid=status-{reference}]") == "已受理"
    assert known.number not in page.content()
    shot(page, "04-director-sees-it-accepted")


def test_back_button_after_sending_makes_no_second_referral(cast, phone_page):
    page = phone_page
    browser_login(page, "wang")

    def fill_and_send():
        fill_referral(page, name="赵小兰", sex="female", age="8", concerns="放学后没人接，一个人走山路", urgency="soon")
        page.click("[data-testid=submit-referral]")
        return page.inner_text("[data-testid=reference]")

    page.goto(page.base_url + "/referrals/new/")
    reference = fill_and_send()
    page.go_back()
    page.wait_for_selector("#referral-form")
    # whatever the browser restored (or not), she sends the same referral again
    assert fill_and_send() == reference
    assert Referral.objects.filter(child_name="赵小兰").count() == 1
    assert "没有重复提交" in page.inner_text("body")


def test_referral_form_on_a_phone_has_big_targets_and_one_age_question(cast, phone_page, shot):
    page = phone_page
    browser_login(page, "wang")
    page.goto(page.base_url + "/referrals/new/")
    # every radio and checkbox row is at least 44 px high
    heights = page.eval_on_selector_all(
        "#referral-form .form-check", "rows => rows.map(r => r.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44, heights
    # the age box is shown; choosing the birth date swaps it for the date box
    assert page.is_visible("input[name=child_age]") and page.is_hidden("input[name=child_birth_date]")
    page.check("input[name=age_or_birth_date][value=birth_date]")
    assert page.is_hidden("input[name=child_age]") and page.is_visible("input[name=child_birth_date]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "form-with-big-targets")


def test_director_opens_her_referral_and_answers_the_workers_question(cast, phone_page, browser, shot):
    referral = ReferralFactory(
        created_by=cast.referrer,
        referrer_member=cast.referrer.member,
        location=cast.village,
        child_name="赵小兰",
        concerns="放学后没人接，一个人走山路",
        urgency="soon",
    )
    other = ReferralFactory(created_by=cast.other_referrer, location=cast.village, child_name="李主任转介的孩子")
    referral_needs_info(actor=cast.worker, referral=referral, question="孩子晚上一般几点回家？")
    page = phone_page
    browser_login(page, "wang")
    page.goto(page.base_url + "/referrals/")
    assert other.child_name not in page.content()
    page.click(f"[data-testid=open-{referral.reference}]")
    # what she sent, its status in a plain sentence, and the question
    assert "放学后没人接，一个人走山路" in page.inner_text("[data-testid=concerns]")
    assert "需补充信息" in page.inner_text("[data-testid=referral-status]")
    assert "孩子晚上一般几点回家？" in page.inner_text("[data-testid=question]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "01-her-referral-with-the-question")
    # an empty answer is refused in Chinese, nothing changes
    page.click("[data-testid=send-answer]")
    assert "请写下您的回答" in page.inner_text("[data-testid=answer-error]")
    referral.refresh_from_db()
    assert referral.status == "needs_info"
    page.fill("#answer", "一般晚上九点以后，奶奶在地里干活")
    page.click("[data-testid=send-answer]")
    page.wait_for_selector("[data-testid=referral-status]")
    assert "您的回答已发送给社工" in page.inner_text("body")
    assert page.is_hidden("[data-testid=question]")
    shot(page, "02-answer-sent")
    referral.refresh_from_db()
    assert referral.status == "new" and "一般晚上九点以后，奶奶在地里干活" in referral.concerns

    # the answer reaches the social worker: back in her queue, with the question and the answer
    worker = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    worker.base_url = page.base_url
    browser_login(worker, "xiaochen")
    worker.goto(worker.base_url + "/referrals/queue/")
    worker.click(f"[data-testid=queue] a[data-reference={referral.reference}]")
    concerns = worker.inner_text("[data-testid=concerns]")
    assert "孩子晚上一般几点回家？" in concerns and "一般晚上九点以后，奶奶在地里干活" in concerns
    shot(worker, "03-worker-reads-the-answer")
