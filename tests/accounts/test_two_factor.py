"""Two-factor authentication: forced for every role that sees a child's record, opt-in for the others;
a code page after the password; recovery codes that work once; a manager's reset; the API's otp."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import Role
from core.models import AuditEntry
from tests.conftest import totp_code, totp_device_for
from tests.factories import LocationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Shouhu-test-1"


def _password_login(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, username
    return client


def _enrol(client: Client) -> list[str]:
    """Enrols through the pages, as a person would: the secret shown, a code from it, the codes page."""
    page = client.get("/accounts/2fa/setup/")
    device = TOTPDevice.objects.get(user_id=client.session["_auth_user_id"], confirmed=False)
    assert page.status_code == 200
    response = client.post("/accounts/2fa/setup/", {"code": totp_code(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/codes/"
    codes_page = client.get("/accounts/2fa/codes/").content.decode()
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", codes_page)


def test_every_role_that_sees_children_is_forced_to_enrol_at_first_web_login(cast):
    town = LocationFactory(name="和平镇", kind="town")
    village = LocationFactory(name="桃源村", kind="village", parent=town)
    director = UserFactory(username="zhouzr", role=Role.CHILDREN_DIRECTOR, location=village)
    supervisor = UserFactory(username="chendd", role=Role.CHILDREN_SUPERVISOR, location=town)
    for user in (cast.admin, cast.manager, cast.worker, director, supervisor):
        client = _password_login(user.username)
        response = client.get("/cases/")
        assert response.status_code == 302, user.username
        assert response["Location"] == "/accounts/2fa/setup/?next=%2Fcases%2F", user.username
        api = client.get("/api/v1/cases/")
        assert api.status_code == 403 and api.json()["code"] == "otp_required", user.username


def test_referrers_pledgers_volunteers_and_funders_are_not_forced(cast):
    for user in (cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        client = _password_login(user.username)
        response = client.get("/", follow=True)
        assert response.status_code == 200, user.username
        assert not any("/accounts/2fa/" in url for url, _status in response.redirect_chain), user.username


def test_enrolment_page_shows_an_inline_svg_qr_code_and_the_secret_in_chinese(cast):
    client = _password_login("xiaochen")
    page = client.get("/accounts/2fa/setup/")
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=cast.worker, confirmed=False)
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    assert page.status_code == 200
    assert "设置两步验证" in html
    assert '<svg class="qr"' in html and "<img" not in html.split('data-testid="otp-qr"')[1][:200]
    assert f'data-secret="{secret}"' in html
    assert "otpauth://" not in html  # the QR code is drawn here, the URL is not handed to anyone
    assert client.get("/accounts/2fa/setup/").content.decode().count(secret) == 1  # the same device again


def test_enrolment_confirmed_with_a_code_shows_ten_recovery_codes_once(cast):
    client = _password_login("xiaochen")
    codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=cast.worker).confirmed is True
    assert StaticToken.objects.filter(device__user=cast.worker).count() == 10
    assert client.get("/accounts/2fa/codes/").status_code == 302  # not shown again
    assert client.get("/cases/").status_code == 200  # this session is verified
    assert AuditEntry.objects.filter(user_id=cast.worker.pk, detail__two_factor="enrolled").count() == 1


def test_wrong_code_is_refused_with_a_chinese_message(cast):
    client = _password_login("xiaochen")
    client.get("/accounts/2fa/setup/")
    response = client.post("/accounts/2fa/setup/", {"code": "000000"})
    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode()
    assert TOTPDevice.objects.get(user=cast.worker).confirmed is False
    assert client.get("/cases/").status_code == 302

    device = totp_device_for("xiaochen")  # now enrolled: the code page after the password
    client = _password_login("xiaochen")
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    response = client.post("/accounts/2fa/verify/", {"code": wrong, "next": "/cases/"})
    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode()
    assert client.get("/cases/")["Location"] == "/accounts/2fa/verify/?next=%2Fcases%2F"
    assert AuditEntry.objects.filter(action="login_failed", detail__second_factor="wrong_code").count() == 1


def test_enrolled_account_logs_in_with_password_then_code(cast):
    device = totp_device_for("xiaochen")
    client = _password_login("xiaochen")
    assert client.get("/")["Location"] == "/accounts/2fa/verify/?next=%2F"
    response = client.post("/accounts/2fa/verify/", {"code": totp_code(device), "next": "/cases/"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    assert client.get("/api/v1/cases/").status_code == 200


def test_recovery_code_works_once(cast):
    codes = _enrol(_password_login("xiaochen"))
    first = _password_login("xiaochen")
    response = first.post("/accounts/2fa/verify/", {"code": codes[3].upper(), "next": "/"})
    assert response.status_code == 302
    assert first.get("/cases/").status_code == 200
    assert StaticToken.objects.filter(device__user=cast.worker).count() == 9

    second = _password_login("xiaochen")
    assert second.post("/accounts/2fa/verify/", {"code": codes[3]}).status_code == 400
    assert second.get("/cases/").status_code == 302
    time.sleep(1.1)  # django-otp makes the next try after a wrong one wait a second (then 2, 4 …)
    assert second.post("/accounts/2fa/verify/", {"code": codes[4]}).status_code == 302


def test_manager_resets_a_staff_members_two_factor_audited(cast, client_for):
    device = totp_device_for("xiaochen")
    worker = _password_login("xiaochen")
    worker.post("/accounts/2fa/verify/", {"code": totp_code(device)})
    assert worker.get("/cases/").status_code == 200
    manager = client_for(cast.manager)
    assert 'data-testid="two-factor-reset"' in manager.get(f"/users/{cast.worker.pk}/").content.decode()

    response = manager.post(f"/users/{cast.worker.pk}/two-factor-reset/")

    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=cast.worker).count() == 0
    assert StaticDevice.objects.filter(user=cast.worker).count() == 0
    entry = AuditEntry.objects.get(detail__two_factor="reset")
    assert entry.user_id == cast.manager.pk and entry.object_id == str(cast.worker.pk)
    # the session verified with the old phone no longer counts: set it up again
    again = worker.get("/cases/", follow=True)
    assert again.redirect_chain[-1][0] == "/accounts/2fa/setup/?next=%2Fcases%2F"
    assert _password_login("xiaochen").get("/")["Location"] == "/accounts/2fa/setup/?next=%2F"


def test_only_managers_reset_two_factor(cast, client_for):
    totp_device_for("xiaoli")
    assert client_for(cast.worker).post(f"/users/{cast.colleague.pk}/two-factor-reset/").status_code == 403
    assert client_for(cast.manager).get(f"/users/{cast.colleague.pk}/two-factor-reset/").status_code == 405
    assert client_for(cast.manager).post(f"/users/{cast.admin.pk}/two-factor-reset/").status_code == 403
    assert TOTPDevice.objects.filter(user=cast.colleague).count() == 1


def test_api_token_without_otp_is_refused_once_a_device_is_enrolled(cast):
    api = APIClient()
    body = {"username": "xiaochen", "password": PASSWORD}
    assert api.post("/api/v1/auth/token/", body, format="json").status_code == 200  # no device yet
    device = totp_device_for("xiaochen")

    missing = api.post("/api/v1/auth/token/", body, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "otp_required"
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    refused = api.post("/api/v1/auth/token/", {**body, "otp": wrong}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "otp_invalid"
    assert "token" not in refused.json()
    time.sleep(1.1)  # django-otp makes the next try after a wrong one wait a second
    granted = api.post("/api/v1/auth/token/", {**body, "otp": totp_code(device)}, format="json")
    assert granted.status_code == 200 and granted.json()["token"]


def test_a_pledger_may_opt_in_from_the_account_page(cast):
    client = _password_login("zhao")
    page = client.get("/accounts/2fa/").content.decode()
    assert 'data-testid="two-factor-enrol"' in page
    assert len(_enrol(client)) == 10
    assert "已开启" in client.get("/accounts/2fa/").content.decode()
    again = _password_login("zhao")
    assert again.get("/")["Location"] == "/accounts/2fa/verify/?next=%2F"


def test_the_password_alone_cannot_get_new_recovery_codes_or_a_new_device(cast):
    device = totp_device_for("xiaochen")
    client = _password_login("xiaochen")  # knows the password, not the phone
    response = client.post("/accounts/2fa/", {"action": "new-codes"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/verify/")
    assert client.get("/accounts/2fa/setup/")["Location"].startswith("/accounts/2fa/verify/")
    assert client.get("/accounts/2fa/codes/")["Location"] == "/accounts/2fa/"
    assert StaticDevice.objects.filter(user=cast.worker).count() == 0
    assert list(TOTPDevice.objects.filter(user=cast.worker).values_list("pk", flat=True)) == [device.pk]
