from __future__ import annotations

import pytest

from core.models import AuditEntry, Contract, Location

pytestmark = pytest.mark.django_db


def test_everyone_logged_in_reads_locations(cast, api_for):
    for user in cast.by_role().values():
        response = api_for(user).get("/api/v1/locations/", {"kind": "village"})
        assert response.status_code == 200
        assert {r["name"] for r in response.json()["results"]} >= {"七里村"}
    assert api_for(None).get("/api/v1/locations/").status_code == 401


def test_manager_adds_a_village_and_it_is_audited(cast, api_for):
    town = cast.village.parent
    response = api_for(cast.manager).post(
        "/api/v1/locations/", {"name": "新村", "kind": "village", "parent": town.pk}, format="json"
    )
    assert response.status_code == 201
    loc = Location.objects.get(name="新村")
    assert loc.parent == town
    assert AuditEntry.objects.filter(action="create", object_type="location", object_id=str(loc.pk)).exists()


def test_others_may_not_write_locations(cast, api_for):
    for user in (cast.worker, cast.referrer, cast.funder, cast.pledger, cast.volunteer):
        response = api_for(user).post("/api/v1/locations/", {"name": "X", "kind": "village"}, format="json")
        assert response.status_code == 403
    assert not Location.objects.filter(name="X").exists()


def test_location_bad_input(cast, api_for):
    client = api_for(cast.manager)
    assert client.post("/api/v1/locations/", {"name": "Y", "kind": "planet"}, format="json").status_code == 400
    assert (
        client.post("/api/v1/locations/", {"name": "Y", "kind": "village", "parent": 999999}, format="json").status_code
        == 400
    )
    town = cast.village.parent
    cycle = client.patch(f"/api/v1/locations/{town.pk}/", {"parent": cast.village.pk}, format="json")
    assert cycle.status_code == 400
    town.refresh_from_db()
    assert town.parent_id is None


def test_contracts(cast, api_for):
    body = {
        "name": "2026 项目",
        "funder": "镇妇联",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "amount": "240000.00",
        "caseload_target": 20,
    }
    created = api_for(cast.manager).post("/api/v1/contracts/", body, format="json")
    assert created.status_code == 201
    assert created.json()["amount"] == "240000.00"
    assert api_for(cast.funder).get(f"/api/v1/contracts/{created.json()['id']}/").status_code == 200
    assert api_for(cast.referrer).get("/api/v1/contracts/").status_code == 403
    assert api_for(cast.worker).post("/api/v1/contracts/", body, format="json").status_code == 403


def test_contract_bad_input_writes_nothing(cast, api_for):
    client = api_for(cast.manager)
    before = Contract.objects.count()
    base = {
        "name": "X",
        "funder": "Y",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "amount": "1.00",
        "caseload_target": 1,
    }
    for change in (
        {"end": "2025-01-01"},
        {"amount": "-5"},
        {"amount": "abc"},
        {"amount": "NaN"},
        {"caseload_target": -1},
        {"start": "2026-13-01"},
    ):
        response = client.post("/api/v1/contracts/", {**base, **change}, format="json")
        assert response.status_code == 400, change
    assert Contract.objects.count() == before
