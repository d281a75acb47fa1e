"""The management commands of every app (issue 18 item 6): what each one promises, checked on the database.

| command (app)                   | checked here                                                                 |
| ------------------------------- | ---------------------------------------------------------------------------- |
| seed_demo (demo)                | every login it prints works (password or phone, then the demo code for staff) |
|                                 | and lands on a page; a second run adds no row (tests/demo/test_seed_demo.py)  |
| demo_code (demo)                | six digits an authenticator with the demo key accepts (and another key not)   |
| seed_scale (demo)               | --cases N: the shape (cases, children, referrals, grants, organisations), each |
|                                 | case led by a worker who may see it, the same for a seed, ends with ANALYZE   |
| repair_due_dates (cases)        | --check: exit 0 without drift, an error naming the drifted cases; without: fixes |
| db_grant_app_role (core)        | a role name it may not quote is refused before anything is created           |
| audit_verify, encrypt_fields (core) | tests/confidentiality/test_audit_tamper_evidence.py, test_field_encryption.py |
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client

from demo.base import DEMO_OTP_SECRET, DEMO_PASSWORD, DEMO_USERS
from demo.organisations import ORGANISATION_USERS

pytestmark = pytest.mark.django_db


def _seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _code_now() -> str:
    out = StringIO()
    call_command("demo_code", stdout=out)
    return out.getvalue().strip()


def test_demo_code_prints_the_six_digits_the_demo_authenticator_accepts(cast):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    code = _code_now()
    assert re.fullmatch(r"\d{6}", code), code
    device = TOTPDevice.objects.create(user=cast.worker, name="demo", key=base64.b32decode(DEMO_OTP_SECRET).hex())
    assert device.verify_token(code)
    other = TOTPDevice.objects.create(user=cast.colleague, name="other", key=base64.b32decode("A" * 32).hex())
    assert not other.verify_token(code)  # the code is of the demo key, not any


def test_every_login_seed_demo_prints_gets_in_and_lands_on_a_page_of_its_own():
    printed = _seed_demo()
    accounts = [u for u, *_ in DEMO_USERS] + [u for u, *_ in ORGANISATION_USERS]
    for username in accounts:
        assert f" {username}" in printed, username
    assert DEMO_PASSWORD in printed and DEMO_OTP_SECRET in printed
    landed = {}
    for username in accounts:
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, (username, response.status_code)
        home = client.get("/")
        if home.status_code == 302 and home["Location"].startswith("/accounts/2fa/"):
            assert home["Location"].startswith("/accounts/2fa/verify/"), (username, home["Location"])
            verified = client.post("/accounts/2fa/verify/", {"code": _code_now()})
            assert verified.status_code == 302, (username, verified.status_code)
        page = client.get("/", follow=True)
        assert page.status_code == 200, (username, page.status_code)
        assert not page.redirect_chain or not page.redirect_chain[-1][0].startswith("/accounts/"), username
        landed[username] = page.request["PATH_INFO"]
    assert landed["xiaochen"] != landed["wang"] != landed["zhouzr"], landed
    # the phone numbers it prints log in as their accounts; a wrong password lets nobody in
    users = apps.get_model("accounts.User").objects
    for username, _name, _role, phone, _member in DEMO_USERS:
        if phone:
            client = Client()
            assert client.post("/accounts/login/", {"username": phone, "password": DEMO_PASSWORD}).status_code == 302
            assert int(client.session["_auth_user_id"]) == users.get(username=username).pk, phone
    client = Client()
    refused = client.post("/accounts/login/", {"username": "liu", "password": "Shouhu-demo-2025"})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    # the demo's cases carry the visit dates their activities give
    call_command("repair_due_dates", "--check", stdout=StringIO())


# --- seed_scale ---------------------------------------------------------------------------------------


def _seed_scale(*args: str) -> str:
    out = StringIO()
    call_command("seed_scale", *args, stdout=out)
    return out.getvalue()


def _reltuples(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0]


def test_seed_scale_makes_the_shape_it_promises_and_ends_with_analyze():
    from accounts.models import User
    from cases.models import Activity, Case, CaseUserObjectPermission, Child
    from core.models import Location
    from referrals.models import Referral

    out = _seed_scale("--cases", "60", "--seed", "3", "--activities", "4")
    assert (Case.objects.count(), Child.objects.count()) == (60, 60)
    assert Referral.objects.filter(case__isnull=False).count() == 45  # behind three cases in four
    assert Location.objects.filter(kind="district").count() == 2  # at least two NGOs, one district each
    workers = User.objects.filter(role="social_worker", lead_cases__isnull=False).distinct()
    assert workers.exists()
    # every case's lead worker holds its view and change grants
    leads = set(Case.objects.values_list("pk", "lead_worker_id"))
    grants = set(
        CaseUserObjectPermission.objects.filter(permission__codename="view_case").values_list("content_object_id",
                                                                                              "user_id")
    )  # fmt: skip
    assert leads <= grants
    assert Activity.objects.count() > 60
    assert "Seeded 60 cases" in out and "ANALYZE" in out
    # ANALYZE ran after the rows went in: the planner's row estimate is the table's size
    assert _reltuples("cases_case") == 60
    assert _reltuples("cases_activity") == Activity.objects.count()
    # the visit dates it computed on the way are the ones the activities give
    call_command("repair_due_dates", "--check", stdout=StringIO())


def test_seed_scale_is_the_same_for_the_same_seed():
    from cases.models import Case

    def children_and_risks() -> list[tuple]:
        with transaction.atomic():
            _seed_scale("--cases", "30", "--seed", "7", "--activities", "2")
            shape = list(Case.objects.order_by("pk").values_list("child__name", "child__sex", "risk_level", "status"))
            transaction.set_rollback(True)
        return shape

    first = children_and_risks()
    assert len(first) == 30
    assert children_and_risks() == first
    with transaction.atomic():
        _seed_scale("--cases", "30", "--seed", "8", "--activities", "2")
        other = list(Case.objects.order_by("pk").values_list("child__name", "child__sex", "risk_level", "status"))
        transaction.set_rollback(True)
    assert other != first


# --- repair_due_dates --------------------------------------------------------------------------------


def test_repair_due_dates_check_passes_without_drift_names_the_drifted_and_the_repair_fixes_them(cast):
    from cases.models import Case
    from tests.factories import ActivityFactory

    ActivityFactory(case=cast.case)
    out = StringIO()
    call_command("repair_due_dates", "--check", stdout=out)
    assert out.getvalue().strip() == "No drift."

    cast.case.refresh_from_db()
    right = (cast.case.last_home_visit, cast.case.next_visit_due)
    Case.objects.filter(pk=cast.case.pk).update(next_visit_due=dt.date(2099, 1, 1), last_home_visit=None)
    with pytest.raises(CommandError, match=rf"^1 case\(s\) with drifted visit dates, e\.g\. \[{cast.case.pk}\]$"):
        call_command("repair_due_dates", "--check", stdout=StringIO())
    cast.case.refresh_from_db()
    assert cast.case.next_visit_due == dt.date(2099, 1, 1)  # --check changes nothing

    out = StringIO()
    call_command("repair_due_dates", stdout=out)
    assert "Repaired 1 case(s)." in out.getvalue()
    cast.case.refresh_from_db()
    assert (cast.case.last_home_visit, cast.case.next_visit_due) == right
    call_command("repair_due_dates", "--check", stdout=StringIO())  # no drift left


# --- db_grant_app_role ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["Shouhu", "app; DROP TABLE core_auditentry", "1app", "x" * 64, ""])
def test_db_grant_app_role_refuses_a_name_it_may_not_quote_and_creates_nothing(role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_roles")
        before = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="lower-case letters, digits and _"):
        call_command("db_grant_app_role", role=role, stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_roles")
        assert cursor.fetchone()[0] == before
