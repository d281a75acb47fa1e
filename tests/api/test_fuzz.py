"""Fuzz every /api/v1/ operation against its own OpenAPI schema (schemathesis): no input gives a 500.

Runs as a manager (who reaches the most code) and as a referrer (whose scoping differs), in
autocommit mode as in production, on the real PostgreSQL.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


# The schema view is public and touches no database. The schema and docs endpoints are static;
# token login is covered by the auth tests (each wrong password counts towards a lockout).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application()).exclude(
    path_regex=r"^/api/v1/(schema|docs|auth)/"
)


def _token(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_for_a_manager(case, cast):
    case.call_and_validate(headers={"Authorization": f"Token {_token(cast.manager)}"}, checks=[not_a_server_error])


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_for_a_referrer(case, cast):
    case.call_and_validate(headers={"Authorization": f"Token {_token(cast.referrer)}"}, checks=[not_a_server_error])
