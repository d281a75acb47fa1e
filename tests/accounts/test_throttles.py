"""Rate limits within the contract: failed logins per address, API calls per account and per address;
429 with Retry-After; counters in Redis, skipped (fail open) when Redis does not answer."""

from __future__ import annotations

import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "Shouhu-test-1"


@pytest.fixture
def limits(settings):
    def set_limits(**changes: int) -> None:
        settings.SHOUHU = {**settings.SHOUHU, "RATE_LIMITS": {**settings.SHOUHU["RATE_LIMITS"], **changes}}

    return set_limits


@pytest.fixture
def frozen_clock(monkeypatch):
    """The throttles' wall clock stands still (a counter's window never ends mid-test)."""
    now = [1_800_000_000.25]
    monkeypatch.setattr("accounts.throttles.time.time", lambda: now[0])
    return now


def _web_login(username: str, password: str, address: str = "10.0.0.1"):
    client = Client(REMOTE_ADDR=address)
    return client, client.post("/accounts/login/", {"username": username, "password": password})


def _token(username: str, password: str, address: str = "10.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


def test_limits_respect_the_contracts_floor():
    limits = django_settings.SHOUHU["RATE_LIMITS"]
    assert limits["USER_PER_SECOND"] >= 50  # "never below 50 calls a second per account"
    assert limits["ANON_PER_SECOND"] >= 10  # "never below 10 logins a second per address"
    assert limits["FAILED_LOGINS_PER_ADDRESS"] > django_settings.AXES_FAILURE_LIMIT


def test_address_past_its_failed_logins_waits_on_the_login_page(cast, limits, frozen_clock):
    limits(FAILED_LOGINS_PER_ADDRESS=3)
    for name in ("nobody1", "nobody2", "nobody3"):  # different accounts: no lockout, only the address counts
        assert _web_login(name, "guess")[1].status_code == 200

    client, response = _web_login("xiaochen", PASSWORD)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert "登录失败次数过多" in response.content.decode()
    assert 'value="xiaochen"' in response.content.decode()  # what was typed is kept
    assert "_auth_user_id" not in client.session


def test_address_past_its_failed_logins_waits_on_the_token_endpoint(cast, limits, frozen_clock):
    limits(FAILED_LOGINS_PER_ADDRESS=3)
    for name in ("nobody1", "nobody2", "nobody3"):
        assert _token(name, "guess").status_code == 400
    response = _token("xiaochen", PASSWORD)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert int(response["Retry-After"]) > 0
    assert _token("xiaochen", PASSWORD, address="10.0.0.2").status_code == 200  # another address is not limited


def test_failed_logins_window_ends(cast, limits, frozen_clock):
    limits(FAILED_LOGINS_PER_ADDRESS=2)
    _token("nobody1", "guess")
    _token("nobody2", "guess")
    assert _token("xiaochen", PASSWORD).status_code == 429
    frozen_clock[0] += 15 * 60
    assert _token("xiaochen", PASSWORD).status_code == 200


def test_successful_logins_are_not_limited(cast, frozen_clock):
    for _ in range(12):  # more than the contract's 10 a second from one address
        assert _token("xiaochen", PASSWORD).status_code == 200


def test_api_calls_past_the_rate_per_account_get_429_with_retry_after(cast, limits, frozen_clock):
    limits(USER_PER_SECOND=3)
    key = _token("xiaochen", PASSWORD).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert [client.get("/api/v1/locations/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get("/api/v1/locations/")["Retry-After"] == "1"
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {_token('xiaoli', PASSWORD).json()['token']}")
    assert other.get("/api/v1/locations/").status_code == 200  # per account
    frozen_clock[0] += 1
    assert client.get("/api/v1/locations/").status_code == 200


def test_fifty_calls_a_second_per_account_pass(cast, frozen_clock, api_for):
    client = api_for(cast.worker)
    assert {client.get("/api/v1/locations/").status_code for _ in range(55)} == {200}


@pytest.fixture
def redis_throttle_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": f"shouhu-throttle-test-{uuid.uuid4().hex[:8]}",
            "OPTIONS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25},
        },
    }


def test_counters_live_in_redis(cast, limits, frozen_clock, redis_throttle_cache, api_for):
    from django.core.cache import caches

    limits(USER_PER_SECOND=2)
    client = api_for(cast.worker)
    assert [client.get("/api/v1/locations/").status_code for _ in range(3)] == [200, 200, 429]
    window = int(frozen_clock[0])
    assert caches["throttle"].get(f"api:user:{cast.worker.pk}:{window}") == 3


def test_redis_down_the_limits_fail_open_quickly(cast, limits, frozen_clock, settings, api_for):
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25},
        },
    }
    limits(USER_PER_SECOND=1, FAILED_LOGINS_PER_ADDRESS=1)
    client = api_for(cast.worker)
    started = time.monotonic()
    assert {client.get("/api/v1/locations/").status_code for _ in range(5)} == {200}
    assert _token("nobody", "guess").status_code == 400
    assert _token("xiaochen", PASSWORD).status_code == 200
    assert _web_login("xiaochen", PASSWORD)[1].status_code == 302
    assert time.monotonic() - started < 5
