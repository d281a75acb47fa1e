"""A token-authenticated API client gets no session: no ``sessionid`` (nor CSRF) cookie on any answer,
and no session row is written for it — reads, a write, a refusal and the token request itself."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.referrals.test_referrals import _api_body

pytestmark = pytest.mark.django_db

PASSWORD = "Shouhu-test-1"  # the factories' password


def _token_client(user):
    return APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


def _assert_no_session(response):
    assert settings.SESSION_COOKIE_NAME not in response.cookies, response.cookies
    assert settings.CSRF_COOKIE_NAME not in response.cookies, response.cookies
    assert Session.objects.count() == 0


def test_token_requests_set_no_session_cookie(cast):
    worker, referrer = _token_client(cast.worker), _token_client(cast.referrer)
    for client, url, code in (
        (worker, "/api/v1/cases/", 200),
        (worker, f"/api/v1/cases/{cast.case.pk}/", 200),
        (worker, "/api/v1/notifications/", 200),
        (worker, "/api/v1/reports/summary/", 403),
        (referrer, "/api/v1/cases/", 403),
    ):
        response = client.get(url)
        assert response.status_code == code, (url, response.content)
        _assert_no_session(response)
    response = referrer.post("/api/v1/referrals/", _api_body(cast), format="json")
    assert response.status_code == 201, response.content
    _assert_no_session(response)


def test_the_token_request_sets_no_session_cookie(cast):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": cast.referrer.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["token"]
    _assert_no_session(response)
