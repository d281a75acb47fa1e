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
            assert {"400", "409", "415"} <= codes, where
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
    unreadable = api_for(cast.worker).post("/api/v1/activities/", "kind=home_visit", content_type="text/plain")
    assert unreadable.status_code == 415 and isinstance(unreadable.json()["detail"], str)


def _property(schema, component, name):
    return schema["components"]["schemas"][component]["properties"][name]


def _pattern(prop):
    # a field that may be blank documents the pattern and, beside it, the empty string
    options = prop.get("oneOf", [prop])
    return next(option["pattern"] for option in options if "pattern" in option)


def test_the_schema_states_the_rules_a_client_needs(schema):
    import re

    for component in ("MemberRequest", "UserRequest"):
        phone = re.compile(_pattern(_property(schema, component, "phone")))
        assert phone.match("13912345678") and phone.match("0571-88776655"), component
        assert not phone.match("12345") and not phone.match("1391234567"), component
    for component, field, minimum in (
        ("FulfilRequest", "value", "0.01"),
        ("PledgeRequest", "estimated_value", "0.01"),
        ("ContractRequest", "amount", "0"),
    ):
        yuan = _property(schema, component, field)
        assert yuan["x-minimum"] == minimum and "yuan" in yuan["description"], component
        assert re.match(yuan["pattern"], "150.50") and not re.match(yuan["pattern"], "-1"), component
        assert not re.match(yuan["pattern"], "1.005"), component
    for component, field, latest in (
        ("ActivityRequest", "date", "today"),
        ("ChildRequest", "birth_date", "today"),
        ("CaseRequest", "closed_on", "today"),
        ("EventRequest", "date", "today+366d"),
        ("ProgrammeSessionRequest", "date", "today+1d"),
        ("RegisterUpdateRequest", "date", "today"),
    ):
        date = _property(schema, component, field)
        assert date["format"] == "date" and date["x-latest"] == latest, component
        assert "Asia/Shanghai" in date["description"], component
    assert _property(schema, "CaseRequest", "opened_on")["x-earliest"] == "2000-01-01"
    assert _property(schema, "ReferralRequest", "concerns")["maxLength"] == 5000
    assert "ReportQueued" in str(schema["paths"]["/api/v1/reports/"]["post"]["responses"]["202"])


def test_the_rules_the_schema_states_are_held_to(cast, api_for):
    import datetime as dt

    from django.utils import timezone

    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    visit = {"case": cast.case.pk, "kind": "home_visit", "date": tomorrow, "summary": "家访"}
    refused = api_for(cast.worker).post("/api/v1/activities/", visit, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["date"]
    url = f"/api/v1/users/{cast.referrer.pk}/"
    assert api_for(cast.manager).patch(url, {"phone": "12345"}, format="json").status_code == 400
    assert api_for(cast.manager).patch(url, {"phone": "13912345678"}, format="json").status_code == 200
    assert api_for(cast.manager).patch(url, {"phone": ""}, format="json").status_code == 200
