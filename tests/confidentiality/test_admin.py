"""The Django admin under the strict CSP, for superusers only, and no way into a child's record."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from accounts.models import Role
from tests.confidentiality.test_csp import inline_code
from tests.factories import LocationFactory, UserFactory

pytestmark = pytest.mark.django_db

# Where a child's data lives: no model of these, nor any model pointing at one, may be in the admin.
CHILD_DATA = {
    "cases.Child",
    "cases.Case",
    "cases.HouseholdMember",
    "cases.Activity",
    "referrals.Referral",
    "referrals.OutgoingReferral",
    "registry.ChildFile",
    "registry.RegisterUpdate",
    "registry.HotlineCall",
}


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)


def _holds_child_data(model: type[models.Model]) -> bool:
    if model._meta.label in CHILD_DATA or model._meta.app_label in ("cases", "referrals"):
        return True
    return any(
        f.related_model is not None and f.related_model._meta.label in CHILD_DATA
        for f in model._meta.get_fields()
        if f.is_relation and f.concrete
    )


def test_no_model_holding_a_childs_data_is_in_the_admin():
    registered = {model._meta.label for model in admin.site._registry}
    assert {"core.AuditEntry", "accounts.User", "core.Location"} <= registered
    assert {label for label in registered if _holds_child_data(_model(label))} == set()


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def test_the_check_knows_a_child_model_when_it_sees_one():
    assert _holds_child_data(_model("cases.Child")) and _holds_child_data(_model("registry.HotlineCall"))
    assert _holds_child_data(_model("resources.PledgeRequest"))  # points at a case
    assert not _holds_child_data(_model("core.Location"))


def test_only_a_superuser_reaches_the_admin_and_through_the_apps_login(cast, client_for, superuser):
    anonymous = client_for(None).get("/admin/", follow=True)
    assert anonymous.redirect_chain[-1][0].startswith("/accounts/login/?next=")
    for role, user in cast.by_role().items():  # the "admin" role without superuser status too
        response = client_for(user).get("/admin/", follow=True)
        assert response.status_code == 404, role
        assert client_for(user).get("/admin/core/auditentry/", follow=True).status_code == 404, role
    assert client_for(superuser).get("/admin/").status_code == 200
    # the second step is owed first, as on every page
    unverified = client_for(superuser, verified=False).get("/admin/")
    assert unverified.status_code == 302 and unverified["Location"].startswith("/accounts/2fa/")


def test_admin_pages_carry_the_policy_and_hold_no_inline_code(cast, client_for, superuser):
    LocationFactory()
    client = client_for(superuser)
    urls = ["/admin/", reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:app_list", args=[model._meta.app_label]))
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(type("R", (), {"user": superuser})()):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[first.pk]))
    seen = 0
    for url in sorted(set(urls)):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
        assert inline_code(response.content.decode()) == [], url
        seen += 1
    assert seen > 20


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_works_in_a_browser_without_breaking_the_policy(page):
    from core.models import Contract
    from tests.conftest import browser_login

    root = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    LocationFactory(name="七里村")
    # given: the superuser comes to the admin and is sent through the app's login and its code page
    page.goto(page.base_url + "/admin/")
    assert "/accounts/login/" in page.url
    browser_login(page, "root")
    # when: they use the widgets that run the admin's scripts (the calendar, the two-box selector)
    page.goto(page.base_url + "/admin/core/contract/add/")
    page.fill("input[name=name]", "测试项目")
    page.fill("input[name=funder]", "区妇联")
    page.click("#calendarlink0")  # DateTimeShortcuts' calendar opens
    page.wait_for_selector(".calendarbox", state="visible")
    page.click(".calendarbox .calendar-shortcuts a")  # "today"
    page.click("#calendarlink1")
    page.click(".calendarbox >> visible=true >> .calendar-shortcuts a")
    page.fill("input[name=amount]", "1000")
    page.fill("input[name=caseload_target]", "10")
    page.select_option("select[name=organisation]", index=1)
    page.click("input[name=_save]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".errorlist").count() == 0, page.inner_text("#content")
    # then: it saved, and the page fixture finds no Content Security Policy violation on the way
    assert Contract.objects.filter(name="测试项目").exists()
    page.goto(page.base_url + "/admin/accounts/user/")
    assert page.is_visible("#result_list")
    page.goto(page.base_url + f"/admin/accounts/user/{root.pk}/change/")
    page.wait_for_selector("#id_groups_from", state="attached")  # SelectFilter2 built the two boxes
    page.goto(page.base_url + "/admin/core/auditentry/?action__exact=create")
    assert page.is_visible("#changelist")
