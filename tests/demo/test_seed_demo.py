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
    }
    assert User.objects.get(username="wang").check_password("Shouhu-demo-2026")
