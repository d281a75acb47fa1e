"""The fixed cast every test can use, one per role, plus clients logged in as each of them."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import LocationFactory, MemberFactory, UserFactory, make_case
from tests.planted import RECORDER, leaks_in, redis_leaks

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
    _isolate_broker()
    # Every log record of the run is checked for the planted child (tests/planted.py).
    RECORDER.install()
    # Argon2 is the production hasher (asserted in tests/accounts/test_login.py); tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    _flush_past_the_audit_triggers()
    # Rate-limit counters per test, in memory (tests/accounts/test_throttles.py proves them on Redis too).
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"},
    }


def _flush_past_the_audit_triggers() -> None:
    """Transactional tests end with ``flush`` (TRUNCATE of every table), which the audit log refuses
    (core migration 0006). The test database's superuser flushes with triggers off for that one
    transaction; the application's role (shouhu_app) may not set session_replication_role."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush
    if getattr(original, "_past_audit_triggers", False):
        return

    def execute_sql_flush(self: Any, sql_list: list[str]) -> None:
        original(self, ["SET LOCAL session_replication_role = replica", *sql_list])

    execute_sql_flush._past_audit_triggers = True  # type: ignore[attr-defined]
    DatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _rate_limits_fresh():
    """Each test starts with no rate-limit counters and the throttle cache's breaker closed."""
    from django.core.cache import caches

    from accounts.throttles import CACHE_ALIAS, reset_cache_breaker

    caches[CACHE_ALIAS].clear()
    reset_cache_breaker()
    yield


@pytest.fixture(autouse=True)
def _outbox_relay_fresh():
    """Each test starts with the outbox relay's circuit breaker closed, and leaves its relay idle."""
    from core import outbox

    outbox.reset_breaker()
    yield
    outbox.wait_for_relay(timeout=10)
    outbox.reset_breaker()


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


@pytest.fixture
def pledge(cast: Cast) -> Any:
    """The pledger's promise of goods (a schoolbag and stationery), valid from the first of this month."""
    from django.utils import timezone

    from tests.factories import PledgeFactory

    today = timezone.localdate()
    return PledgeFactory(
        member=cast.pledger.member, kind="goods", description="书包和文具", valid_from=today.replace(day=1)
    )


@pytest.fixture
def asked(cast: Cast, pledge: Any) -> Any:
    """The lead worker's request of that promise for the cast's case, waiting for the member's answer."""
    from resources.services import request_create

    return request_create(actor=cast.worker, case=cast.case, pledge=pledge, need="书包", what="书包和文具")


@dataclass
class Elsewhere:
    """Another NGO on the instance, with a manager and a social worker: the outsider organisation."""

    organisation: Any
    manager: Any
    worker: Any


@pytest.fixture
def elsewhere(db: Any) -> Elsewhere:
    from organisations.models import Organisation

    organisation = Organisation.objects.create(name="外地社工服务中心", kind="ngo")
    return Elsewhere(
        organisation=organisation,
        manager=UserFactory(username="waidi_mgr", role=Role.MANAGER, organisation=organisation),
        worker=UserFactory(username="waidi_sw", role=Role.SOCIAL_WORKER, organisation=organisation),
    )


@pytest.fixture
def in_english():
    """The test reads messages in English (services translate them when they raise)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def login(user: Any, *, verified: bool = True) -> Client:
    """A client logged in as ``user``; its session is past the second step of two-factor login unless
    ``verified=False`` (accounts.two_factor.mark_session_verified)."""
    client = Client()
    if user is not None:
        client.force_login(user)
        if verified:
            from accounts.two_factor import mark_session_verified

            mark_session_verified(client.session)
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


# --- The session's own broker: its own Redis database and its own queue names ----------------------

# `make run` uses Redis db 0; a test session never does (db 0 in the URL becomes SHOUHU_TEST_REDIS_DB).
TEST_REDIS_DB = int(os.environ.get("SHOUHU_TEST_REDIS_DB", "15"))
SESSION_ID = uuid.uuid4().hex[:10]
# Tasks published by a test that has no worker land here (the default queue) and are discarded after
# the test; a developer's worker (queue "celery") never sees them.
IDLE_QUEUE = f"shouhu-test-{SESSION_ID}"
# The session's real worker consumes only this one (see ``celery_worker``).
WORKER_QUEUE = f"shouhu-test-{SESSION_ID}-worker"
_discarded: dict[str, int] = {}
_celery_queue_at_start: list[int] = []


def _isolate_broker() -> None:
    from config.celery import app

    url = urlsplit(settings.CELERY_BROKER_URL)
    if (url.path.strip("/") or "0") == "0":
        url = url._replace(path=f"/{TEST_REDIS_DB}")
    broker = urlunsplit(url)
    settings.REDIS_URL = settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = broker
    os.environ["REDIS_URL"] = broker
    app.conf.broker_url = app.conf.result_backend = broker
    settings.CELERY_TASK_DEFAULT_QUEUE = os.environ["CELERY_TASK_DEFAULT_QUEUE"] = IDLE_QUEUE
    app.conf.task_default_queue = IDLE_QUEUE


def _redis() -> Any:
    import redis

    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2)


def _session_queue_lengths() -> dict[str, int]:
    """Every list in the test Redis database that belongs to this session (priority sub-queues included)."""
    r = _redis()
    return {
        key.decode(): r.llen(key) for key in r.scan_iter(match=f"shouhu-test-{SESSION_ID}*") if r.type(key) == b"list"
    }


@pytest.fixture(autouse=True)
def _no_task_outlives_its_test(request: Any):
    """A task a test published with no worker to run it is discarded from the idle queue after the test."""
    yield
    import redis

    try:
        r = _redis()
        left = r.llen(IDLE_QUEUE)
        if left:
            r.delete(IDLE_QUEUE)
            _discarded[request.node.nodeid] = left
    except redis.RedisError:
        pass


def pytest_sessionstart(session: Any) -> None:
    import redis

    try:
        _celery_queue_at_start.append(_redis().llen("celery"))
    except redis.RedisError:
        pass


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """At session end (workers stopped) every queue the session used is empty, and "celery" did not grow."""
    import redis

    try:
        left = {queue: n for queue, n in _session_queue_lengths().items() if n}
        grown = _redis().llen("celery") - (_celery_queue_at_start or [0])[0]
    except redis.RedisError:
        return
    if grown > 0:
        left["celery"] = grown
    if left:
        print(f"\nFAILED broker check: tasks left in the test session's queues: {left}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    _planted_name_check(session)


_planted: dict[str, Any] = {}
_worker_logs: list[Any] = []


def _planted_name_check(session: Any) -> None:
    """The planted child (tests/planted.py) in no log record of the run, no worker's log and no key or
    value of the session's Redis database: otherwise the run fails."""
    import redis

    leaks = list(RECORDER.leaks)
    for path in _worker_logs:
        if path.exists() and (found := leaks_in([path.read_bytes()])):
            leaks.append(f"worker log {path.name}: {', '.join(found)}")
    try:
        r = _redis()
        keys = r.dbsize()
        leaks += [f"Redis key {key}: {', '.join(found)}" for key, found in redis_leaks(r).items()]
    except redis.RedisError:
        keys = None
    _planted.update(records=RECORDER.seen, keys=keys, leaks=leaks)
    if leaks:
        print("\nFAILED planted-name check: the planted child leaked into\n  " + "\n  ".join(leaks))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _planted:
        terminalreporter.write_line(
            f"planted-name check: {_planted['records']} log records, {len(_worker_logs)} worker log(s), "
            f"{_planted['keys']} Redis keys scanned, leaks = {len(_planted['leaks'])}"
        )
    if _discarded:
        total = sum(_discarded.values())
        terminalreporter.write_line(
            f"broker: {total} task(s) published by {len(_discarded)} test(s) without a worker were discarded "
            f"from {IDLE_QUEUE} (Redis {settings.CELERY_BROKER_URL})"
        )


# --- A real Celery worker against the session's Redis ----------------------------------------------


@dataclass
class WorkerHandle:
    queue: str
    process: Any
    mail_dir: Any
    log_path: Any = None

    def sent_mail(self) -> list[Any]:
        """Every message the worker sent (file e-mail backend), one per message, in sending order."""
        import email

        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk))
        return messages

    def mail_count_by_recipient(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for message in self.sent_mail():
            for address in message["To"].split(","):
                counts[address.strip()] = counts.get(address.strip(), 0) + 1
        return counts


def worker_env(**extra: str) -> dict[str, str]:
    """The environment of a worker subprocess: the moved clock, if any, at this very instant."""
    from django.utils import timezone

    env = dict(os.environ, **extra)
    if os.environ.get("SHOUHU_TEST_CLOCK"):
        env["SHOUHU_TEST_CLOCK_AT"] = timezone.now().isoformat()
    return env


def celery_command(*args: str) -> list[str]:
    import sys

    return [sys.executable, "-m", "tests.celery_main", "-A", "config", *args]


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
def celery_worker_process(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any):
    """A `celery worker` subprocess on the session's worker queue, talking to the test database and the
    session's Redis, writing the e-mails it sends to files (so tests count messages, not flags)."""
    import socket
    import subprocess
    import time
    from pathlib import Path

    from config.celery import app

    queue = WORKER_QUEUE
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    with django_db_blocker.unblock():
        db_url = _test_database_url()
    env = worker_env(
        DATABASE_URL=db_url,
        REDIS_URL=settings.CELERY_BROKER_URL,
        CELERY_TASK_DEFAULT_QUEUE=queue,  # what the worker itself publishes (e.g. its start-up drain) stays ours
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    )
    # The worker's log is kept: the planted-name check reads it at the end of the run.
    log_dir = Path(settings.BASE_DIR) / ".local"
    log_path = (log_dir if log_dir.is_dir() else tmp_path_factory.mktemp("worker-log")) / f"worker-{queue}.log"
    _worker_logs.append(log_path)
    log = open(log_path, "w")  # closed when the worker has stopped
    process = subprocess.Popen(
        celery_command(
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
        ),
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(destination=[f"{queue}@{socket.gethostname()}"], timeout=1.0)
        if replies:
            break
        if process.poll() is not None:
            raise RuntimeError("the Celery worker exited during start-up")
    else:
        process.kill()
        raise RuntimeError("the Celery worker did not answer within 60 s")
    yield WorkerHandle(queue=queue, process=process, mail_dir=mail_dir, log_path=log_path)
    # the worker finishes what it was given before it stops (warm shutdown), so its queue ends empty
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def celery_worker(celery_worker_process: WorkerHandle, transactional_db: Any):
    """Route every task sent during the test to this session's worker queue; its mailbox starts empty."""
    from config.celery import app

    for path in celery_worker_process.mail_dir.glob("*"):
        path.unlink()
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


def _watch_csp(page: Any) -> list[str]:
    """Every Content Security Policy violation the browser reports on ``page`` (the test fails on any)."""
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return violations


@pytest.fixture
def page(browser: Any, live_server: Any):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    violations = _watch_csp(page)
    yield page
    context.close()
    assert violations == [], "the page broke its Content Security Policy"


@pytest.fixture
def phone_page(browser: Any, live_server: Any):
    """A 360-px-wide phone, as Director Wang's."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    violations = _watch_csp(page)
    yield page
    context.close()
    assert violations == [], "the page broke its Content Security Policy"


def totp_device_for(username: str) -> Any:
    """The account's confirmed authenticator (made if missing), ready for a fresh code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    # a code of a time step already used is refused (no replay): each login of the test may reuse one
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    return device


def totp_code(device: Any) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def browser_login(page: Any, username: str, password: str = "Shouhu-test-1") -> None:
    """Logs in through the form; an account whose role needs two-factor gets an authenticator (made here)
    and types its current code on the code page, as a person would."""
    from accounts.models import User
    from accounts.two_factor import has_confirmed_device, second_factor_required

    user = User.objects.get(username=username)
    device = totp_device_for(username) if second_factor_required(user) or has_confirmed_device(user) else None
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    if device is not None:
        page.wait_for_selector("form[data-testid=otp-form]")
        page.fill("input[name=code]", totp_code(device))
        page.click("form[data-testid=otp-form] button[type=submit]")
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
