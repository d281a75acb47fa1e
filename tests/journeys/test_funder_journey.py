"""Ms Huang of the Town Women's Federation on a 360-px phone, in Chinese (journeys.md): the anonymised
figures and the reports of the contract she funds, nothing else — a count of one or two reads "<3" and a
share computed from it "—"; another funder's report, a case, a child's referral and the caseload are
not there for her (404); her menu holds the figures and nothing more."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Role
from organisations.models import Organisation
from reports.models import Report
from tests.conftest import browser_login
from tests.factories import ChildFactory, ContractFactory, ReferralFactory, UserFactory, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_funder_sees_only_anonymised_figures_and_her_contracts_reports_on_a_phone(cast, phone_page, shot):
    today = timezone.localdate()
    start = today.replace(year=today.year - 1)
    contract = ContractFactory(name="幸福镇儿童保护服务项目", funder="幸福镇妇联", start=start, end=today)
    cases = [
        cast.case,
        *(make_case(lead_worker=cast.worker, child=ChildFactory(name=n)) for n in ("张小花", "陈小明", "李小军")),
    ]
    for case in cases:
        case.contract = contract
        case.save(update_fields=["contract"])
    # one case of four came through the Alliance: a count of one, so its share is hidden too
    referral = ReferralFactory(
        channel="alliance", status="accepted", case=cases[1], location=cast.village, child_name="张小花"
    )
    cases[1].referral = referral  # the case opened from it
    cases[1].save(update_fields=["referral"])
    mine = Report.objects.create(start=start, end=today, contract=contract, created_by=cast.manager, status="done")
    other_ngo = Organisation.objects.create(name="青山区阳光社工服务中心")
    other_contract = ContractFactory(
        name="青山区儿童保护项目",
        organisation=other_ngo,
        funder_organisation=Organisation.objects.create(name="青山区民政局"),
    )
    theirs = Report.objects.create(
        start=start,
        end=today,
        contract=other_contract,
        created_by=UserFactory(username="zhangzr", role=Role.MANAGER, organisation=other_ngo),
        status="done",
    )
    page = phone_page
    browser_login(page, "huang")

    # her menu: the figures, nothing else
    links = set(page.eval_on_selector_all("[data-nav]", "els => els.map(e => e.dataset.nav)"))
    assert links == {"home", "reports:dashboard", "reports:list", "registry:report"}, links

    # the dashboard of her contract: four cases, "<3" through the Alliance and its share "—"
    page.goto(page.base_url + "/reports/dashboard/")
    assert page.inner_text("[data-testid=figure-cases]").startswith("4")
    assert page.inner_text("[data-testid=figure-alliance]") == "—"
    assert "数据期间" in page.inner_text("[data-testid=period-shown]")
    body = page.inner_text("body")
    for secret in (*(c.child.name for c in cases), cast.village.name, *(c.number for c in cases)):
        assert secret not in body, secret
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "01-dashboard-anonymised")

    # the reports of her contract, not another funder's
    page.goto(page.base_url + "/reports/")
    listed = page.inner_text("[data-testid=reports]")
    assert "幸福镇儿童保护服务项目" in listed and "青山区儿童保护项目" not in listed
    assert page.goto(page.base_url + f"/reports/{mine.pk}/").status == 200
    shot(page, "02-her-report")
    assert page.goto(page.base_url + f"/reports/{theirs.pk}/").status == 404

    # no case, no child's referral, no caseload: they do not exist for her
    for path in (f"/cases/{cast.case.pk}/", f"/cases/{cases[1].pk}/edit/", f"/referrals/{referral.pk}/"):
        response = page.goto(page.base_url + path)
        assert response.status == 404, path
        assert "张小花" not in page.content()
    shot(page, "03-case-not-found")
    assert page.goto(page.base_url + "/cases/").status in (403, 404)
