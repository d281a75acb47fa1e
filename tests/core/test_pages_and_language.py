from __future__ import annotations

import pytest


def _t(msgid: str) -> str:
    """The Chinese of a product string (a variable, so makemessages does not extract it from the tests)."""
    from django.utils import translation

    return translation.gettext(msgid)


pytestmark = pytest.mark.django_db


def test_pages_are_chinese_by_default_and_english_on_request(cast, client_for):
    client = client_for(cast.admin)
    assert "审计日志" in client.get("/system/audit/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/system/audit/"})
    assert response.status_code == 302
    english = client.get("/system/audit/").content.decode()
    assert "Audit log" in english and "审计日志" not in english


def test_health_page_shows_broker_worker_and_outbox(cast, client_for):
    import datetime as dt

    from django.utils import timezone, translation

    from core.models import OutboxMessage, ServiceHeartbeat
    from tests.pages import text_of

    with translation.override("zh-hans"):
        ok, no_heartbeat = _t("OK"), _t("No heartbeat")
    OutboxMessage.objects.create(task_name="core.tasks.heartbeat", args=["a"])
    OutboxMessage.objects.create(task_name="core.tasks.heartbeat", args=["b"])
    OutboxMessage.objects.create(task_name="core.tasks.heartbeat", args=["c"], sent_at=timezone.now())
    beat = ServiceHeartbeat.objects.create(name="worker", seen_at=timezone.now())
    page = client_for(cast.admin).get("/system/health/")
    assert page.status_code == 200
    # the session's Redis answers; the worker beat a moment ago; two messages wait (one was sent)
    assert text_of(page.content, "broker") == ok
    assert text_of(page.content, "worker").startswith(ok)
    assert text_of(page.content, "outbox") == "2"
    ServiceHeartbeat.objects.filter(pk=beat.pk).update(seen_at=timezone.now() - dt.timedelta(minutes=10))
    stale = client_for(cast.admin).get("/system/health/")
    assert text_of(stale.content, "worker").startswith(no_heartbeat)
    assert client_for(cast.manager).get("/system/health/").status_code == 403


def test_health_page_reports_a_dead_broker_without_hanging(cast, client_for, broker_down):
    import time

    started = time.monotonic()
    response = client_for(cast.admin).get("/system/health/")
    assert time.monotonic() - started < 10
    assert response.status_code == 200
    assert response.context["broker_ok"] is False


def test_api_schema_is_served(cast, api_for):
    response = api_for(cast.worker).get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/locations/" in response.content


def test_static_assets_are_local(cast, client_for):
    html = client_for(cast.worker).get("/", follow=True).content.decode()
    assert "/static/vendor/bootstrap.min.css" in html and "/static/vendor/htmx.min.js" in html
    assert "cdn." not in html


def test_language_menu_names_each_language_in_itself(cast, client_for):
    # a Chinese reader looking for English finds "English", not 英语 (and the other way round)
    page = client_for(cast.worker).get("/", follow=True).content.decode()
    assert '<option value="en" lang="en">English</option>' in page
    assert "英语" not in page
    assert ">简体中文</option>" in page


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.ico")
    assert 'rel="icon"' in client.get("/accounts/login/").content.decode()
