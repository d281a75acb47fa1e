from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import User
from alliance.models import Member
from core.models import Contract, Location

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo")
    counts = (User.objects.count(), Location.objects.count(), Contract.objects.count(), Member.objects.count())
    call_command("seed_demo")
    assert counts == (User.objects.count(), Location.objects.count(), Contract.objects.count(), Member.objects.count())
    assert set(User.objects.values_list("role", flat=True)) == {
        "admin",
        "manager",
        "social_worker",
        "referrer",
        "pledger",
        "volunteer",
        "funder",
        "children_director",
        "children_supervisor",
    }
    assert User.objects.get(username="wang").check_password("Shouhu-demo-2026")


def test_the_demo_has_referrals_from_several_referrers_and_every_account_an_example_address(db):
    from django.core.management import call_command

    from accounts.models import User
    from referrals.models import Referral

    call_command("seed_demo")
    referrers = set(Referral.objects.exclude(referrer_member=None).values_list("referrer_member__name", flat=True))
    assert len(referrers) >= 3
    assert not User.objects.filter(email="").exists()
    assert set(User.objects.values_list("email", flat=True)) == {
        f"{u}@example.org" for u in User.objects.values_list("username", flat=True)
    }
