from __future__ import annotations

import pytest
from django.utils import timezone

from resources.models import PledgeRequest
from tests.conftest import browser_login
from tests.factories import PledgeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_need_to_request_to_fulfilment(cast, page, browser, shot):
    today = timezone.localdate()
    cast.case.child.location = cast.village
    cast.case.child.save()
    pledge = PledgeFactory(
        member=cast.pledger.member, kind="goods", description="书包和文具", valid_from=today.replace(day=1)
    )
    # the social worker records a need on the case and sends a request to the matching promise
    browser_login(page, "xiaochen")
    page.goto(page.base_url + f"/cases/{cast.case.pk}/")
    page.wait_for_selector("[data-testid=need-form]")
    page.select_option("[data-testid=need-form] select[name=kind]", "goods")
    page.fill("[data-testid=need-form] input[name=what]", "一个书包和文具")
    page.click("[data-testid=find-promises]")
    shot(page, "01-promises-that-fit")
    page.click(f"[data-testid=ask-{pledge.pk}]")
    request = PledgeRequest.objects.get()
    assert request.status == "requested" and cast.case.child.name not in request.public_text
    # the member logs in, sees the anonymised request, marks it fulfilled with a value
    member = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN").new_page()
    member.base_url = page.base_url
    browser_login(member, "zhao")
    text = member.inner_text("[data-testid=my-requests]")
    assert "一个书包和文具" in text and cast.case.child.name not in member.content()
    shot(member, "02-pledger-sees-the-request")
    member.fill(f"[data-testid=value-{request.pk}]", "168.80")
    member.click(f"[data-testid=fulfil-{request.pk}]")
    member.wait_for_selector("[data-testid=my-requests]")
    assert "168.80" in member.inner_text("[data-testid=my-requests]")
    # the case timeline shows it with its value
    page.goto(page.base_url + f"/cases/{cast.case.pk}/")
    assert "168.80" in page.inner_text("[data-testid=timeline]")
    shot(page, "03-timeline-with-its-value")
