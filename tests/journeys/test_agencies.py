"""Two NGOs in a browser: A refers its child to B's counselling from the directory, B triages it in its
own queue (seeing none of A's children as duplicates), starts and completes the service, and A's case
page shows the loop closed with B's outcome; then A's manager transfers another case to B."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases.models import Case
from organisations.services import service_save
from referrals.models import OutgoingReferral
from tests.conftest import browser_login
from tests.organisations.conftest import city  # noqa: F401  (the two NGOs)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_referral_between_two_ngos_closes_its_loop(city, page, browser, shot):  # noqa: F811
    service = service_save(
        actor=city.admin,
        organisation=city.b.organisation,
        kind="psychological_support",
        name="乙中心心理辅导",
        areas=[city.village.parent],
    )
    # A's social worker refers from the case page, picking B's service from the directory
    browser_login(page, city.a.worker.username)
    page.goto(page.base_url + f"/cases/{city.a.case.pk}/")
    page.wait_for_selector("[data-testid=outgoing-form]", state="attached")
    page.click("[data-testid=outgoing-form] >> xpath=ancestor::details/summary")
    page.select_option("[data-testid=directory-service]", str(service.pk))
    page.fill("[data-testid=outgoing-form] input[name=consent_on]", timezone.localdate().isoformat())
    page.fill("[data-testid=outgoing-form] textarea[name=note]", "请联系奶奶安排心理辅导")
    page.click("[data-testid=outgoing-form] button")
    page.wait_for_selector("[data-testid=loop-state]")
    shot(page, "01-referral-sent")
    outgoing = OutgoingReferral.objects.get()
    assert outgoing.status == "sent" and outgoing.incoming is not None

    # B's manager finds it in B's queue; of the possible duplicates only B's own children are offered
    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    other.base_url = page.base_url
    browser_login(other, city.b.manager.username)
    other.goto(other.base_url + "/referrals/queue/")
    other.click(f"[data-reference={outgoing.incoming.reference}]")
    duplicates = other.inner_text("[data-testid=duplicates]")
    assert city.b.child_name in duplicates and city.a.child_name not in duplicates
    other.select_option("select[name=lead_worker]", str(city.b.worker.pk))
    other.click("[data-testid=accept]")
    other.wait_for_load_state("networkidle")
    outgoing.refresh_from_db()
    assert outgoing.status == "accepted"

    # B's worker starts the service, then completes it with an outcome
    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    other.base_url = page.base_url
    browser_login(other, city.b.worker.username)
    other.goto(other.base_url + f"/referrals/{outgoing.incoming_id}/")
    other.select_option("[data-testid=loop-form] select[name=status]", "in_progress")
    other.click("[data-testid=loop-form] button")
    other.wait_for_load_state("networkidle")
    other.select_option("[data-testid=loop-form] select[name=status]", "done")
    other.fill("[data-testid=loop-form] input[name=note]", "完成6次心理辅导，情绪稳定")
    other.click("[data-testid=loop-form] button")
    other.wait_for_load_state("networkidle")

    # A's case page shows the loop closed, with B's outcome
    page.goto(page.base_url + f"/cases/{city.a.case.pk}/")
    page.wait_for_selector(f"[data-outgoing='{outgoing.pk}'][data-status=done]")
    assert "完成6次心理辅导，情绪稳定" in page.inner_text("[data-testid=outgoing]")


def test_a_manager_transfers_a_case_and_the_receiver_accepts(city, page, browser, shot):  # noqa: F811
    browser_login(page, city.a.manager.username)
    page.goto(page.base_url + f"/cases/{city.a.case.pk}/")
    page.click("[data-testid=transfer-link]")
    page.select_option("[data-testid=transfer-form] select[name=organisation]", str(city.b.organisation.pk))
    page.fill("[data-testid=transfer-form] textarea[name=reason]", "一家人搬到了乙中心服务的街道")
    page.select_option("[data-testid=transfer-form] select[name=consent_basis]", "guardian")
    page.fill("[data-testid=transfer-form] input[name=consented_by]", "奶奶")
    page.click("[data-testid=transfer-form] button[type=submit]")
    page.wait_for_selector("[data-testid=transfers]")
    shot(page, "01-transfer-proposed")

    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    other.base_url = page.base_url
    browser_login(other, city.b.manager.username)
    other.goto(other.base_url + "/cases/transfers/")
    other.select_option("[data-testid=transfer-accept] select", str(city.b.worker.pk))
    other.click("[data-testid=transfer-accept] button")
    other.wait_for_load_state("networkidle")
    case = Case.objects.get(pk=city.a.case.pk)
    assert (case.organisation_id, case.lead_worker_id) == (city.b.organisation.pk, city.b.worker.pk)
    assert city.a.child_name in other.content()  # B's manager now on the case page

    # and A's manager no longer opens it
    response = page.request.get(page.base_url + f"/cases/{city.a.case.pk}/")
    assert response.status == 404
