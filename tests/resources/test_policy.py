"""Promise First's request policy: the member asked and the staff see a request; only staff cancel it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from resources.models import PledgeRequestStatus
from resources.permissions import get_pledge_request_for_user
from resources.services import request_create
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(cast):
    pledge = PledgeFactory(
        member=cast.pledger.member, kind="goods", description="书包", valid_from=timezone.localdate().replace(day=1)
    )
    return request_create(actor=cast.worker, case=cast.case, pledge=pledge, need="书包", what="书包和文具")


def test_the_member_asked_sees_and_answers_but_may_not_cancel(cast, asked):
    assert get_pledge_request_for_user(cast.pledger, asked.pk) == asked
    assert get_pledge_request_for_user(cast.pledger, asked.pk, action="answer") == asked
    with pytest.raises(PermissionDenied):
        get_pledge_request_for_user(cast.pledger, asked.pk, action="cancel")


def test_staff_who_see_the_case_cancel(cast, asked):
    assert get_pledge_request_for_user(cast.worker, asked.pk, action="cancel") == asked
    assert get_pledge_request_for_user(cast.manager, asked.pk, action="cancel") == asked


def test_others_get_404(cast, asked):
    for user in (cast.colleague, cast.referrer, cast.volunteer, cast.funder):
        with pytest.raises(Http404):
            get_pledge_request_for_user(user, asked.pk)
    with pytest.raises(Http404):
        get_pledge_request_for_user(cast.manager, "x")


def test_a_pledger_cancelling_is_refused_and_nothing_changes(cast, asked, client_for):
    response = client_for(cast.pledger).post(f"/promises/requests/{asked.pk}/cancel/")
    assert response.status_code == 403
    asked.refresh_from_db()
    assert asked.status == PledgeRequestStatus.REQUESTED
