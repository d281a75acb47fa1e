"""The generated permission matrix (issue 15 item 7): every URL pattern of the project — pages and API,
today's and any added later — is requested by each role of NGO A, by NGO B's funder and anonymously,
with every id parameter filled by each of NGO B's objects, with GET and with an empty POST. No response
may be a 500, and no body may carry a marker planted in B's records (the child's name, the home visit's
notes, the referral's and the Alliance member's names). B's records are re-read at the end: nothing was
written. A new route joins the matrix by itself; the run prints the matrix's size."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cases.models import Activity, Case
from referrals.models import Referral
from tests.conftest import api_as, login

pytestmark = pytest.mark.django_db

# Not requested: Django's admin (superusers only, its own tests), static files, logging out (it would end
# the caller's session mid-matrix; tested in tests/accounts), the docs' script (no data).
SKIP = re.compile(r"^(admin/|static/|media/|__debug__/)|logout|/docs/")
PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _routes(resolver: Any = None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    found: list[str] = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _routes(entry, route)
        elif isinstance(entry, URLPattern):
            found.append(route)
    return sorted({r for r in found if not SKIP.search(r) and not r.startswith("^")})


def _urls(route: str, ids: list[int]) -> list[str]:
    params = PARAM.findall(route)
    if not params:
        return ["/" + route]
    values = [[str(i) for i in ids] if conv in ("int", "") else ["x"] for conv, _name in params]
    urls = []
    for combo in itertools.product(*values):
        parts = iter(combo)
        urls.append("/" + PARAM.sub(lambda _m, parts=parts: next(parts), route))
    return urls


def test_nothing_of_ngo_b_reaches_anyone_outside_it_on_any_route(city, capsys):
    b = city.b
    visit = Activity.objects.get(case=b.case)
    ids = sorted({b.case.pk, b.case.child_id, b.referral.pk, visit.pk, b.member.pk, b.contract.pk})
    markers = [b.child_name, b.secret, b.member.name]
    from accounts.models import Role
    from tests.factories import UserFactory

    a_org = city.a.organisation
    callers = {
        "a-manager": city.a.manager,
        "a-worker": city.a.worker,
        "a-referrer": UserFactory(role=Role.REFERRER, organisation=a_org, member=city.a.member),
        "a-volunteer": UserFactory(role=Role.VOLUNTEER, organisation=a_org),
        "a-pledger": UserFactory(role=Role.PLEDGER, organisation=a_org),
        "a-children-director": UserFactory(role=Role.CHILDREN_DIRECTOR, organisation=a_org, location=city.village),
        "b-funder": city.funder,
        "anonymous": None,
    }
    routes = _routes()
    assert len(routes) > 100  # the whole project, pages and API
    before = (
        Case.objects.filter(pk=b.case.pk).values_list("version", "status", "lead_worker_id").get(),
        Referral.objects.filter(pk=b.referral.pk).values_list("status", "child_name").get(),
        visit.summary,
    )
    combos, leaks, errors = 0, [], []
    for who, user in callers.items():
        page, api = login(user), api_as(user)
        for route in routes:
            client = api if route.startswith("api/") else page
            for url in _urls(route, ids):
                for method in ("get", "post"):
                    response = getattr(client, method)(url)
                    combos += 1
                    body = response.content.decode("utf-8", "replace") if not response.streaming else ""
                    if response.status_code >= 500:
                        errors.append((who, method, url, response.status_code))
                    for marker in markers:
                        if marker in body:
                            leaks.append((who, method, url, marker))
    with capsys.disabled():
        print(
            f"\npermission matrix: {len(routes)} routes × {len(callers)} callers × {len(ids)} ids × 2 methods → "
            f"{combos} requests, leaks = {len(leaks)}, server errors = {len(errors)}"
        )
    assert leaks == [], "\n".join(map(str, leaks))
    assert errors == []
    after = (
        Case.objects.filter(pk=b.case.pk).values_list("version", "status", "lead_worker_id").get(),
        Referral.objects.filter(pk=b.referral.pk).values_list("status", "child_name").get(),
        Activity.objects.get(pk=visit.pk).summary,
    )
    assert after == before
