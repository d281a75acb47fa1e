"""Friendly failure pages in both languages, and PostgreSQL unreachable → 503 with Retry-After."""

from __future__ import annotations

import json
import time

import pytest
from django.db import connections
from django.test import Client

from tests.conftest import api_as, login


@pytest.fixture
def dead_database():
    """Points Django at a closed port (nothing listens on 127.0.0.1:1), then back."""

    def point(to_dead: bool) -> None:
        conn = connections["default"]
        conn.close()
        if to_dead:
            saved.update(host=conn.settings_dict["HOST"], port=conn.settings_dict["PORT"])
            conn.settings_dict["HOST"], conn.settings_dict["PORT"] = "127.0.0.1", "1"
        else:
            conn.settings_dict["HOST"], conn.settings_dict["PORT"] = saved["host"], saved["port"]

    saved: dict[str, str] = {}
    yield point
    if saved:
        point(False)


@pytest.mark.django_db(transaction=True)
def test_database_down_answers_503_pages_and_json_then_recovers(cast, dead_database):
    from rest_framework.authtoken.models import Token

    browser = login(cast.worker)
    browser.raise_request_exception = False
    token = Token.objects.create(user=cast.manager).key
    api = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token}")
    dead_database(True)
    started = time.monotonic()
    page = browser.get("/cases/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 503 and page["Retry-After"] == "30"
    html = page.content.decode()
    assert "马上回来" in html and 'data-testid="home"' in html and "Traceback" not in html
    english = browser.get("/referrals/queue/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 503 and "We'll be right back" in english.content.decode()
    response = api.get("/api/v1/cases/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json()["code"] == "service_unavailable"
    assert api.post("/api/v1/referrals/", {}, content_type="application/json").status_code == 503
    elapsed = time.monotonic() - started
    print(f"\n4 requests with the database down: {elapsed:.2f} s")
    assert elapsed < 8  # no connect timeout is waited for: a refused port answers at once
    # recovery on the next request, without a restart
    dead_database(False)
    assert browser.get("/cases/").status_code == 200
    assert api.get("/api/v1/cases/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "words"), [("zh-hans", "页面不存在"), ("en", "Page not found")])
def test_404_page_has_a_way_home_in_both_languages(cast, client_for, settings, language, words):
    settings.DEBUG = False
    response = client_for(cast.worker).get("/cases/999999/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    html = response.content.decode()
    assert words in html and 'data-testid="home"' in html


@pytest.mark.django_db
def test_403_page_is_friendly_and_translated(cast, client_for, settings):
    settings.DEBUG = False
    response = client_for(cast.referrer).get("/system/health/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    html = response.content.decode()
    assert "您无权" in html and 'data-testid="home"' in html


@pytest.mark.django_db
def test_500_page_is_friendly_and_api_500_is_json(rf, settings):
    from core.errors import server_error

    settings.DEBUG = False
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        page = server_error(rf.get("/cases/"))
        api = server_error(rf.get("/api/v1/cases/"))
    assert page.status_code == 500 and 'data-testid="home"' in page.content.decode()
    assert api.status_code == 500 and json.loads(api.content)["code"] == "server_error"
    assert "boom" not in page.content.decode()


@pytest.mark.django_db
def test_unknown_api_path_answers_json_404(cast):
    response = api_as(cast.manager).get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
