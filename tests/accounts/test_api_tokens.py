"""API tokens expire (SHOUHU["API_TOKEN_DAYS"], 30 days) and end when the password changes or the account is deactivated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import user_update

pytestmark = pytest.mark.django_db

PASSWORD = "Shouhu-test-1"


def _token_for(username: str, password: str = PASSWORD) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _me(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/cases/").status_code


def test_token_lifetime_is_thirty_days_unless_set():
    assert settings.SHOUHU["API_TOKEN_DAYS"] == 30


def test_token_older_than_its_lifetime_is_refused_and_deleted(cast):
    key = _token_for("xiaochen")
    assert _me(key) == 200
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(days=30, seconds=1))
    assert _me(key) == 401
    assert not Token.objects.filter(key=key).exists()


def test_token_within_its_lifetime_still_works(cast):
    key = _token_for("xiaochen")
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(days=29, hours=23))
    assert _me(key) == 200


def test_asking_again_after_expiry_issues_a_new_token(cast):
    old = _token_for("xiaochen")
    Token.objects.filter(key=old).update(created=timezone.now() - dt.timedelta(days=31))
    new = _token_for("xiaochen")
    assert new != old
    assert _me(new) == 200
    assert list(Token.objects.filter(user=cast.worker).values_list("key", flat=True)) == [new]


def test_password_change_on_the_page_revokes_api_tokens(cast, client_for):
    key = _token_for("xiaochen")
    response = client_for(cast.worker).post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "Another-pass-42", "new_password2": "Another-pass-42"},
    )
    assert response.status_code == 302
    assert _me(key) == 401
    assert Token.objects.filter(user=cast.worker).count() == 0


def test_password_set_by_a_manager_revokes_api_tokens(cast):
    key = _token_for("xiaochen")
    user_update(actor=cast.manager, user=cast.worker, password="Manager-set-77")
    assert _me(key) == 401


def test_deactivation_over_the_api_revokes_api_tokens(cast, api_for):
    key = _token_for("xiaochen")
    response = api_for(cast.manager).patch(f"/api/v1/users/{cast.worker.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 200
    assert Token.objects.filter(user=cast.worker).count() == 0
    assert _me(key) == 401


def test_other_saves_keep_the_token(cast):
    key = _token_for("xiaochen")
    user_update(actor=cast.manager, user=cast.worker, full_name="陈社工")
    assert Client().post("/accounts/login/", {"username": "xiaochen", "password": PASSWORD}).status_code == 302
    assert _me(key) == 200
