"""The referral policy: a referrer sees their own referrals and may not triage; staff triage."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from referrals.models import Referral
from referrals.permissions import get_referral_for_user
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(cast):
    return ReferralFactory(location=cast.village, created_by=cast.referrer, referrer_member=cast.referrer.member)


def test_the_referrer_sees_their_referral_but_may_not_triage_it(cast, referral):
    assert get_referral_for_user(cast.referrer, referral.pk) == referral
    with pytest.raises(PermissionDenied):
        get_referral_for_user(cast.referrer, referral.pk, action="triage")


def test_another_referrer_and_other_roles_get_404(cast, referral):
    for user in (cast.other_referrer, cast.pledger, cast.volunteer, cast.funder):
        with pytest.raises(Http404):
            get_referral_for_user(user, referral.pk)
        with pytest.raises(Http404):
            get_referral_for_user(user, referral.pk, action="triage")


def test_staff_triage(cast, referral):
    for user in (cast.worker, cast.colleague, cast.manager, cast.admin):
        assert get_referral_for_user(user, referral.pk, action="triage") == referral
    assert get_referral_for_user(cast.worker, referral.pk, for_triage=True) == referral


def test_a_referrer_posting_a_triage_decision_is_refused_and_nothing_changes(cast, referral, client_for):
    response = client_for(cast.referrer).post(f"/referrals/{referral.pk}/decline/", {"reason": "x"})
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == Referral._meta.get_field("status").default
