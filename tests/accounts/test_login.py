from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from core.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "Shouhu-test-1"


def _login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_each_role_logs_in_and_lands_on_a_home_page(cast):
    """Staff first set up two-factor (tests/accounts/test_two_factor.py); the others land at home."""
    for name, user in cast.by_role().items():
        client = Client()
        response = _login(client, user.username, PASSWORD)
        assert response.status_code == 302, user.username
        home = client.get("/", follow=True)
        assert home.status_code == 200, user.username
        assert user.full_name in home.content.decode()
        lands_on_setup = home.redirect_chain[-1][0].startswith("/accounts/2fa/setup/")
        assert lands_on_setup == (name in ("admin", "manager", "worker", "colleague")), name


def test_login_with_phone_number(cast):
    cast.referrer.phone = "13912345678"
    cast.referrer.save(update_fields=["phone"])
    client = Client()
    assert _login(client, "13912345678", PASSWORD).status_code == 302
    assert AuditEntry.objects.filter(action="login", username="wang").exists()


def test_wrong_password_is_refused_with_a_clear_message_and_audited(cast):
    response = _login(Client(), "xiaochen", "nope")
    assert response.status_code == 200
    assert "密码不正确" in response.content.decode()
    assert AuditEntry.objects.filter(action="login_failed", detail__username="xiaochen").count() == 1


def test_repeated_failures_lock_the_account(cast):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "xiaochen", "wrong-password")
    assert (
        AuditEntry.objects.filter(action="login_failed", detail__username="xiaochen").count()
        == settings.AXES_FAILURE_LIMIT
    )
    locked_client = Client()
    locked = _login(locked_client, "xiaochen", PASSWORD)
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    # the right password does not get in while locked: that client's session has no user, its home is the login
    assert "_auth_user_id" not in locked_client.session
    assert locked_client.get("/").status_code == 302
    # another account is not affected
    assert _login(Client(), "xiaoli", PASSWORD).status_code == 302


def test_inactive_user_cannot_log_in(cast):
    cast.colleague.is_active = False
    cast.colleague.save(update_fields=["is_active"])
    response = _login(Client(), "xiaoli", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session


def test_session_policy():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_TOUCH_SECONDS == 60  # an unchanged session is re-saved at most once a minute


def test_unchanged_session_is_saved_at_most_once_a_minute(cast, monkeypatch):
    import time

    from django.contrib.sessions.models import Session

    clock = [time.time()]
    monkeypatch.setattr("core.middleware.time.time", lambda: clock[0])
    client = Client()
    client.force_login(cast.worker)
    client.get("/")
    first_expiry = Session.objects.get().expire_date
    clock[0] += 30
    client.get("/")
    assert Session.objects.get().expire_date == first_expiry  # touched 30 s ago: not written
    clock[0] += 31
    client.get("/")
    assert Session.objects.get().expire_date > first_expiry  # a minute on: the idle timeout slides


def test_argon2_is_the_production_hasher():
    import importlib

    module = importlib.import_module("config.settings")
    assert module.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_anonymous_is_sent_to_login():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_logout_needs_post_and_ends_the_session(cast, client_for):
    client = client_for(cast.worker)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_password_change(cast, client_for):
    client = client_for(cast.worker)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "Another-pass-42", "new_password2": "Another-pass-42"},
    )
    assert response.status_code == 302
    cast.worker.refresh_from_db()
    assert cast.worker.check_password("Another-pass-42")


def test_password_reset_sends_a_link(cast, mailoutbox):
    cast.worker.email = "chen@example.org"
    cast.worker.save(update_fields=["email"])
    assert Client().post("/accounts/password/reset/", {"email": "chen@example.org"}).status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body
