"""The fast visibility path (narrow ids, UNIONs, stored due dates) shows exactly what the plain
policy shows: stock guardian over the same grants, the caseload by a plain OR + DISTINCT, and
due dates computed from the activities. Every user, every page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_objects_for_user

from accounts.models import Role
from cases import selectors, services
from cases.due import drifted_case_ids, refresh_due_dates, visit_interval_days
from cases.models import Activity, Case, CaseFlag
from cases.permissions import case_scope, get_case_for_user, sees_all_cases
from tests.factories import UserFactory, make_case

TODAY = timezone.localdate()


def plain_visible(user) -> list[int]:
    """The policy said plainly: managers and admins see all; social workers what stock guardian
    gives them for ``view_case`` (own and group grants); everyone else nothing."""
    if not user.is_active:
        return []
    if sees_all_cases(user):
        qs = Case.objects.all()
    elif user.has_role(Role.SOCIAL_WORKER):
        qs = get_objects_for_user(user, "cases.view_case", klass=Case, accept_global_perms=False)
    else:
        return []
    return list(qs.order_by("-opened_on", "-pk").values_list("pk", flat=True))


def plain_caseload(user, worker=None) -> list[int]:
    """The caseload as it was written before: OR over the team join + DISTINCT, the last home
    visit computed per row from the activities."""
    ids = plain_visible(user)
    cases = Case.objects.filter(pk__in=ids).exclude(status="closed")
    target = worker or user
    if worker is not None or not sees_all_cases(user):
        cases = cases.filter(Q(lead_worker=target) | Q(team=target)).distinct()
    last = Activity.objects.filter(case=OuterRef("pk"), kind="home_visit").order_by("-date").values("date")[:1]
    flags = (
        CaseFlag.objects.filter(case=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    cases = (
        cases.annotate(
            computed_last=Subquery(last, output_field=DateField()),
            flag_n=Coalesce(Subquery(flags, output_field=IntegerField()), Value(0)),
            rank=selectors.RISK_RANK,
        )
        .annotate(
            due=ExpressionWrapper(
                Coalesce(F("computed_last"), F("opened_on")) + visit_interval_days(), output_field=DateField()
            )
        )
        .annotate(
            late=ExpressionWrapper(Q(due__lt=TODAY), output_field=BooleanField()),
            due_today=ExpressionWrapper(Q(due=TODAY), output_field=BooleanField()),
        )
        .order_by("-late", "-due_today", "-flag_n", "rank", "due", "pk")
    )
    return list(cases.values_list("pk", flat=True))


def fast_caseload(user, worker=None, page_size=3) -> list[int]:
    rows = selectors.caseload_for(user, worker=worker)
    ids, start = [], 0
    while True:
        page = rows[start : start + page_size]
        ids += [c.pk for c in page]
        if len(page) < page_size:
            return ids
        start += page_size


@pytest.fixture
def city(db):
    """Workers, a manager, an admin, a referrer, an inactive worker, an area group with grants,
    shared cases, reassignments, read-only shares, access that was given and then ended, closed
    cases, flags and visits."""
    w = [UserFactory(username=f"w{i}", role=Role.SOCIAL_WORKER) for i in range(6)]
    manager = UserFactory(username="mgr", role=Role.MANAGER)
    admin = UserFactory(username="adm", role=Role.ADMIN)
    referrer = UserFactory(username="ref", role=Role.REFERRER)
    gone = UserFactory(username="gone", role=Role.SOCIAL_WORKER)
    area = Group.objects.create(name="片区组-东")
    w[3].groups.add(area)
    w[4].groups.add(area)
    risks = ["low", "medium", "high", "immediate"]
    cases = []
    for i in range(24):
        lead = w[i % 3] if i % 8 else gone
        case = make_case(
            lead_worker=lead,
            risk_level=risks[i % 4],
            status="active" if i % 5 else "assessment",
            opened_on=TODAY - dt.timedelta(days=10 + (i * 7) % 90),
        )
        cases.append(case)
    gone.is_active = False
    gone.save()
    for i, case in enumerate(cases):
        if i % 3 == 0:
            services.activity_record(
                actor=case.lead_worker,
                case=case,
                kind="home_visit",
                date=TODAY - dt.timedelta(days=i % 11),
                summary="家访",
            )
        if i % 4 == 1:
            services.activity_record(actor=case.lead_worker, case=case, kind="phone_call", date=TODAY, summary="电话")
        if i % 6 == 2:
            services.flag_add(actor=case.lead_worker, case=case, message="注意")
    # Shared: team members (w1 on two of w0's cases, w5 on one).
    services.case_team_add(actor=manager, case=cases[1], user=w[1])
    services.case_team_add(actor=manager, case=cases[4], user=w[1])
    services.case_team_add(actor=manager, case=cases[4], user=w[5])
    # Reassigned: the previous lead loses access, unless they stay on the team.
    services.case_assign(actor=manager, case=cases[2], lead_worker=w[0])
    services.case_team_add(actor=manager, case=cases[5], user=w[2])
    services.case_assign(actor=manager, case=cases[5], lead_worker=w[1])
    # Group grants: the area group sees three cases (one read-only, one later closed).
    for case in (cases[6], cases[7], cases[9]):
        assign_perm("cases.view_case", area, case)
    assign_perm("cases.change_case", area, cases[6])
    # A read-only share to one person.
    assign_perm("cases.view_case", w[5], cases[10])
    # Time-limited access: given, then ended (the team member removed; a direct grant revoked).
    services.case_team_add(actor=manager, case=cases[11], user=w[4])
    services.case_team_remove(actor=manager, case=cases[11], user=w[4])
    services.grant_case_access(case=cases[13], user=w[3])
    services.revoke_case_access(case=cases[13], user=w[3])
    # Team membership without a grant (revoked directly): on the team, but not visible.
    services.case_team_add(actor=manager, case=cases[14], user=w[5])
    services.revoke_case_access(case=cases[14], user=w[5])
    # Closed cases leave caseloads, stay visible.
    for case in (cases[7], cases[16]):
        services.case_close(actor=manager, case=case, closed_on=TODAY, closure_reason="目标达成")
    # A risk change moves the due date.
    current = Case.objects.get(pk=cases[3].pk)
    services.case_update(actor=manager, case=current, version=current.version, risk_level="immediate", reason="恶化")
    users = [*w, manager, admin, referrer, gone]
    return {"users": users, "workers": w, "manager": manager, "cases": cases}


def test_stored_visit_dates_match_the_activities(city):
    assert drifted_case_ids() == []
    case = city["cases"][0]
    Case.objects.filter(pk=case.pk).update(next_visit_due=TODAY + dt.timedelta(days=999), last_home_visit=None)
    assert drifted_case_ids() == [case.pk]
    refresh_due_dates([case.pk])
    assert drifted_case_ids() == []


def test_fast_caseload_is_the_plain_caseload_for_every_user(city):
    checked = 0
    for user in city["users"]:
        expected = plain_caseload(user)
        assert fast_caseload(user) == expected, user.username
        assert selectors.caseload_for(user).count() == len(expected)
        checked += len(expected)
    for worker in city["workers"]:
        assert fast_caseload(city["manager"], worker=worker) == plain_caseload(city["manager"], worker=worker)
    assert checked > 30  # the dataset really has caseloads to compare
    # The shapes the dataset was built for are really in it.
    w = city["workers"]
    c = city["cases"]
    assert c[4].pk in fast_caseload(w[5]) and c[11].pk not in fast_caseload(w[4])
    assert c[14].pk not in fast_caseload(w[5]) and c[5].pk in fast_caseload(w[2])


def test_fast_api_list_is_stock_guardian_for_every_user(city, api_for):
    for user in city["users"]:
        expected = plain_visible(user)
        client = api_for(user)
        for page_size in (5, 25):
            got, url = [], f"/api/v1/cases/?page_size={page_size}"
            while url:
                response = client.get(url)
                if not user.is_active or not user.has_role(Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER):
                    assert response.status_code in (401, 403), user.username
                    break
                assert response.status_code == 200, user.username
                body = response.json()
                assert body["count"] == len(expected)
                got += [row["id"] for row in body["results"]]
                url = body["next"]
            else:
                assert got == expected, (user.username, page_size)


def test_both_plans_of_the_visible_ids_are_stock_guardian(city):
    for user in city["users"]:
        expected = plain_visible(user)
        for many in (False, True):
            got = list(case_scope(user, many_grants=many).order_by("-opened_on", "-pk").values_list("pk", flat=True))
            assert got == expected, (user.username, many)


def test_case_page_access_is_the_plain_policy_for_every_case(city):
    for user in city["users"]:
        visible = set(plain_visible(user))
        for case in Case.objects.all():
            try:
                get_case_for_user(user, case.pk)
                assert case.pk in visible, (user.username, case.pk)
            except Http404:
                assert case.pk not in visible, (user.username, case.pk)


def _cases_for(worker, n):
    for i in range(n):
        case = make_case(lead_worker=worker, risk_level=["low", "high"][i % 2])
        if i % 3 == 0:
            case.flags.create(message=f"flag {i}")


@pytest.mark.parametrize("role", ["worker", "manager"])
@pytest.mark.parametrize("page_size", [10, 25, 100])
def test_caseload_page_queries_are_constant(cast, client_for, django_assert_num_queries, page_size, role):
    from tests.factories import ContractFactory

    contract = ContractFactory(caseload_target=40)
    _cases_for(cast.worker, 60)
    _cases_for(cast.colleague, 50)
    Case.objects.filter(lead_worker=cast.colleague).update(contract=contract)
    user = cast.worker if role == "worker" else cast.manager
    client = client_for(user)
    client.get("/cases/")  # the session is saved once
    # Session, user; the page's figures in one statement (count, overdue / due-today counts, the village
    # filter's choices; a manager's team table and running contract too); the page's rows with their open
    # flags; the audit row naming the cases shown (issue 15); the bell.
    with django_assert_num_queries(6):
        response = client.get(f"/cases/?per_page={page_size}")
    assert response.status_code == 200
    total = 61 if role == "worker" else 111  # + the cast's own case
    assert len(response.context["cases"]) == min(page_size, total)
    assert response.context["page"].paginator.count == total
    if role == "manager":
        assert {w.username: w.open_cases for w in response.context["team"]}[cast.colleague.username] == 50
        assert response.context["contract_cases"] == Case.objects.filter(contract=contract).count() >= 50


@pytest.mark.parametrize("page_size", [10, 25, 100])
def test_case_api_list_queries_are_constant(cast, api_for, django_assert_num_queries, page_size):
    _cases_for(cast.worker, 30)
    client = api_for(cast.worker)
    client.get("/api/v1/cases/")  # per-process lookups (permission ids) are made once
    # The plan choice (how many grants), the count of ids, the page's rows, the audit row (issue 15),
    # the page's entitlements (one prefetch, issue 12).
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/cases/?page_size={page_size}")
    assert response.status_code == 200
    assert response.json()["count"] == 31
    assert len(response.json()["results"]) == min(page_size, 31)


@pytest.mark.parametrize("entries", [10, 25, 100])
def test_case_page_queries_are_constant(cast, client_for, django_assert_num_queries, entries):
    from tests.factories import ActivityFactory

    case = cast.case
    for i in range(entries):
        ActivityFactory(case=case, recorded_by=cast.worker)
        if i % 5 == 0:
            services.flag_add(actor=cast.worker, case=case, message=f"注意 {i}")
    services.case_team_add(actor=cast.manager, case=case, user=cast.colleague)
    client = client_for(cast.worker)
    client.get(f"/cases/{case.pk}/")  # the session is saved once
    # session, user, the case; one INSERT auditing the case and the child; the flags (the timeline's and
    # the open ones); the timeline's activities, risk changes, history, referral, pledge requests and group
    # sessions; the links' visibility check and multi-agency case; may change; the bell; household; team;
    # the colleagues the case may be shared with (the Team card).
    with django_assert_num_queries(18):
        response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    assert len(response.context["flags"]) == len(range(0, entries, 5))
    assert sum(1 for e in response.context["timeline"] if e.kind == "activity") >= entries
