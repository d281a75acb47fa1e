"""The register and the group-services figures are scoped by organisation: a manager or worker of one
NGO never reads another NGO's register files or programme figures; a funder reads the figures of the
NGOs it funds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from programmes.models import Programme, ProgrammeSession
from registry.services import add_quarter, file_register
from tests.conftest import api_as, login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _register(actor, village, name):
    file, _created = file_register(
        actor=actor, name=name, birth_date=dt.date(timezone.localdate().year - 8, 5, 1), location=village,
        child_type="kunjing", category="family_need",
    )  # fmt: skip
    return file


def test_a_file_belongs_to_the_organisation_that_registered_it(city):
    b_director = UserFactory(role=Role.CHILDREN_DIRECTOR, organisation=city.b.organisation, location=city.village)
    a_file = _register(city.a.manager, city.village, "甲册儿童")
    b_file = _register(city.b.manager, city.village, "乙册儿童")
    assert (a_file.organisation, b_file.organisation) == (city.a.organisation, city.b.organisation)
    assert (a_file.director, b_file.director) == (None, b_director)  # never another register's director
    assert b_file.next_update_due == add_quarter(b_file.registered_on)
    # A's manager: B's file is "not found", in the list, the API and the page
    api = api_as(city.a.manager)
    assert [row["id"] for row in api.get("/api/v1/registry/").json()["results"]] == [a_file.pk]
    assert api.get(f"/api/v1/registry/{b_file.pk}/").status_code == 404
    assert login(city.a.manager).get(f"/registry/{b_file.pk}/").status_code == 404
    page = login(city.a.manager).get("/registry/files/").content.decode()
    assert "甲册儿童" in page and "乙册儿童" not in page
    # a children director of A in the same village sees A's file only
    director = UserFactory(role=Role.CHILDREN_DIRECTOR, organisation=city.a.organisation, location=city.village)
    assert [row["id"] for row in api_as(director).get("/api/v1/registry/").json()["results"]] == [a_file.pk]


def test_the_register_report_counts_the_callers_organisation(city):
    for n in range(3):
        _register(city.a.manager, city.village, f"甲{n}")
    for n in range(4):
        _register(city.b.manager, city.village, f"乙{n}")
    UserFactory(role=Role.CHILDREN_DIRECTOR, organisation=city.b.organisation, location=city.village)
    mine = api_as(city.a.manager).get("/api/v1/reports/registry/").json()["total"]
    assert (mine["children"], mine["directors"]) == (3, 0)
    theirs = api_as(city.b.manager).get("/api/v1/reports/registry/").json()["total"]
    assert (theirs["children"], theirs["directors"]) == (4, 1)
    funded = api_as(city.funder).get("/api/v1/reports/registry/").json()["total"]  # the funder funds B
    assert funded["children"] == 4
    admin = api_as(city.admin).get("/api/v1/reports/registry/").json()["total"]
    assert admin["children"] == 7


def test_programme_figures_are_the_callers_organisations(city):
    today = timezone.localdate()
    programme = Programme.objects.create(
        organisation=city.b.organisation, kind="after_school_class", title="乙的四点半课堂", location=city.village,
        starts_on=today - dt.timedelta(days=20),
    )  # fmt: skip
    for days in (3, 10):
        ProgrammeSession.objects.create(programme=programme, date=today - dt.timedelta(days=days), duration_minutes=90)
    query = f"?start={(today - dt.timedelta(days=40)).isoformat()}&end={today.isoformat()}"
    mine = api_as(city.a.manager).get(f"/api/v1/reports/summary/{query}").json()["programmes"]
    assert (mine["programmes"], mine["sessions"]) == (0, 0)
    theirs = api_as(city.b.manager).get(f"/api/v1/reports/summary/{query}").json()["programmes"]
    assert (theirs["programmes"], theirs["sessions"]) == (1, 2)
    assert api_as(city.a.manager).get(f"/api/v1/programmes/{programme.pk}/").status_code == 404
    assert api_as(city.a.worker).get("/api/v1/programme-sessions/").json()["count"] == 0
