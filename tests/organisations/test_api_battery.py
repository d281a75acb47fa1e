"""The standard battery over the organisations API (issue 18 item 6): organisations/ (read-only) and
services/ (the directory).

tests/organisations/test_directory.py and test_boundary.py prove who sees which organisation and service;
here: every method of every route (organisations/ takes GET only), the 403 of roles that may not write the
directory, another organisation's manager's 403 on our service, refusals in Chinese with nothing written
(audit included), and writes re-read.

| route                     | anon 401 | 405  | outsider 404 | read-only 403               | bad input (zh) | happy path |
| ------------------------- | -------- | ---- | ------------ | --------------------------- | -------------- | ---------- |
| organisations/, {id}/     | here     | here | boundary     | — (read-only for all)       | here (not an id)| here      |
| services/, services/{id}/ | here     | here | directory    | here (worker, four roles)   | here           | here       |
"""

from __future__ import annotations

import pytest

from accounts.models import Role
from organisations.models import Organisation, Service
from organisations.services import service_save
from tests.api_battery import ZH, api_id_battery, api_route_battery, refused_in_chinese, send, written
from tests.battery import nothing_written
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    ours = cast.manager.organisation
    service = service_save(
        actor=cast.manager, organisation=ours, kind="legal_aid", name="法律咨询", areas=[cast.village]
    )
    return {"organisation": ours.pk, "service": service.pk}


ROUTES = [
    ("GET", "/api/v1/organisations/"),
    ("GET", "/api/v1/organisations/{organisation}/"),
    ("GET POST", "/api/v1/services/"),
    ("GET PUT PATCH", "/api/v1/services/{service}/"),
]


def _stored() -> dict:
    return {
        **written(Organisation, Service)(),
        "services": list(Service.objects.values_list("pk", "name", "is_active")),
    }


test_anonymous_gets_401, test_wrong_method_gets_405 = api_route_battery(ROUTES, stored=_stored, actor="admin")
test_an_id_that_names_nothing_is_404 = api_id_battery(ROUTES, stored=_stored, actor="admin")


@pytest.mark.parametrize("role", ["worker", "referrer", "pledger", "volunteer", "funder"])
def test_who_does_not_manage_may_read_the_directory_but_not_write_it(world, cast, api_for, role):
    api = api_for(getattr(cast, role))
    assert api.get(f"/api/v1/services/{world['service']}/").status_code == 200
    body = {"organisation": world["organisation"], "kind": "legal_aid", "name": "新服务"}
    with nothing_written(_stored):
        answers = {
            "create": api.post("/api/v1/services/", body, format="json").status_code,
            "patch": api.patch(f"/api/v1/services/{world['service']}/", {"name": "改"}, format="json").status_code,
        }
    assert answers == dict.fromkeys(answers, 403)


def test_another_ngos_manager_may_not_change_our_service(world, api_for):
    other = UserFactory(role=Role.MANAGER, organisation=Organisation.objects.create(name="别家", kind="ngo"))
    with nothing_written(_stored):
        response = api_for(other).patch(f"/api/v1/services/{world['service']}/", {"name": "改"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("pk", ["abc", "0"])
def test_an_organisation_id_that_is_none_is_404(cast, api_for, pk):
    assert api_for(cast.worker).get(f"/api/v1/organisations/{pk}/").status_code == 404


BAD = [
    ({"kind": "legal_aid", "name": "新服务"}, "organisation", "This field is required.", {}),
    ({"organisation": "{ours}", "kind": "magic", "name": "新服务"}, "kind", '"{input}" is not a valid choice.',
     {"input": "magic"}),
    ({"organisation": "{ours}", "kind": "legal_aid", "name": "新服务", "capacity": -1}, "capacity",
     "Ensure this value is greater than or equal to {min_value}.", {"min_value": 0}),
]  # fmt: skip


@pytest.mark.parametrize(("body", "field", "msgid", "params"), BAD, ids=[b[1] for b in BAD])
def test_bad_service_body_is_400_in_chinese_and_nothing_is_written(world, cast, api_for, body, field, msgid, params):
    body = {k: world["organisation"] if v == "{ours}" else v for k, v in body.items()}
    with nothing_written(_stored):
        response = send(api_for(cast.manager), "POST", "/api/v1/services/", body, **ZH)
    refused_in_chinese(response, field, msgid, **params)


def test_manager_adds_a_service_covering_the_village(world, cast, api_for):
    body = {"organisation": world["organisation"], "kind": "psychological_support", "name": "心理辅导",
            "areas": [cast.village.pk], "capacity": 10}  # fmt: skip
    response = api_for(cast.manager).post("/api/v1/services/", body, format="json")
    assert response.status_code == 201, response.content
    service = Service.objects.get(pk=response.json()["id"])
    assert (service.organisation_id, service.kind, service.name, service.capacity) == (
        world["organisation"],
        "psychological_support",
        "心理辅导",
        10,
    )
    assert list(service.areas.values_list("pk", flat=True)) == [cast.village.pk]


def test_manager_closes_a_service(world, cast, api_for):
    response = api_for(cast.manager).patch(f"/api/v1/services/{world['service']}/", {"is_active": False}, format="json")
    assert response.status_code == 200, response.content
    assert Service.objects.get(pk=world["service"]).is_active is False


def test_every_signed_in_user_reads_their_organisation(world, cast, api_for):
    response = api_for(cast.worker).get(f"/api/v1/organisations/{world['organisation']}/")
    assert response.status_code == 200
    assert response.json()["id"] == world["organisation"]
