"""The referral policy: a referrer sees their own referrals and may not triage; staff triage."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from referrals.models import Referral, ReferralStatus
from referrals.permissions import get_referral_for_user, referrals_visible_to
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


def test_a_deactivated_account_sees_no_referral_whatever_its_role(cast, referral):
    """A worker who has left (is_active off) keeps their role but reads nothing, not even the triage pool."""
    for user in (cast.worker, cast.manager, cast.referrer):
        assert referrals_visible_to(user).filter(pk=referral.pk).exists()
        user.is_active = False
        user.save(update_fields=["is_active"])
        assert not referrals_visible_to(user).exists()
        with pytest.raises(Http404):
            get_referral_for_user(user, referral.pk)


def test_a_referrer_sees_what_staff_entered_for_them_and_what_they_entered_for_others(cast):
    """Director Wang phoned and Xiao Chen typed it in (created_by is the worker): Wang still reads it. What Wang
    typed in herself for a neighbour's child (another member as referrer) stays hers to read too."""
    phoned = ReferralFactory(location=cast.village, created_by=cast.worker, referrer_member=cast.referrer.member)
    typed = ReferralFactory(location=cast.village, created_by=cast.referrer, referrer_member=cast.other_referrer.member)
    assert set(referrals_visible_to(cast.referrer).values_list("pk", flat=True)) == {phoned.pk, typed.pk}
    assert set(referrals_visible_to(cast.other_referrer).values_list("pk", flat=True)) == {typed.pk}


def test_a_referral_with_no_referrer_and_no_author_is_no_referrers_to_read(cast):
    """The hotline's referrals have neither a referring member nor a community author: no referrer reads them."""
    hotline = ReferralFactory(location=cast.village, channel="hotline", created_by=None, referrer_member=None)
    for user in (cast.referrer, cast.other_referrer):
        with pytest.raises(Http404):
            get_referral_for_user(user, hotline.pk)
    assert get_referral_for_user(cast.worker, hotline.pk, action="triage") == hotline


def test_a_declined_referral_about_a_visible_case_is_read_only_by_who_declined_it(cast):
    """The policy says declined and referred-on referrals are their triager's (and managers'): seeing the case the
    referral once pointed at does not open it to the case's worker."""
    declined = ReferralFactory(
        location=cast.village, case=cast.case, status=ReferralStatus.DECLINED, triaged_by=cast.colleague
    )
    with pytest.raises(Http404):
        get_referral_for_user(cast.worker, declined.pk)
    assert get_referral_for_user(cast.colleague, declined.pk) == declined
    assert get_referral_for_user(cast.manager, declined.pk) == declined
