from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from registry.models import ChildFile, RegisterUpdate
from tests.conftest import login
from tests.registry.conftest import ensure_default_rules

pytestmark = pytest.mark.django_db


def test_demo_has_a_small_register(db):
    ensure_default_rules()
    call_command("seed_demo")
    call_command("seed_demo")
    files = ChildFile.objects.all()
    assert files.count() == 12
    assert len(set(files.values_list("child_type", flat=True))) == 4
    assert files.filter(next_update_due__lt=timezone.localdate()).count() >= 3
    assert RegisterUpdate.objects.filter(status="submitted").count() == 4
    director, supervisor = User.objects.get(username="zhouzr"), User.objects.get(username="chendd")
    assert director.check_password("Shouhu-demo-2026") and supervisor.location.name == "幸福镇"
    home = login(director).get("/registry/").content.decode()
    assert "周小雨" in home and "吴俊杰" not in home  # 吴俊杰 is in 七里村, 吴主任's village
    town = login(supervisor).get("/registry/town/")
    assert town.status_code == 200 and "柳河村" in town.content.decode()
    review = login(supervisor).get("/registry/review/").content.decode()
    assert "杨梦瑶" in review
