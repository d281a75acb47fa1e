"""Partners generate clients from the schema: a component that was published keeps its name (add, never rename).

A new choice field named like an old one (the partners' ``role`` beside the user's ``role``) makes
drf-spectacular rename the old enum (``RoleEnum`` became ``UserRoleEnum``) unless ENUM_NAME_OVERRIDES pins it."""

from __future__ import annotations

from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator

PUBLISHED = Path(__file__).with_name("schema_components_v1.txt")


@pytest.mark.django_db
def test_every_published_component_keeps_its_name():
    names = {line for line in PUBLISHED.read_text().splitlines() if line and not line.startswith("#")}
    assert "RoleEnum" in names and len(names) > 100
    schema = SchemaGenerator().get_schema(request=None, public=True)
    missing = names - set(schema["components"]["schemas"])
    assert not missing, f"renamed or removed: {sorted(missing)}"
