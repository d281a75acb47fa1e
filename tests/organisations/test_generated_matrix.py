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
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


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
    if "^" in route:  # a DRF router's regex route: "api/v1/^cases/(?P<pk>[^/.]+)/$" → "api/v1/cases/<pk>/"
        route = REGEX_GROUP.sub(lambda m: f"<{m['name']}>", route.replace("^", "").replace("$", ""))
    params = PARAM.findall(route)
    if not params:
        return ["/" + route]
    values = [[str(i) for i in ids] if conv in ("int", "") else ["x"] for conv, _name in params]
    urls = []
    for combo in itertools.product(*values):
        parts = iter(combo)
        urls.append("/" + PARAM.sub(lambda _m, parts=parts: next(parts), route))
    return urls


def _plant_b_records(city: Any) -> tuple[list[int], list[str]]:
    """B's multi-agency case (a partner, a task, a note, the interview), register file, programme with a
    session, training and case review: their ids join the matrix's, their texts its markers."""
    import datetime as dt

    from django.utils import timezone

    from multiagency import services as joint
    from multiagency.permissions import get_joint_access
    from organisations.models import Organisation
    from programmes.models import Programme, ProgrammeSession
    from registry.services import file_register
    from workforce import services as workforce

    b, today = city.b, timezone.localdate()
    case = joint.joint_case_open(actor=b.worker, case=b.case, summary="乙的多机构摘要")
    access = get_joint_access(b.worker, case.pk, action="manage")
    partner = joint.partner_invite(
        actor=b.worker,
        access=access,
        organisation=Organisation.objects.create(name="乙的合作律所", kind="law_firm"),
        role="legal_aid",
        scope="plan",
    )
    task = joint.task_add(
        actor=b.worker, access=access, organisation=b.organisation, title="乙的联合任务", due_on=today
    )
    note = joint.note_add(actor=b.worker, access=access, text="乙的机构笔记", confidential=False)
    interview = joint.interview_record(
        actor=b.worker, access=access, date=today, place="乙询问室", agencies=[b.organisation],
        attendees="乙的检察官", record="乙的询问记录",
    )  # fmt: skip
    file, _created = file_register(
        actor=b.manager, name="乙的册内儿童", birth_date=dt.date(today.year - 7, 1, 1), location=city.village,
        child_type="orphan",
    )  # fmt: skip
    programme = Programme.objects.create(
        organisation=b.organisation, kind="children_group", title="乙的小组", location=city.village, starts_on=today
    )
    session = ProgrammeSession.objects.create(
        programme=programme, date=today, duration_minutes=60, topic="乙的活动主题"
    )
    training = workforce.training_record(
        actor=b.manager, topic="乙的内部培训", profession="social_work", date=today, hours=2, attendees=[b.worker]
    )
    review = workforce.case_review_record(
        actor=b.manager, case=b.case, date=today, findings="乙的督导发现", points_met=[], actions="乙的改进措施"
    )
    ids = [
        case.pk,
        partner.pk,
        task.pk,
        note.pk,
        interview.pk,
        file.pk,
        programme.pk,
        session.pk,
        training.pk,
        review.pk,
    ]
    markers = ["乙的多机构摘要", "乙的联合任务", "乙的机构笔记", "乙的询问记录", "乙的册内儿童", "乙的活动主题", "乙的内部培训",
               "乙的督导发现"]  # fmt: skip
    return ids, markers


def _b_fingerprint(b: Any) -> tuple[Any, ...]:
    """B's planted rows as they stand: a write anywhere changes one."""
    from multiagency.models import ForensicInterview, JointCase, JointNote, JointTask, Partner
    from registry.models import ChildFile
    from workforce.models import CaseReview, Training

    return (
        JointCase.objects.count(),
        sorted(Partner.objects.values_list("organisation_id", "scope", "left_on")),
        sorted(JointTask.objects.values_list("title", "status", "outcome")),
        JointNote.objects.count(),
        ForensicInterview.objects.count(),
        sorted(ChildFile.objects.values_list("name", "status", "organisation_id")),
        Training.objects.count(),
        CaseReview.objects.count(),
    )


def test_nothing_of_ngo_b_reaches_anyone_outside_it_on_any_route(city, capsys):
    b = city.b
    visit = Activity.objects.get(case=b.case)
    planted_ids, planted_markers = _plant_b_records(city)
    ids = sorted({b.case.pk, b.case.child_id, b.referral.pk, visit.pk, b.member.pk, b.contract.pk, *planted_ids})
    markers = [b.child_name, b.secret, b.member.name, *planted_markers]
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
        _b_fingerprint(b),
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
        _b_fingerprint(b),
    )
    assert after == before
