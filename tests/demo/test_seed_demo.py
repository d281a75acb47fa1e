from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import User
from alliance.models import Member
from core.models import Contract, Location

pytestmark = pytest.mark.django_db


# Tables a second run may grow: the audit log (every write is audited) and its chain's head.
GROWS = {"core.AuditEntry", "core.AuditChainHead"}


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label not in GROWS
    }


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo", stdout=StringIO())
    first = _row_counts()
    assert first["cases.Case"] > 0 and first["registry.ChildFile"] > 0 and first["programmes.Programme"] > 0
    assert (first["accounts.User"], first["core.Location"], first["core.Contract"], first["alliance.Member"]) == (
        User.objects.count(),
        Location.objects.count(),
        Contract.objects.count(),
        Member.objects.count(),
    )
    call_command("seed_demo", stdout=StringIO())
    second = _row_counts()
    assert {label: (first[label], second[label]) for label in first if first[label] != second[label]} == {}
    out, err = StringIO(), StringIO()
    call_command("audit_verify", stdout=out, stderr=err)  # the chain of the audit log holds over both runs
    assert out.getvalue().startswith("audit log intact:") and err.getvalue() == ""
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
