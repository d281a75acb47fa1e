"""The fixed cast every test can use, one per role, plus clients logged in as each of them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import LocationFactory, MemberFactory, UserFactory, make_case

# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser tests are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: Any) -> None:
    # SHOUHU_TEST_CLOCK=2027-01-01 runs the whole suite with Python's clock moved to that day (ticking),
    # so date-relative fixtures are proved on the days that used to break them (1 January, 29 February).
    clock = os.environ.get("SHOUHU_TEST_CLOCK")
    if clock:
        import time_machine

        traveller = time_machine.travel(f"{clock}T09:30:00+08:00", tick=True)
        traveller.start()
        config._shouhu_clock = traveller  # type: ignore[attr-defined]
    # Argon2 is the production hasher (asserted in tests/accounts/test_login.py); tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


@dataclass
class Cast:
    admin: Any
    manager: Any
    worker: Any  # the social worker who owns ``case``
    colleague: Any  # a social worker who does not
    referrer: Any
    other_referrer: Any
    pledger: Any
    volunteer: Any
    funder: Any
    village: Any
    case: Any

    def by_role(self) -> dict[str, Any]:
        return {
            "admin": self.admin,
            "manager": self.manager,
            "worker": self.worker,
            "colleague": self.colleague,
            "referrer": self.referrer,
            "pledger": self.pledger,
            "volunteer": self.volunteer,
            "funder": self.funder,
        }


@pytest.fixture
def cast(db: Any) -> Cast:
    town = LocationFactory(name="幸福镇", kind="town")
    village = LocationFactory(name="七里村", kind="village", parent=town)
    referrer_member = MemberFactory(name="王主任", sector="wf_director", location=village, is_referrer=True)
    other_member = MemberFactory(name="李主任", sector="wf_director", location=village, is_referrer=True)
    pledger_member = MemberFactory(
        name="赵记饭馆", kind="organisation", sector="enterprise", location=village, is_referrer=False, is_pledger=True
    )
    volunteer_member = MemberFactory(
        name="孙阿姨", sector="resident", location=village, is_referrer=False, is_volunteer=True
    )
    worker = UserFactory(username="xiaochen", full_name="小陈", role=Role.SOCIAL_WORKER)
    return Cast(
        admin=UserFactory(username="admin1", full_name="管理员", role=Role.ADMIN),
        manager=UserFactory(username="liu", full_name="刘主管", role=Role.MANAGER),
        worker=worker,
        colleague=UserFactory(username="xiaoli", full_name="小李", role=Role.SOCIAL_WORKER),
        referrer=UserFactory(username="wang", full_name="王主任", role=Role.REFERRER, member=referrer_member),
        other_referrer=UserFactory(username="li", full_name="李主任", role=Role.REFERRER, member=other_member),
        pledger=UserFactory(username="zhao", full_name="赵老板", role=Role.PLEDGER, member=pledger_member),
        volunteer=UserFactory(username="sun", full_name="孙阿姨", role=Role.VOLUNTEER, member=volunteer_member),
        funder=UserFactory(username="huang", full_name="黄女士", role=Role.FUNDER),
        village=village,
        case=make_case(lead_worker=worker),
    )


def login(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_as(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


@pytest.fixture
def client_for():
    return login


@pytest.fixture
def api_for():
    return api_as


# --- A real Celery worker against the real Redis -------------------------------------------------


@dataclass
class WorkerHandle:
    queue: str
    process: Any


def _test_database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    host = s.get("HOST") or ""
    socket_dir = (s.get("OPTIONS") or {}).get("host") or (host if host.startswith("/") else "")
    port = f":{s['PORT']}" if s.get("PORT") else ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    user = f"{s.get('USER') or 'postgres'}{password}"
    if socket_dir:  # a unix socket (the embedded PostgreSQL of `make test` on a bare machine)
        return f"postgres://{user}@/{s['NAME']}?host={socket_dir}"
    return f"postgres://{user}@{host}{port}/{s['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup: Any, django_db_blocker: Any):
    """A `celery worker` subprocess on its own queue, talking to the test database and the real Redis."""
    import os
    import subprocess
    import sys
    import time
    import uuid
    from pathlib import Path

    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:10]}"
    with django_db_blocker.unblock():
        db_url = _test_database_url()
    env = dict(os.environ, DATABASE_URL=db_url, REDIS_URL=settings.CELERY_BROKER_URL)
    log = (
        open(Path(settings.BASE_DIR) / ".local" / f"worker-{queue}.log", "w")
        if (Path(settings.BASE_DIR) / ".local").is_dir()
        else subprocess.DEVNULL
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--concurrency",
            "1",
            "--pool",
            "solo",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(destination=[f"{queue}@{__import__('socket').gethostname()}"], timeout=1.0)
        if replies:
            break
        if process.poll() is not None:
            raise RuntimeError("the Celery worker exited during start-up")
    else:
        process.kill()
        raise RuntimeError("the Celery worker did not answer within 60 s")
    yield WorkerHandle(queue=queue, process=process)
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def celery_worker(celery_worker_process: WorkerHandle, transactional_db: Any):
    """Route every task sent during the test to this session's worker queue."""
    from config.celery import app

    previous = app.conf.task_default_queue
    app.conf.task_default_queue = celery_worker_process.queue
    app.amqp.queues.select_add(celery_worker_process.queue)
    yield celery_worker_process
    app.conf.task_default_queue = previous


def wait_for(predicate: Any, timeout: float = 30.0, interval: float = 0.2) -> Any:
    """Poll until predicate() is truthy (the worker runs in another process); fail after timeout."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


# --- A real browser ------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: Any):
    """A 360-px-wide phone, as Director Wang's."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


def browser_login(page: Any, username: str, password: str = "Shouhu-test-1") -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state("networkidle")


def celery_app_on(broker_url: str) -> Any:
    """A Celery app with the project's settings but another broker (e.g. a dead port)."""
    from celery import Celery

    app = Celery("shouhu-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = broker_url
    app.conf.result_backend = broker_url
    return app


@pytest.fixture
def broker_down(monkeypatch: Any) -> Any:
    """Everything the outbox publishes goes to a broker that does not answer (a closed local port)."""
    import core.outbox

    dead = celery_app_on("redis://127.0.0.1:1/0")
    monkeypatch.setattr(core.outbox, "celery_app", lambda: dead)
    return dead
