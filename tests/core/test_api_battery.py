"""The standard battery over the core API (issue 18 item 6): locations/ and contracts/.

tests/core/test_locations_contracts.py proves who reads and writes them and two bad bodies; here: every
method of every route (DELETE is never answered: places and contracts are not deleted), another
organisation's contract 404, the 403 of roles that may not write, each refusal's Chinese with nothing
written (audit included), and PATCHes re-read.

| route              | anon 401 | 405  | outsider 404      | read-only 403          | bad input (zh) | happy path |
| ------------------ | -------- | ---- | ----------------- | ---------------------- | -------------- | ---------- |
| locations/, {id}/  | here     | here | —  (all may read) | here (worker, referrer)| here           | here       |
| contracts/, {id}/  | here     | here | here (other org)  | here (worker, funder)  | here           | here       |
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Role
from core.models import Contract, Location
from tests.api_battery import ZH, api_id_battery, api_route_battery, hidden, refused_in_chinese, send, written
from tests.battery import nothing_written
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    contract = ContractFactory(organisation=cast.manager.organisation)
    return {"location": cast.village.pk, "town": cast.village.parent_id, "contract": contract.pk}


ROUTES = [
    ("GET POST", "/api/v1/locations/"),
    ("GET PUT PATCH", "/api/v1/locations/{location}/"),
    ("GET POST", "/api/v1/contracts/"),
    ("GET PUT PATCH", "/api/v1/contracts/{contract}/"),
]


def _stored() -> dict:
    return {
        **written(Location, Contract)(),
        "locations": list(Location.objects.order_by("pk").values_list("pk", "name", "parent_id")),
        "contracts": list(Contract.objects.order_by("pk").values_list("pk", "name", "amount", "end")),
    }


test_anonymous_gets_401, test_wrong_method_gets_405 = api_route_battery(ROUTES, stored=_stored, actor="admin")
test_an_id_that_names_nothing_is_404 = api_id_battery(ROUTES, stored=_stored, actor="admin")


@pytest.mark.parametrize("role", ["worker", "referrer", "pledger", "volunteer", "funder"])
def test_roles_that_may_not_write_get_403_and_nothing_changes(world, cast, api_for, role):
    api = api_for(getattr(cast, role))
    with nothing_written(_stored):
        answers = {
            "new place": api.post("/api/v1/locations/", {"name": "新村", "kind": "village"}, format="json").status_code,
            "rename": api.patch(f"/api/v1/locations/{world['location']}/", {"name": "改"}, format="json").status_code,
            "new contract": api.post("/api/v1/contracts/", {"name": "合同"}, format="json").status_code,
        }
    assert answers == dict.fromkeys(answers, 403)


def test_another_organisations_contract_is_404_to_its_manager_and_funder(world, api_for):
    from organisations.models import Organisation

    elsewhere = Organisation.objects.create(name="别家", kind="ngo")
    manager = UserFactory(role=Role.MANAGER, organisation=elsewhere)
    funder = UserFactory(role=Role.FUNDER, organisation=elsewhere)
    url = f"/api/v1/contracts/{world['contract']}/"
    with nothing_written(_stored):
        hidden(api_for(manager).get(url))
        hidden(api_for(manager).patch(url, {"name": "改"}, format="json"))
        hidden(api_for(funder).get(url))
        # a funder writes no contract at all: the role's 403 comes before the lookup
        assert api_for(funder).patch(url, {"name": "改"}, format="json").status_code == 403


BAD = [
    ("POST", "/api/v1/locations/", {"name": "新村", "kind": "hamlet"}, "kind", '"{input}" is not a valid choice.',
     {"input": "hamlet"}),
    ("POST", "/api/v1/locations/", {"kind": "village"}, "name", "This field is required.", {}),
    ("PATCH", "/api/v1/locations/{town}/", {"parent": "{location}"}, "parent", "A place cannot be inside itself.", {}),
    ("PATCH", "/api/v1/contracts/{contract}/", {"end": "2000-01-01"}, "end",
     "The end date cannot be before the start date.", {}),
    ("PATCH", "/api/v1/contracts/{contract}/", {"amount": "-1"}, "amount",
     "Ensure this value is greater than or equal to {min_value}.", {"min_value": 0}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "msgid", "params"), BAD, ids=[f"{b[3]}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_body_is_400_in_chinese_and_nothing_is_written(
    world, cast, api_for, method, path, body, field, msgid, params
):
    body = {k: world[v.strip("{}")] if isinstance(v, str) and v.startswith("{") else v for k, v in body.items()}
    with nothing_written(_stored):
        response = send(api_for(cast.admin), method, path.format(**world), body, **ZH)
    refused_in_chinese(response, field, msgid, **params)


def test_admin_renames_a_village_and_it_is_stored(world, cast, api_for):
    response = api_for(cast.admin).patch(f"/api/v1/locations/{world['location']}/", {"name": "七里新村"}, format="json")
    assert response.status_code == 200, response.content
    cast.village.refresh_from_db()
    assert cast.village.name == "七里新村"


def test_manager_raises_the_caseload_target_and_amount(world, cast, api_for):
    body = {"caseload_target": 25, "amount": "300000.00"}
    response = api_for(cast.manager).patch(f"/api/v1/contracts/{world['contract']}/", body, format="json")
    assert response.status_code == 200, response.content
    contract = Contract.objects.get(pk=world["contract"])
    assert (contract.caseload_target, contract.amount) == (25, Decimal("300000.00"))
