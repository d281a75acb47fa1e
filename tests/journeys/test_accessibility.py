"""axe-core (WCAG 2.0/2.1 A and AA) on the key page of each journey, in Chinese, on a 360-px phone and
a 1280-px desk: no serious or critical violation (issue 14, item 9).

axe-core is the copy that the ``axe-playwright-python`` package ships (requirements-dev.txt), injected
with ``page.evaluate`` so nothing is fetched while the test runs and the pages' CSP stays as it is.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from django.utils import timezone

from programmes import services as programme_services
from tests.conftest import _watch_csp, browser_login
from tests.factories import ReferralFactory, make_case
from tests.registry.conftest import build_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
SERIOUS = {"serious", "critical"}


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical violations axe finds on the page as it stands."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    results = page.evaluate(f"axe.run(document, {json.dumps(OPTIONS)})")
    return [v for v in results["violations"] if v["impact"] in SERIOUS]


def _describe(found: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for where, violations in found.items():
        for v in violations:
            targets = [f"{' '.join(map(str, node['target']))} {node['html'][:100]}" for node in v["nodes"][:5]]
            lines.append(f"{where}: {v['id']} ({v['impact']}, {len(v['nodes'])}×) {targets}")
    return "\n".join(lines)


@pytest.fixture
def journeys(cast):
    """Something true on every page: a referral to triage, a case with a visit, a session to take
    attendance for, register files for the director."""
    today = timezone.localdate()
    ReferralFactory(location=cast.village, created_by=cast.referrer, urgency="immediate", child_name="转介小华")
    for _ in range(2):
        make_case(lead_worker=cast.worker)
    programme = programme_services.programme_create(
        actor=cast.manager,
        kind="after_school_class",
        title="四点半课堂",
        starts_on=today.replace(day=1),
        facilitators=[cast.worker],
    )
    programme_services.enrolment_add(
        actor=cast.manager, programme=programme, case=cast.case, joined_on=today.replace(day=1)
    )
    session = programme_services.session_record(
        actor=cast.worker, programme=programme, date=today, duration_minutes=90, topic="作业辅导", attendees=None
    )
    build_register(cast)
    return {
        None: ["/accounts/login/"],
        "wang": ["/referrals/new/", "/referrals/"],
        "xiaochen": ["/cases/", f"/cases/{cast.case.pk}/", f"/programmes/sessions/{session.pk}/attendance/"],
        "liu": ["/referrals/queue/", "/reports/dashboard/"],
        "zhouzr": ["/registry/", "/registry/files/"],
    }


@pytest.mark.parametrize("width", [360, 1280])
def test_no_serious_accessibility_violation_on_the_journeys_pages(browser, live_server, journeys, width, shot):
    found: dict[str, list[dict[str, Any]]] = {}
    csp: list[list[str]] = []
    for username, urls in journeys.items():
        phone = width < 600
        context = browser.new_context(
            viewport={"width": width, "height": 740 if phone else 900},
            locale="zh-CN",
            is_mobile=phone,
            has_touch=phone,
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        csp.append(_watch_csp(page))
        try:
            if username:
                browser_login(page, username)
            for url in urls:
                page.goto(page.base_url + url)
                page.wait_for_load_state("networkidle")
                assert page.evaluate("document.documentElement.lang").startswith("zh"), url
                violations = axe_violations(page)
                if violations:
                    found[f"{username or 'anonymous'} {url}"] = violations
                shot(page, f"{username or 'anonymous'}-{url.strip('/').replace('/', '-') or 'home'}")
        finally:
            context.close()
    assert not found, "axe-core found serious or critical violations:\n" + _describe(found)
    assert [v for seen in csp for v in seen] == [], "a page broke its Content Security Policy"


# --- every role's main pages: what its navigation links to (issue 14) ------------------------------

ROLES = ("xiaochen", "liu", "wang", "sun", "zhao", "huang", "admin1")  # worker, manager, referrer, volunteer,
# pledger, funder, admin
MAX_PAGES = 40
# The nav's own links and the account links beside them; not logging out, not downloads.
NAV_LINKS = """() => [...document.querySelectorAll('nav a[href]')]
    .map(a => new URL(a.getAttribute('href'), location.href))
    .filter(u => u.origin === location.origin)
    .map(u => u.pathname)"""
SKIPPED_SUFFIXES = (".csv", ".xlsx", ".pdf")
# Pages that read differently by role (the home page; the dashboard, suppressed for a funder): checked
# for every role that sees them.
PER_ROLE = {"/", "/reports/dashboard/"}


def crawl_plan(links_by_role: dict[str, list[str]], limit: int = MAX_PAGES) -> list[tuple[str, str]]:
    """(role, url) to check: each role's home page, then every nav link that no earlier role has been
    checked on (``PER_ROLE`` pages for every role), in nav order; at most ``limit``."""
    seen: set[str] = set()
    plan: list[tuple[str, str]] = []
    for role, links in links_by_role.items():
        for url in ["/", *links]:
            if url.endswith(SKIPPED_SUFFIXES) or (url in seen and url not in PER_ROLE) or (role, url) in plan:
                continue
            seen.add(url)
            plan.append((role, url))
    return plan[:limit]


def test_the_crawl_plan_checks_each_page_once_and_each_home_page():
    links = {"a": ["/", "/x/", "/y/", "/reports/dashboard/"], "b": ["/", "/y/", "/z/", "/r.csv", "/reports/dashboard/"]}
    plan = crawl_plan(links, limit=40)
    assert plan == [
        ("a", "/"),
        ("a", "/x/"),
        ("a", "/y/"),
        ("a", "/reports/dashboard/"),
        ("b", "/"),
        ("b", "/z/"),
        ("b", "/reports/dashboard/"),
    ]
    assert crawl_plan({"a": ["/x/", "/y/"]}, limit=2) == [("a", "/"), ("a", "/x/")]


@pytest.mark.parametrize("width", [360, 1280])
def test_no_serious_accessibility_violation_on_any_roles_main_pages(browser, live_server, journeys, width):
    """Each demo role logs in (Chinese, on a 360-px phone and at a 1280-px desk) and axe runs on every
    distinct page its navigation links to (at most 40 pages, one browser)."""
    found: dict[str, list[dict[str, Any]]] = {}
    checked: list[tuple[str, str]] = []
    csp: list[list[str]] = []
    seen: set[str] = set()
    phone = width < 600
    for username in ROLES:
        context = browser.new_context(
            viewport={"width": width, "height": 740 if phone else 900}, locale="zh-CN", is_mobile=phone, has_touch=phone
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        csp.append(_watch_csp(page))
        try:
            browser_login(page, username)
            page.goto(page.base_url + "/")
            page.wait_for_load_state("networkidle")
            links = page.evaluate(NAV_LINKS)
            assert len(links) >= 2, f"{username} sees no navigation"
            plan = crawl_plan(
                {username: [url for url in links if url not in seen or url in PER_ROLE]}, MAX_PAGES - len(checked)
            )
            for role, url in plan:
                seen.add(url)
                if url != "/":
                    page.goto(page.base_url + url)
                    page.wait_for_load_state("networkidle")
                assert page.evaluate("document.documentElement.lang").startswith("zh"), url
                checked.append((role, url))
                violations = axe_violations(page)
                if violations:
                    found[f"{role} {url}"] = violations
        finally:
            context.close()
    print(f"axe checked {len(checked)} pages: {checked}")
    assert len(checked) >= 20 and {role for role, _url in checked} == set(ROLES), checked
    assert not found, "axe-core found serious or critical violations:\n" + _describe(found)
    assert [v for seen_ in csp for v in seen_] == [], "a page broke its Content Security Policy"
