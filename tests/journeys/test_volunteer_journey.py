"""Auntie Sun's week on a 360-px phone, in Chinese (journeys.md): only her two visits, each named by the
household label the social worker set (王奶奶家); a visit logged with its minutes as a number (a bad value
is refused in Chinese and keeps her note); the big "I'm worried" button reaches the social worker at once,
red and pinned above the routine reminders of her inbox."""

from __future__ import annotations

import pytest
from django.utils import timezone

from alliance.models import VolunteerLog
from alliance.services import volunteer_assign
from notifications.services import notify
from tests.conftest import browser_login
from tests.factories import ChildFactory, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_volunteer_sees_her_households_logs_a_visit_and_raises_a_worry_on_a_phone(cast, phone_page, browser, shot):
    grandma = cast.case
    grandma.child.location = cast.village
    grandma.child.save()
    grandpa = make_case(
        lead_worker=cast.worker, household_label="李爷爷家", child=ChildFactory(name="李小军", location=cast.village)
    )
    stranger = make_case(
        lead_worker=cast.worker, household_label="赵家", child=ChildFactory(name="赵小红", location=cast.village)
    )
    for case in (grandma, grandpa):
        volunteer_assign(actor=cast.worker, case=case, member=cast.volunteer.member, brief="每周三下午陪孩子写作业")

    # Xiao Chen names the household on the case, for the volunteer's card
    worker = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    worker.base_url = phone_page.base_url
    browser_login(worker, "xiaochen")
    worker.goto(worker.base_url + f"/cases/{grandma.pk}/edit/")
    worker.fill("input[name=case-household_label]", "王奶奶家")
    worker.click("form button[type=submit]:has-text('保存')")
    worker.wait_for_selector("[data-testid=case-title]")
    grandma.refresh_from_db()
    assert grandma.household_label == "王奶奶家"

    # Auntie Sun sees her two households by their labels, nothing of the third, no child's name
    page = phone_page
    browser_login(page, "sun")
    page.goto(page.base_url + "/alliance/visits/")
    households = page.eval_on_selector_all("[data-testid=household]", "hs => hs.map(h => h.innerText)")
    assert sorted(h.split()[0] for h in households) == ["李爷爷家", "王奶奶家"], households
    content = page.content()
    for secret in (grandma.child.name, grandpa.child.name, stranger.child.name, "赵家", grandma.number):
        assert secret not in content, secret
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "01-my-visits-by-household")

    # she logs a visit: the minutes box is numeric; "1.5" (hours) is refused in Chinese, her note kept
    card = page.locator("[data-testid=assignment]", has_text="王奶奶家")
    minutes = card.locator("input[name=minutes]")
    assert (minutes.get_attribute("type"), minutes.get_attribute("inputmode")) == ("number", "numeric")
    note = "孩子作业写完了，奶奶说最近腿疼，做饭困难"
    card.locator("textarea[name=note]").fill(note)
    minutes.fill("1.5")
    card.locator("button:has-text('记录这次探访')").click()
    page.wait_for_selector("[data-testid=visit-log-error]")
    card = page.locator("[data-testid=assignment]", has_text="王奶奶家")
    assert "分钟" in page.inner_text("[data-testid=visit-log-error]")
    assert card.locator("textarea[name=note]").input_value() == note
    assert VolunteerLog.objects.count() == 0
    shot(page, "02-bad-minutes-keep-the-note")
    card.locator("input[name=minutes]").fill("90")
    card.locator("button:has-text('记录这次探访')").click()
    page.wait_for_selector(".alert-success, [role=status]")
    log = VolunteerLog.objects.get()
    assert (log.case_id, log.minutes, log.note, log.date) == (grandma.pk, 90, note, timezone.localdate())

    # routine reminders reach Xiao Chen meanwhile
    for case in (grandma, grandpa):
        notify(user=cast.worker, kind="visit_due", obj=case, text="家访到期", dedupe_key=f"due:{case.pk}")

    # she is worried: one big red button, and the social worker is told now
    card = page.locator("[data-testid=assignment]", has_text="李爷爷家")
    button = card.locator("[data-testid=worried]")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 0.8 * 360  # big: the card's full width
    assert "btn-danger" in (button.get_attribute("class") or "")
    card.locator("input[name=message]").fill("孩子脸上有伤，说不敢回家")
    button.click()
    page.wait_for_load_state("networkidle")
    assert "110" in page.inner_text("body")
    shot(page, "03-worry-sent")

    worker.goto(worker.base_url + "/notifications/")
    urgent = worker.locator("[data-testid=urgent] [data-urgent]")
    assert urgent.count() == 1
    text = urgent.first.inner_text()
    assert "孩子脸上有伤，说不敢回家" in text and grandpa.number in text
    assert "list-group-item-danger" in (urgent.first.get_attribute("class") or "")
    color = urgent.first.evaluate("el => getComputedStyle(el).backgroundColor")
    red, green, blue = (int(part) for part in color[color.index("(") + 1 : color.index(")")].split(",")[:3])
    assert red > green and red > blue, color
    # pinned: above the reminders, though they came after it
    order = worker.evaluate(
        "() => [...document.querySelectorAll('[data-testid=urgent], [data-testid=reminder-groups], "
        "[data-testid=notifications]')].map(e => e.dataset.testid)"
    )
    assert order[0] == "urgent", order
    shot(worker, "04-worker-inbox-urgent-pinned")
