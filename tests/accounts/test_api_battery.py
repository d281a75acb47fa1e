"""The standard battery over the accounts API (issue 18 item 6): users/ and auth/token/.

tests/accounts/test_api_tokens.py and test_lockout.py prove token expiry, revocation and lock-outs;
test_roles_and_users.py the users' roles. Here: every method of every route, the other organisation's
404, the 403 of every role that does not manage accounts, the Chinese of each refusal with nothing
written (audit included), and each write re-read.

| route          | anon 401             | 405  | outsider 404      | read-only 403     | bad input (zh) | happy path |
| -------------- | -------------------- | ---- | ----------------- | ----------------- | -------------- | ---------- |
| users/         | here                 | here | (scoped) here     | here (six roles)  | here           | here       |
| users/{id}/    | here                 | here | here (other org)  | here (six roles)  | here           | here       |
| auth/token/    | (open: it logs in)   | here | —                 | —                 | here           | here       |
"""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from accounts.models import Role, User
from tests.api_battery import ZH, api_id_battery, api_route_battery, hidden, refusals, refused_in_chinese, send, written
from tests.battery import nothing_written
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return {"user": cast.colleague.pk}


ROUTES = [
    ("GET POST", "/api/v1/users/"),
    ("GET PUT PATCH", "/api/v1/users/{user}/"),
]


def _stored() -> dict:
    return {
        **written(User, Token)(),
        "users": list(User.objects.order_by("pk").values_list("pk", "full_name", "role", "is_active", "password")),
    }


test_anonymous_gets_401, test_wrong_method_gets_405 = api_route_battery(ROUTES, stored=_stored, actor="manager")
test_an_id_that_names_nothing_is_404 = api_id_battery(ROUTES, stored=_stored, actor="manager")


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_the_token_route_answers_only_post(cast, api_for, method):
    with nothing_written(_stored):
        assert send(api_for(None), method, "/api/v1/auth/token/", {}).status_code == 405


@pytest.mark.parametrize("role", ["worker", "referrer", "pledger", "volunteer", "funder"])
def test_roles_that_do_not_manage_accounts_get_403(world, cast, api_for, role):
    api = api_for(getattr(cast, role))
    body = {"username": "new1", "password": "Long-enough-1", "role": "referrer", "full_name": "新人"}
    before = refusals()
    with nothing_written(_stored):
        answers = {
            "list": api.get("/api/v1/users/").status_code,
            "create": api.post("/api/v1/users/", body, format="json").status_code,
            "detail": api.get(f"/api/v1/users/{world['user']}/").status_code,
            "patch": api.patch(f"/api/v1/users/{world['user']}/", {"is_active": False}, format="json").status_code,
        }
    assert answers == dict.fromkeys(answers, 403)
    assert refusals() == before + 4


def test_another_organisations_manager_gets_404_for_our_accounts(world, cast, api_for):
    from organisations.models import Organisation

    other = UserFactory(role=Role.MANAGER, organisation=Organisation.objects.create(name="别家", kind="ngo"))
    api = api_for(other)
    with nothing_written(_stored):
        hidden(api.get(f"/api/v1/users/{world['user']}/"))
        hidden(api.patch(f"/api/v1/users/{world['user']}/", {"is_active": False}, format="json"))
    usernames = [row["username"] for row in api.get("/api/v1/users/", {"page_size": 100}).json()["results"]]
    assert usernames == [other.username]


BAD = [
    ("POST", {"username": "new1", "role": "referrer"}, "password", "A new user needs a password.", {}),
    ("POST", {"username": "new1", "password": "Long-enough-1", "role": "boss"}, "role",
     '"{input}" is not a valid choice.', {"input": "boss"}),
    ("POST", {"username": "new1", "password": "short", "role": "referrer"}, "password",
     "Ensure this field has at least {min_length} characters.", {"min_length": 8}),
    ("POST", {"username": "new1", "password": "Long-enough-1", "role": "referrer", "phone": "12"}, "phone", None, {}),
    ("POST", {"username": "new1", "password": "Long-enough-1", "role": "referrer", "location": "{village}"},
     "location", "Only children directors and supervisors serve an area.", {}),
    ("POST", {"username": "new1", "password": "Long-enough-1", "role": "children_supervisor",
              "location": "{village}"}, "location", "A children supervisor serves a town.", {}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "body", "field", "msgid", "params"), BAD, ids=[f"{b[2]}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_user_body_is_400_in_chinese_and_nothing_is_written(cast, api_for, method, body, field, msgid, params):
    body = {k: cast.village.pk if v == "{village}" else v for k, v in body.items()}
    with nothing_written(_stored):
        response = send(api_for(cast.manager), method, "/api/v1/users/", body, **ZH)
    if msgid is None:  # the phone's message is the shared validator's: a list of Chinese words, whatever they say
        assert response.status_code == 400 and isinstance(response.json()[field], list)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()[field][0])
    else:
        refused_in_chinese(response, field, msgid, **params)


def test_changing_ones_own_password_needs_the_current_one(cast, api_for):
    with nothing_written(_stored):
        response = api_for(cast.manager).patch(
            f"/api/v1/users/{cast.manager.pk}/", {"password": "Another-long-1"}, format="json", **ZH
        )
    refused_in_chinese(response, "old_password", "Give your current password, correctly, to change your password.")


def test_a_wrong_password_gets_no_token_and_says_so_in_chinese(cast, api_for):
    before = written(Token)()["Token"]
    response = api_for(None).post(
        "/api/v1/auth/token/", {"username": cast.worker.username, "password": "wrong"}, format="json", **ZH
    )
    refused_in_chinese(response, "non_field_errors", "The username (or phone number) or password is not correct.")
    assert Token.objects.count() == before


def test_a_token_body_without_a_password_is_400(cast, api_for):
    with nothing_written(lambda: Token.objects.count()):
        response = api_for(None).post("/api/v1/auth/token/", {"username": "liu"}, format="json", **ZH)
    refused_in_chinese(response, "password", "This field is required.")


def test_manager_creates_an_account_that_logs_in(cast, api_for):
    body = {"username": "newdirector", "password": "Long-enough-1", "role": "referrer", "full_name": "新主任"}
    response = api_for(cast.manager).post("/api/v1/users/", body, format="json")
    assert response.status_code == 201, response.content
    assert "password" not in response.json()
    user = User.objects.get(pk=response.json()["id"])
    assert (user.username, user.role, user.full_name, user.organisation_id) == (
        "newdirector",
        "referrer",
        "新主任",
        cast.manager.organisation_id,
    )
    assert user.check_password("Long-enough-1")
    token = api_for(None).post("/api/v1/auth/token/", {"username": "newdirector", "password": "Long-enough-1"})
    assert token.status_code == 200
    assert Token.objects.get(user=user).key == token.json()["token"]


def test_manager_deactivates_an_account(world, cast, api_for):
    response = api_for(cast.manager).patch(f"/api/v1/users/{world['user']}/", {"is_active": False}, format="json")
    assert response.status_code == 200, response.content
    cast.colleague.refresh_from_db()
    assert cast.colleague.is_active is False


# --- no way up: the administrator role and account stay the administrator's --------------------------------


def test_a_manager_may_not_make_herself_an_administrator(cast, api_for):
    with nothing_written(_stored):
        response = api_for(cast.manager).patch(f"/api/v1/users/{cast.manager.pk}/", {"role": "admin"}, format="json")
    assert response.status_code == 403
    cast.manager.refresh_from_db()
    assert cast.manager.role == "manager"


def test_a_manager_may_not_create_an_administrator(cast, api_for):
    body = {"username": "root2", "password": "Long-enough-1", "role": "admin", "full_name": "新管理员"}
    with nothing_written(_stored):
        assert api_for(cast.manager).post("/api/v1/users/", body, format="json").status_code == 403
    assert not User.objects.filter(username="root2").exists()


def test_a_manager_may_not_change_an_administrators_account(cast, api_for):
    with nothing_written(_stored):
        response = api_for(cast.manager).patch(f"/api/v1/users/{cast.admin.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 403  # she reads the account, but only an administrator changes it
    cast.admin.refresh_from_db()
    assert cast.admin.is_active is True


def test_no_one_deactivates_their_own_account(cast, api_for):
    with nothing_written(_stored):
        response = api_for(cast.manager).patch(
            f"/api/v1/users/{cast.manager.pk}/", {"is_active": False}, format="json", **ZH
        )
    refused_in_chinese(response, "is_active", "You cannot deactivate your own account.")


def test_a_manager_may_not_create_an_account_in_another_organisation(cast, api_for):
    from organisations.models import Organisation

    elsewhere = Organisation.objects.create(name="别家", kind="ngo")
    body = {"username": "spy", "password": "Long-enough-1", "role": "manager", "organisation": elsewhere.pk}
    with nothing_written(_stored):
        response = api_for(cast.manager).post("/api/v1/users/", body, format="json", **ZH)
    refused_in_chinese(response, "organisation", "You may only manage accounts of your own organisation.")
    assert not User.objects.filter(username="spy").exists()
