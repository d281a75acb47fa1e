"""Managers assign children directors to several villages and supervisors to several towns; the
director then sees the files of every village they serve."""

from __future__ import annotations

import pytest

from core.models import AuditEntry
from registry.models import ServiceArea
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_a_manager_adds_a_village_and_the_director_then_sees_its_files(cast, register):
    director = login(register.director)
    assert director.get(f"/registry/{register.other_file.pk}/").status_code == 404
    response = login(cast.manager).post(
        f"/registry/areas/{register.director.pk}/add/", {"location": register.other_village.pk}
    )
    assert response.status_code == 302
    area = ServiceArea.objects.get(user=register.director)
    assert area.location == register.other_village
    assert director.get(f"/registry/{register.other_file.pk}/").status_code == 200
    assert AuditEntry.objects.filter(object_type="servicearea", object_id=str(area.pk), action="create").exists()
    page = login(cast.manager).get("/registry/areas/").content.decode()
    assert register.other_village.name in page
    assert login(cast.manager).post(f"/registry/areas/remove/{area.pk}/").status_code == 302
    assert not ServiceArea.objects.exists()
    assert director.get(f"/registry/{register.other_file.pk}/").status_code == 404


def test_a_director_serves_villages_and_a_supervisor_towns_and_nothing_twice(cast, register):
    manager = login(cast.manager)
    manager.post(f"/registry/areas/{register.director.pk}/add/", {"location": register.other_town.pk})
    manager.post(f"/registry/areas/{register.supervisor.pk}/add/", {"location": register.far_village.pk})
    manager.post(f"/registry/areas/{register.director.pk}/add/", {"location": register.village.pk})  # already his
    manager.post(f"/registry/areas/{register.director.pk}/add/", {"location": "x"})
    assert not ServiceArea.objects.exists()
    refused = manager.post(
        f"/registry/areas/{register.director.pk}/add/", {"location": register.other_town.pk}, follow=True
    )
    assert "儿童主任负责村" in refused.content.decode()
    assert (
        manager.post(f"/registry/areas/{register.supervisor.pk}/add/", {"location": register.other_town.pk}).status_code
        == 302
    )
    assert list(ServiceArea.objects.values_list("user", "location")) == [
        (register.supervisor.pk, register.other_town.pk)
    ]


def test_only_managers_assign_areas(cast, register):
    for user in (cast.worker, register.director, register.supervisor, cast.funder):
        client = login(user)
        assert client.get("/registry/areas/").status_code == 403
        assert (
            client.post(
                f"/registry/areas/{register.director.pk}/add/", {"location": register.other_village.pk}
            ).status_code
            == 403
        )
    assert not ServiceArea.objects.exists()
