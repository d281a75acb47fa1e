"""A newcomer logs in to the demo as staff with the password and the code README's key gives."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.base import DEMO_OTP_SECRET, DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_staff_log_in_with_the_readme_key_and_demo_code():
    call_command("seed_demo", stdout=StringIO())
    readme = open("README.md", encoding="utf-8").read()
    assert DEMO_OTP_SECRET in readme and DEMO_PASSWORD in readme
    staff = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True))
    assert {"admin", "liu", "xiaochen", "xiaoli", "zhouzr", "wuzr", "chendd"} <= staff
    assert not staff & {"wang", "zhao", "sun", "huang"}

    client = Client()
    assert client.post("/accounts/login/", {"username": "xiaochen", "password": DEMO_PASSWORD}).status_code == 302
    assert client.get("/")["Location"] == "/accounts/2fa/verify/?next=%2F"
    out = StringIO()
    call_command("demo_code", stdout=out)
    assert client.post("/accounts/2fa/verify/", {"code": out.getvalue().strip()}).status_code == 302
    assert client.get("/cases/").status_code == 200
