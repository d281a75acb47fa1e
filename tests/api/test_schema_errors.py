"""The OpenAPI schema documents, for every operation, the errors it can answer and their bodies; the
answers the API really gives carry the documented bodies."""

from __future__ import annotations

import pytest

from tests.conftest import api_as

pytestmark = pytest.mark.django_db
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema(cast):
    response = api_as(cast.manager).get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in METHODS:
                yield path, method, operation


def test_every_operation_documents_its_errors(schema):
    operations = list(_operations(schema))
    assert len(operations) > 80
    for path, method, operation in operations:
        codes = set(operation["responses"])
        where = f"{method.upper()} {path}"
        assert {"401", "403", "429", "503"} <= codes, where
        if "{" in path:
            assert "404" in codes, where
        if method in {"post", "put", "patch"}:
            assert {"400", "409"} <= codes, where
        for code in ("429", "503"):
            assert "Retry-After" in operation["responses"][code]["headers"], where
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_the_answers_carry_the_documented_bodies(cast, api_for):
    missing = api_for(cast.worker).get("/api/v1/cases/99999999/")
    assert missing.status_code == 404 and isinstance(missing.json()["detail"], str)
    anonymous = api_as(None).get("/api/v1/cases/")
    assert anonymous.status_code == 401 and isinstance(anonymous.json()["detail"], str)
    stale = api_for(cast.worker).patch(
        f"/api/v1/cases/{cast.case.pk}/", {"version": 999, "risk_level": "high"}, format="json"
    )
    assert stale.status_code == 409 and isinstance(stale.json()["detail"], str)
    bad = api_for(cast.worker).patch(f"/api/v1/cases/{cast.case.pk}/", {"risk_level": "high"}, format="json")
    assert bad.status_code == 400 and all(isinstance(v, list) for v in bad.json().values())
