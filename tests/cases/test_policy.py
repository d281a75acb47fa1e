"""The case access policy answers every action the same way for pages, API and services:
404 for a case the user may not see, 403 for one they see but may not act on."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.models import Activity, Case, ClosureRequest
from cases.permissions import (
    activities_visible_to,
    check_case_action,
    check_caseload_action,
    check_works_on_cases,
    get_case_for_user,
    get_closure_request_for_user,
)
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

ACTIONS = ("view", "change", "assign", "close", "approve")
# who → the answer for each action, in the order of ACTIONS ("ok", 403 or 404)
EXPECTED = {
    "admin": ("ok", "ok", "ok", "ok", "ok"),
    "manager": ("ok", "ok", "ok", "ok", "ok"),
    "worker": ("ok", "ok", 403, 403, 403),
    "colleague": (404, 404, 404, 404, 404),
    "referrer": (404, 404, 404, 404, 404),
    "pledger": (404, 404, 404, 404, 404),
    "volunteer": (404, 404, 404, 404, 404),
    "funder": (404, 404, 404, 404, 404),
}


def _answer(user, pk, action):
    try:
        case = get_case_for_user(user, pk, action=action)
    except Http404:
        return 404
    except PermissionDenied:
        return 403
    assert case.pk == pk
    return "ok"


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_and_action_on_the_workers_case(cast, role):
    user = cast.by_role()[role]
    answers = tuple(_answer(user, cast.case.pk, action) for action in ACTIONS)
    assert answers == EXPECTED[role]


def test_a_missing_or_malformed_id_is_404_like_a_hidden_one(cast):
    for pk in (999999, "abc", None):
        assert _answer(cast.manager, pk, "view") == 404


def test_the_lead_worker_may_not_change_a_closed_case_but_may_read_it(cast):
    Case.objects.filter(pk=cast.case.pk).update(status="closed", closed_on=cast.case.opened_on)
    assert _answer(cast.worker, cast.case.pk, "view") == "ok"
    assert _answer(cast.worker, cast.case.pk, "change") == 403
    assert _answer(cast.manager, cast.case.pk, "change") == "ok"


def test_the_older_for_change_spelling_is_the_change_action(cast):
    Case.objects.filter(pk=cast.case.pk).update(status="closed", closed_on=cast.case.opened_on)
    with pytest.raises(PermissionDenied):
        get_case_for_user(cast.worker, cast.case.pk, for_change=True)


def test_services_ask_the_same_policy(cast):
    check_case_action(cast.manager, cast.case, "approve")
    with pytest.raises(PermissionDenied):
        check_case_action(cast.worker, cast.case, "approve")


def test_caseload_actions_are_for_managers(cast):
    for action in ("see_all", "export", "approve"):
        check_caseload_action(cast.manager, action)
        check_caseload_action(cast.admin, action)
        with pytest.raises(PermissionDenied):
            check_caseload_action(cast.worker, action)


def test_only_project_staff_work_on_cases(cast):
    for user in (cast.admin, cast.manager, cast.worker, cast.colleague):
        check_works_on_cases(user)
    for user in (cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        with pytest.raises(PermissionDenied):
            check_works_on_cases(user)


def test_closure_request_policy(cast):
    closure = ClosureRequest.objects.create(
        case=cast.case, requested_by=cast.worker, closed_on=cast.case.opened_on, reason="目标达成"
    )
    assert get_closure_request_for_user(cast.manager, closure.pk, action="approve") == closure
    assert get_closure_request_for_user(cast.worker, closure.pk) == closure
    with pytest.raises(PermissionDenied):
        get_closure_request_for_user(cast.worker, closure.pk, action="approve")
    with pytest.raises(Http404):
        get_closure_request_for_user(cast.colleague, closure.pk, action="approve")
    with pytest.raises(Http404):
        get_closure_request_for_user(cast.manager, 999999)


def test_sensitive_activities_only_for_the_lead_worker_and_managers(cast):
    from cases.services import case_team_add

    case_team_add(actor=cast.manager, case=cast.case, user=cast.colleague)
    plain = ActivityFactory(case=cast.case, sensitive=False)
    secret = ActivityFactory(case=cast.case, sensitive=True)
    assert set(activities_visible_to(cast.worker)) == {plain, secret}
    assert set(activities_visible_to(cast.manager)) == {plain, secret}
    assert set(activities_visible_to(cast.colleague)) == {plain}
    assert not activities_visible_to(cast.referrer).exists()
    assert Activity.objects.filter(case=cast.case).count() == 2


def test_a_worker_refused_an_assignment_changes_nothing(cast, client_for):
    response = client_for(cast.worker).post(f"/cases/{cast.case.pk}/assign/", {"lead_worker": cast.colleague.pk})
    assert response.status_code == 403
    cast.case.refresh_from_db()
    assert cast.case.lead_worker == cast.worker


def test_a_worker_may_not_open_the_approvals(cast, client_for):
    assert client_for(cast.worker).get("/cases/approvals/").status_code == 403
    assert client_for(cast.manager).get("/cases/approvals/").status_code == 200
