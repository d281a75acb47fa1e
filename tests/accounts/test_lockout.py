"""Lockout per account, not per spelling: ``sun``, ``SUN`` and her phone number are one account."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from core.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "Shouhu-test-1"
PHONE = "13900001111"


def _login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _lock(username: str = "sun") -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), username, "wrong-password")


@pytest.fixture
def sun(cast):
    cast.volunteer.phone = PHONE
    cast.volunteer.save(update_fields=["phone"])
    return cast.volunteer


def test_locking_sun_also_locks_other_spellings_and_her_phone(sun):
    _lock("sun")
    for spelling in ("sun", "SUN", "Sun", PHONE):
        client = Client()
        response = _login(client, spelling, PASSWORD)
        assert response.status_code == 429, spelling
        assert "_auth_user_id" not in client.session, spelling


def test_failures_in_mixed_spellings_count_towards_one_account(sun):
    for spelling in ("sun", "SUN", "sUn", PHONE):
        assert _login(Client(), spelling, "wrong-password").status_code == 200
    assert _login(Client(), "SuN", "wrong-password").status_code == 429  # the fifth failure locks
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [("sun", 5)]
    assert _login(Client(), "sun", PASSWORD).status_code == 429


def test_unknown_logins_are_counted_case_insensitively(cast):
    for spelling in ("Nobody", "NOBODY", "nobody"):
        _login(Client(), spelling, "wrong-password")
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [("nobody", 3)]


def test_lockout_page_says_in_chinese_how_to_get_in(sun):
    _lock()
    response = _login(Client(), "SUN", PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    page = response.content.decode()
    assert "锁定" in page
    assert "重置密码" in page
    assert "项目主管" in page and "解锁" in page
    assert 'href="/accounts/password/reset/"' in page


def test_locked_out_api_client_gets_json_429_with_retry_after(sun):
    _lock()
    response = Client().post(
        "/api/v1/auth/token/", {"username": PHONE, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "locked_out"
    assert int(response["Retry-After"]) > 0


def test_manager_unlock_lets_a_locked_account_in_and_is_audited(sun, cast, client_for):
    _lock()
    manager = client_for(cast.manager)
    page = manager.get(f"/users/{sun.pk}/")
    assert page.status_code == 200
    assert 'data-testid="account-locked"' in page.content.decode()

    response = manager.post(f"/users/{sun.pk}/unlock/")

    assert response.status_code == 302
    assert AccessAttempt.objects.filter(username="sun").count() == 0
    entry = AuditEntry.objects.get(action="update", object_id=str(sun.pk), detail__account="unlocked")
    assert entry.user_id == cast.manager.pk
    assert entry.detail["reason"] == "manager"
    assert 'data-testid="account-locked"' not in manager.get(f"/users/{sun.pk}/").content.decode()
    assert _login(Client(), "SUN", PASSWORD).status_code == 302


def test_only_managers_unlock_and_only_by_post(sun, cast, client_for):
    _lock()
    assert client_for(cast.worker).post(f"/users/{sun.pk}/unlock/").status_code == 403
    assert client_for(cast.manager).get(f"/users/{sun.pk}/unlock/").status_code == 405
    assert Client().post(f"/users/{sun.pk}/unlock/").status_code == 302  # to the login page
    assert AccessAttempt.objects.get(username="sun").failures_since_start == settings.AXES_FAILURE_LIMIT


def test_password_reset_unlocks_the_account(sun, mailoutbox):
    sun.email = "sun@example.org"
    sun.save(update_fields=["email"])
    _lock()
    assert Client().post("/accounts/password/reset/", {"email": "sun@example.org"}).status_code == 302
    link = re.search(r"/accounts/password/reset/[^/\s]+/[^/\s]+/", mailoutbox[0].body).group(0)
    client = Client()
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Brand-new-pass-7", "new_password2": "Brand-new-pass-7"})
    assert response.status_code == 302
    assert AccessAttempt.objects.filter(username="sun").count() == 0
    assert AuditEntry.objects.filter(detail__account="unlocked", detail__reason="password_reset").count() == 1
    assert _login(Client(), PHONE, "Brand-new-pass-7").status_code == 302
