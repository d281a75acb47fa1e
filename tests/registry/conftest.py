"""A small register on top of the fixed cast: a town with two villages (one without a director), a
director, a supervisor, files in both villages and a file linked to the cast's case."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.models import Role
from registry.models import ChildFile
from registry.services import add_quarter, eligible_entitlements
from tests.factories import LocationFactory, UserFactory


def ensure_default_rules() -> None:
    """The data migration's rules (a transactional test flushes them)."""
    module = importlib.import_module("registry.migrations.0002_category_rule_defaults")
    module.add_defaults(apps, None)


def make_file(*, location: Any, director: Any = None, **fields: Any) -> ChildFile:
    today = timezone.localdate()
    values = {
        "name": "张小花",
        "sex": "female",
        "birth_date": dt.date(today.year - 9, 3, 1),
        "child_type": "kunjing",
        "category": "family_need",
        "registered_on": today - dt.timedelta(days=30),
    }
    values.update(fields)
    values.setdefault("next_update_due", add_quarter(values["registered_on"]))
    values.setdefault(
        "entitlements", eligible_entitlements(child_type=values["child_type"], category=values["category"])
    )
    return ChildFile.objects.create(location=location, director=director, **values)


@dataclass
class Register:
    town: Any
    village: Any  # the cast's 七里村, with a director
    other_village: Any  # no director
    other_town: Any
    far_village: Any
    director: Any
    other_director: Any  # serves far_village in the other town
    supervisor: Any
    other_supervisor: Any
    file: Any  # in village
    other_file: Any  # in other_village (same town)
    far_file: Any  # in far_village (other town)


@pytest.fixture
def register(cast: Any) -> Register:
    ensure_default_rules()
    town = cast.village.parent
    other_village = LocationFactory(name="东山村", kind="village", parent=town)
    other_town = LocationFactory(name="红旗镇", kind="town")
    far_village = LocationFactory(name="远山村", kind="village", parent=other_town)
    director = UserFactory(username="zhouzr", full_name="周主任", role=Role.CHILDREN_DIRECTOR, location=cast.village)
    other_director = UserFactory(username="wuzr", full_name="吴主任", role=Role.CHILDREN_DIRECTOR, location=far_village)
    supervisor = UserFactory(username="chendd", full_name="陈督导", role=Role.CHILDREN_SUPERVISOR, location=town)
    other_supervisor = UserFactory(
        username="heidd", full_name="何督导", role=Role.CHILDREN_SUPERVISOR, location=other_town
    )
    return Register(
        town=town,
        village=cast.village,
        other_village=other_village,
        other_town=other_town,
        far_village=far_village,
        director=director,
        other_director=other_director,
        supervisor=supervisor,
        other_supervisor=other_supervisor,
        file=make_file(location=cast.village, director=director),
        other_file=make_file(location=other_village, name="李小明", sex="male", child_type="orphan", category="none"),
        far_file=make_file(location=far_village, director=other_director, name="王小红"),
    )
