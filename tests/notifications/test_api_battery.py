"""The standard battery over notifications/ (issue 18 item 6): the caller's own, and ``read``.

| route                     | anon 401 | 405  | outsider 404      | read-only 403 | bad input        | happy path | queries |
| ------------------------- | -------- | ---- | ----------------- | ------------- | ---------------- | ---------- | ------- |
| notifications/            | here     | here | (own only) here   | —             | —                | here       | api/    |
| notifications/{id}/       | here     | here | here              | —             | here (not an id) | here       |         |
| notifications/{id}/read/  | here     | here | here              | —             | here (not an id) | here       |         |
"""

from __future__ import annotations

import pytest

from notifications.models import Notification
from notifications.services import notify
from tests.api_battery import api_id_battery, api_route_battery, hidden, written
from tests.battery import nothing_written

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    mine = notify(user=cast.worker, kind="visit_due", text="家访到期", obj=cast.case)
    return {"mine": mine.pk}


ROUTES = [
    ("GET", "/api/v1/notifications/"),
    ("GET", "/api/v1/notifications/{mine}/"),
    ("POST", "/api/v1/notifications/{mine}/read/"),
]


def _stored() -> dict:
    return {**written(Notification)(), "read": list(Notification.objects.values_list("pk", "read_at"))}


test_anonymous_gets_401, test_wrong_method_gets_405 = api_route_battery(ROUTES, stored=_stored, actor="worker")
test_an_id_that_names_nothing_is_404 = api_id_battery(ROUTES, stored=_stored, actor="worker")


@pytest.mark.parametrize("who", ["colleague", "manager", "admin", "referrer", "funder"])
def test_someone_elses_notification_is_404_and_stays_unread(world, cast, api_for, who):
    api = api_for(getattr(cast, who))
    with nothing_written(_stored):
        hidden(api.get(f"/api/v1/notifications/{world['mine']}/"))
        hidden(api.post(f"/api/v1/notifications/{world['mine']}/read/"))
    assert world["mine"] not in [row["id"] for row in api.get("/api/v1/notifications/").json()["results"]]


@pytest.mark.parametrize("pk", ["abc", "0", "99999999999999999999"])
def test_a_notification_id_that_is_no_id_is_404_not_500(world, cast, api_for, pk):
    with nothing_written(_stored):
        assert api_for(cast.worker).get(f"/api/v1/notifications/{pk}/").status_code == 404
        assert api_for(cast.worker).post(f"/api/v1/notifications/{pk}/read/").status_code == 404


def test_reading_marks_it_read_once(world, cast, api_for):
    api = api_for(cast.worker)
    listed = api.get("/api/v1/notifications/").json()["results"]
    assert [(row["id"], row["read_at"]) for row in listed] == [(world["mine"], None)]
    first = api.post(f"/api/v1/notifications/{world['mine']}/read/")
    assert first.status_code == 200
    stored = Notification.objects.get(pk=world["mine"]).read_at
    assert stored is not None
    again = api.post(f"/api/v1/notifications/{world['mine']}/read/")
    assert again.status_code == 200
    assert Notification.objects.get(pk=world["mine"]).read_at == stored  # the first reading is kept
    assert again.json()["read_at"] == first.json()["read_at"]
