"""The member policy: project staff see every member; a member may download only their own certificate."""

from __future__ import annotations

import pytest
from django.http import Http404

from alliance.permissions import get_member_for_user

pytestmark = pytest.mark.django_db


def test_staff_see_every_member(cast):
    member = cast.referrer.member
    for user in (cast.worker, cast.colleague, cast.manager, cast.admin):
        assert get_member_for_user(user, member.pk) == member
        assert get_member_for_user(user, member.pk, action="certificate") == member


def test_a_member_gets_only_their_own_certificate(cast):
    own, other = cast.referrer.member, cast.other_referrer.member
    assert get_member_for_user(cast.referrer, own.pk, action="certificate") == own
    for pk, action in ((own.pk, "view"), (other.pk, "certificate"), (other.pk, "view"), (999999, "certificate")):
        with pytest.raises(Http404):
            get_member_for_user(cast.referrer, pk, action=action)


def test_another_members_certificate_page_is_404(cast, client_for):
    other = cast.other_referrer.member
    assert client_for(cast.referrer).get(f"/alliance/{other.pk}/certificate/").status_code == 404
