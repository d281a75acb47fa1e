"""Unit tests of referrals.selectors and the referral policy on a dataset with the planted child:
the triage queue's order and scope, the triage limit on both sides of its hour, the duplicates a
worker is shown (only children she may see), and every role of two organisations on each action."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone, translation

from referrals.models import Referral
from referrals.permissions import get_referral_for_user, referrals_visible_to
from referrals.selectors import is_overdue, match_child, overdue_referrals, possible_duplicates, triage_queue
from referrals.services import referral_accept, referral_decline
from tests.factories import ChildFactory, ReferralFactory, make_case
from tests.planted import PLANTED_NAME

pytestmark = pytest.mark.django_db


def _received(referral: Referral, hours_ago: float) -> Referral:
    Referral.objects.filter(pk=referral.pk).update(received_at=timezone.now() - dt.timedelta(hours=hours_ago))
    return Referral.objects.get(pk=referral.pk)


# --- the triage queue ------------------------------------------------------------------------------


def test_the_queue_is_most_urgent_first_then_longest_waiting_and_only_undecided(cast):
    routine_old = _received(ReferralFactory(urgency="routine", location=cast.village), 50)
    soon_new = _received(ReferralFactory(urgency="soon", location=cast.village), 1)
    soon_old = _received(ReferralFactory(urgency="soon", location=cast.village), 10)
    immediate = _received(ReferralFactory(urgency="immediate", location=cast.village), 0.5)
    asked = ReferralFactory(urgency="routine", location=cast.village, status="needs_info")
    decided = ReferralFactory(urgency="immediate", location=cast.village)
    referral_decline(actor=cast.worker, referral=decided, reason="重复")
    queue = list(triage_queue(cast.colleague))
    assert queue == [immediate, soon_old, soon_new, routine_old, asked]


def test_another_organisations_staff_do_not_see_the_queue(cast, elsewhere):
    ReferralFactory(location=cast.village, child_name=PLANTED_NAME)
    assert triage_queue(cast.worker).count() == 1
    for user in (elsewhere.manager, elsewhere.worker):
        assert not triage_queue(user).exists()
    assert triage_queue(cast.admin).count() == 1


@pytest.mark.parametrize("who", ["pledger", "volunteer", "funder", "other_referrer"])
def test_roles_outside_triage_never_see_the_queue(cast, who):
    ReferralFactory(location=cast.village, child_name=PLANTED_NAME, created_by=cast.referrer)
    assert not triage_queue(getattr(cast, who)).exists()


# --- the triage limit ------------------------------------------------------------------------------


@pytest.mark.parametrize(("urgency", "limit_hours"), [("immediate", 2), ("soon", 48), ("routine", 120)])
def test_a_referral_is_late_just_after_its_limit_not_just_before(cast, urgency, limit_hours):
    now = timezone.now()
    before = _received(ReferralFactory(urgency=urgency, location=cast.village), limit_hours - 0.05)
    after = _received(ReferralFactory(urgency=urgency, location=cast.village), limit_hours + 0.05)
    late = set(overdue_referrals(now=now))
    assert after in late and before not in late
    assert is_overdue(after, now=now) and not is_overdue(before, now=now)


def test_a_decided_or_waiting_for_an_answer_referral_is_never_late(cast):
    asked = _received(ReferralFactory(urgency="immediate", location=cast.village, status="needs_info"), 10)
    decided = ReferralFactory(urgency="immediate", location=cast.village)
    referral_decline(actor=cast.worker, referral=decided, reason="重复")
    decided = _received(decided, 10)
    assert not overdue_referrals().filter(pk__in=[asked.pk, decided.pk]).exists()
    assert not is_overdue(asked) and not is_overdue(decided)


# --- duplicates ------------------------------------------------------------------------------------


def test_a_name_in_traditional_characters_and_the_same_village_is_a_match():
    with translation.override("en"):
        match = match_child(
            target_name="張曉雨", target_location_id=7, target_age=9, name="张晓雨", location_id=7, birth_date=None
        )
    assert match is not None
    score, reasons, names_alike = match
    assert names_alike and reasons == ["same name", "same village"]
    assert score == pytest.approx(3.0)  # a perfect name (2) and the same village (1)


def test_the_same_sound_in_other_characters_is_a_match_by_pinyin():
    match = match_child(
        target_name="王小雨", target_location_id=None, target_age=None, name="王晓宇", location_id=None, birth_date=None
    )
    assert match is not None and match[2] is True


def test_an_unlike_name_in_another_village_is_no_match():
    assert (
        match_child(
            target_name="王小雨", target_location_id=1, target_age=9, name="李建国", location_id=2, birth_date=None
        )
        is None
    )


def test_a_close_age_raises_the_score_a_distant_one_does_not():
    today = timezone.localdate()
    nine = dt.date(today.year - 9, today.month, 1)  # nine years old today
    common = {"target_name": "王小雨", "target_location_id": 3, "name": "王小雨", "location_id": 3, "birth_date": nine}
    close = match_child(target_age=10, **common)
    far = match_child(target_age=15, **common)
    assert close is not None and far is not None
    assert close[0] == pytest.approx(far[0] + 0.5)


def test_a_worker_is_shown_only_children_she_may_see_as_duplicates(cast, elsewhere):
    mine = make_case(lead_worker=cast.worker, child=ChildFactory(name=PLANTED_NAME, location=cast.village))
    theirs = make_case(lead_worker=cast.colleague, child=ChildFactory(name=PLANTED_NAME, location=cast.village))
    foreign = make_case(lead_worker=elsewhere.worker, child=ChildFactory(name=PLANTED_NAME, location=cast.village))
    referral = ReferralFactory(child_name=PLANTED_NAME, location=cast.village, child_age=None)
    assert [c.child for c in possible_duplicates(cast.worker, referral)] == [mine.child]
    assert [c.child for c in possible_duplicates(cast.colleague, referral)] == [theirs.child]
    assert {c.child for c in possible_duplicates(cast.manager, referral)} == {mine.child, theirs.child}
    assert foreign.child in {c.child for c in possible_duplicates(cast.admin, referral)}
    assert possible_duplicates(cast.referrer, referral) == []
    candidate = possible_duplicates(cast.worker, referral)[0]
    assert candidate.open_case == mine


def test_duplicates_are_ranked_and_limited(cast):
    same = make_case(lead_worker=cast.worker, child=ChildFactory(name="王小雨", location=cast.village))
    similar = make_case(lead_worker=cast.worker, child=ChildFactory(name="王小宇"))
    for n in range(4):
        make_case(lead_worker=cast.worker, child=ChildFactory(name=f"王小{'一二三四'[n]}", location=cast.village))
    referral = ReferralFactory(child_name="王小雨", location=cast.village, child_age=None)
    found = possible_duplicates(cast.worker, referral, limit=3)
    assert len(found) == 3 and found[0].child == same.child
    assert all(a.score >= b.score for a, b in zip(found, found[1:], strict=False))
    assert similar.child not in [c.child for c in found]


# --- the policy, every role of two organisations ---------------------------------------------------


def _answer(user, pk, action):
    try:
        get_referral_for_user(user, pk, action=action)
    except Http404:
        return 404
    except PermissionDenied:
        return 403
    return "ok"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", ("ok", "ok")),
        ("manager", ("ok", "ok")),
        ("worker", ("ok", "ok")),
        ("colleague", ("ok", "ok")),
        ("referrer", ("ok", 403)),
        ("other_referrer", (404, 404)),
        ("pledger", (404, 404)),
        ("volunteer", (404, 404)),
        ("funder", (404, 404)),
        ("elsewhere_manager", (404, 404)),
        ("elsewhere_worker", (404, 404)),
    ],
)
def test_each_role_on_a_new_referral(cast, elsewhere, who, expected):
    referral = ReferralFactory(location=cast.village, created_by=cast.referrer, referrer_member=cast.referrer.member)
    user = getattr(elsewhere, who.split("_", 1)[1]) if who.startswith("elsewhere") else getattr(cast, who)
    assert (_answer(user, referral.pk, "view"), _answer(user, referral.pk, "triage")) == expected


def test_once_accepted_the_referral_follows_the_case(cast):
    referral = ReferralFactory(location=cast.village, created_by=cast.referrer, referrer_member=cast.referrer.member)
    referral_accept(actor=cast.manager, referral=referral, lead_worker=cast.worker)
    assert _answer(cast.worker, referral.pk, "triage") == "ok"
    assert _answer(cast.colleague, referral.pk, "view") == 404  # the pool no longer holds it
    assert _answer(cast.referrer, referral.pk, "view") == "ok"
    assert referral in referrals_visible_to(cast.manager)
