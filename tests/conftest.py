"""The fixed cast every test can use, one per role, plus clients logged in as each of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import LocationFactory, MemberFactory, UserFactory, make_case


def pytest_configure(config: Any) -> None:
    # Argon2 is the production hasher (asserted in tests/foundation); tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


@dataclass
class Cast:
    admin: Any
    manager: Any
    worker: Any  # the social worker who owns ``case``
    colleague: Any  # a social worker who does not
    referrer: Any
    other_referrer: Any
    pledger: Any
    volunteer: Any
    funder: Any
    village: Any
    case: Any

    def by_role(self) -> dict[str, Any]:
        return {
            "admin": self.admin,
            "manager": self.manager,
            "worker": self.worker,
            "colleague": self.colleague,
            "referrer": self.referrer,
            "pledger": self.pledger,
            "volunteer": self.volunteer,
            "funder": self.funder,
        }


@pytest.fixture
def cast(db: Any) -> Cast:
    town = LocationFactory(name="幸福镇", kind="town")
    village = LocationFactory(name="七里村", kind="village", parent=town)
    referrer_member = MemberFactory(name="王主任", sector="wf_director", location=village, is_referrer=True)
    other_member = MemberFactory(name="李主任", sector="wf_director", location=village, is_referrer=True)
    pledger_member = MemberFactory(
        name="赵记饭馆", kind="organisation", sector="enterprise", location=village, is_referrer=False, is_pledger=True
    )
    volunteer_member = MemberFactory(name="孙阿姨", sector="resident", location=village, is_referrer=False, is_volunteer=True)
    worker = UserFactory(username="xiaochen", full_name="小陈", role=Role.SOCIAL_WORKER)
    return Cast(
        admin=UserFactory(username="admin1", full_name="管理员", role=Role.ADMIN),
        manager=UserFactory(username="liu", full_name="刘主管", role=Role.MANAGER),
        worker=worker,
        colleague=UserFactory(username="xiaoli", full_name="小李", role=Role.SOCIAL_WORKER),
        referrer=UserFactory(username="wang", full_name="王主任", role=Role.REFERRER, member=referrer_member),
        other_referrer=UserFactory(username="li", full_name="李主任", role=Role.REFERRER, member=other_member),
        pledger=UserFactory(username="zhao", full_name="赵老板", role=Role.PLEDGER, member=pledger_member),
        volunteer=UserFactory(username="sun", full_name="孙阿姨", role=Role.VOLUNTEER, member=volunteer_member),
        funder=UserFactory(username="huang", full_name="黄女士", role=Role.FUNDER),
        village=village,
        case=make_case(lead_worker=worker),
    )


def login(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_as(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


@pytest.fixture
def client_for():
    return login


@pytest.fixture
def api_for():
    return api_as
