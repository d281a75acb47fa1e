"""The standard battery over the pages of accounts, core and notifications (issue 18 item 6).

Checklist — ``accounts/urls.py`` (/users/), ``accounts/auth_urls.py`` (/accounts/), ``core/urls.py``,
``notifications/urls.py``; their endpoints are pinned in tests/api/ and tests/core/test_routes_not_tested_before.py:

| route                              | methods  | anon | 405  | outsider 404     | read-only 403        | bad input          | queries |
| ---------------------------------- | -------- | ---- | ---- | ---------------- | -------------------- | ------------------ | ------- |
| /users/                            | GET      | here | here | —                | roles_and_users      | —                  | here    |
| /users/new/                        | GET POST | here | here | —                | roles_and_users      | roles_and_users    |         |
| /users/<pk>/                       | GET POST | here | here | roles_and_users  | roles_and_users      | roles_and_users    |         |
| /users/<pk>/unlock/                | POST     | here | here | lockout          | lockout              | —                  |         |
| /users/<pk>/two-factor-reset/      | POST     | here | here | two_factor       | two_factor           | —                  |         |
| /accounts/2fa/ (+ verify, setup)   | GET POST | here | here | —                | —                    | two_factor         |         |
| /accounts/2fa/codes/               | GET      | here | here | —                | —                    | —                  |         |
| /                                  | GET      | here | here | —                | —                    | —                  |         |
| /system/health/, /system/audit/    | GET      | here | here | —                | here                 | —                  | here    |
| /notifications/ (+ settings)       | GET POST | here | here | —                | —                    | calm_inbox         | here    |
| /notifications/read/, <pk>/read/   | POST     | here | here | here             | —                    | here               |         |
| /notifications/<pk>/open/          | GET      | here | here | here             | —                    | —                  |         |
Before this battery, /users/, /users/new/, /users/<pk>/, the two-factor pages, /, /system/health/ and
/system/audit/ answered any method (a DELETE rendered the page).
"""

from __future__ import annotations

import pytest

from accounts.models import User
from notifications.models import Notification, NotificationPreference
from notifications.services import notify
from tests import battery
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    note = notify(user=cast.worker, kind="visit_due", text="家访到期", obj=cast.case, link=f"/cases/{cast.case.pk}/")
    return {"user": cast.colleague.pk, "note": note.pk}


def _stored() -> dict:
    return {
        **battery.rows(User, Notification, NotificationPreference),
        "users": list(User.objects.order_by("pk").values_list("pk", "full_name", "is_active", "role")),
        "read": list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
    }


ROUTES = [
    ("GET", "/users/"),
    ("GET POST", "/users/new/"),
    ("GET POST", "/users/{user}/"),
    ("POST", "/users/{user}/unlock/"),
    ("POST", "/users/{user}/two-factor-reset/"),
    ("GET POST", "/accounts/2fa/"),
    ("GET POST", "/accounts/2fa/verify/"),
    ("GET POST", "/accounts/2fa/setup/"),
    ("GET", "/accounts/2fa/codes/"),
    ("GET", "/"),
    ("GET", "/system/health/"),
    ("GET", "/system/audit/"),
    ("GET", "/notifications/"),
    ("GET POST", "/notifications/settings/"),
    ("POST", "/notifications/read/"),
    ("POST", "/notifications/{note}/read/"),
    ("GET", "/notifications/{note}/open/"),
]
WORKERS_OWN = {path: "worker" for _, path in ROUTES if path.startswith(("/notifications/", "/accounts/"))}

test_anonymous_is_sent_to_login_and_nothing_is_written, test_wrong_method_is_405_and_nothing_is_written = (
    battery.route_battery(
        ROUTES, stored=_stored, body={"full_name": "匿名", "ids": "1"}, actor="admin", actors=WORKERS_OWN
    )
)


@pytest.mark.parametrize("role", ["manager", "worker", "referrer", "funder"])
@pytest.mark.parametrize("url", ["/system/health/", "/system/audit/"])
def test_the_system_pages_are_the_admins_only(cast, client_for, role, url):
    assert client_for(cast.by_role()[role]).get(url).status_code == 403
    assert client_for(cast.admin).get(url).status_code == 200


def test_someone_elses_notification_is_404_and_stays_unread(world, cast, client_for):
    with battery.nothing_written(_stored):
        for user in (cast.colleague, cast.manager, cast.referrer):
            client = client_for(user)
            assert client.post(f"/notifications/{world['note']}/read/").status_code == 404, user.role
            assert client.get(f"/notifications/{world['note']}/open/").status_code == 404, user.role


def test_marking_someone_elses_ids_read_changes_nothing(world, cast, client_for):
    with battery.nothing_written(_stored):
        response = client_for(cast.colleague).post("/notifications/read/", {"ids": [str(world["note"]), "abc"]})
    assert response.status_code == 302


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(world, cast, client_for):
    response = client_for(cast.worker).get(f"/notifications/{world['note']}/open/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{cast.case.pk}/"
    assert Notification.objects.get(pk=world["note"]).read_at is not None


def test_the_preferences_are_stored(cast, client_for):
    response = client_for(cast.worker).post("/notifications/settings/", {"email": ["visit_due"], "daily_digest": "on"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=cast.worker)
    assert pref.daily_digest is True
    assert "visit_due" not in pref.email_off_kinds and pref.email_off_kinds  # every other kind is off


def _notes(cast, n: int) -> None:
    for i in range(n):
        notify(user=cast.worker, kind="pledge_fulfilled", text=f"承诺已兑现{Notification.objects.count()}-{i}")


def _users(cast, n: int) -> None:
    for _ in range(n):
        UserFactory()


def _audit_rows(cast, n: int) -> None:
    from core.audit import audit_log
    from core.models import AuditAction

    for _ in range(n):
        audit_log(action=AuditAction.VIEW, obj=cast.case, user=cast.worker)


LIST_PAGES = {
    "/notifications/": ("worker", _notes, "page", 7),
    "/users/": ("admin", _users, "page", 5),
    "/system/audit/": ("admin", _audit_rows, "page", 5),
}
test_list_page_query_count_is_the_same_at_two_sizes = battery.list_page_battery(LIST_PAGES, more=5)
