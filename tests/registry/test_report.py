"""The register report on a seeded city, against counts computed here independently."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from core.models import Location
from registry.models import ServiceArea
from tests.conftest import api_as, login
from tests.factories import LocationFactory, UserFactory
from tests.registry.conftest import ensure_default_rules, make_file

pytestmark = pytest.mark.django_db

REPORT = "/api/v1/reports/registry/"


@pytest.fixture
def city(cast):
    """Two districts; towns; villages and communities; some without a director; one director serving two
    villages; an inactive director who must not count; files monitored, overdue and left."""
    ensure_default_rules()
    rng = random.Random(12)  # noqa: S311 - a reproducible test city, not a secret
    today = timezone.localdate()
    world = {"districts": [], "towns": {}, "villages": {}, "directors": {}, "supervisors": {}, "files": []}
    for d in range(2):
        district = LocationFactory(name=f"区{d}", kind="district")
        world["districts"].append(district)
        for t in range(2 + d):
            town = LocationFactory(name=f"区{d}镇{t}", kind="town", parent=district)
            world["towns"][town.pk] = district.pk
            if (d, t) != (1, 2):  # one town has no supervisor
                sup = UserFactory(role=Role.CHILDREN_SUPERVISOR, location=town)
                world["supervisors"][sup.pk] = town.pk
            for v in range(3):
                kind = "community" if v == 2 else "village"
                village = LocationFactory(name=f"区{d}镇{t}村{v}", kind=kind, parent=town)
                world["villages"][village.pk] = town.pk
                if rng.random() < 0.7:
                    director = UserFactory(role=Role.CHILDREN_DIRECTOR, location=village)
                    world["directors"].setdefault(director.pk, set()).add(village.pk)
                for n in range(rng.randint(0, 4)):
                    overdue = rng.random() < 0.3
                    left = rng.random() < 0.15
                    file = make_file(
                        location=village,
                        name=f"孩子{village.pk}-{n}",
                        next_update_due=today - dt.timedelta(days=5) if overdue else today + dt.timedelta(days=40),
                        status="left" if left else "monitored",
                        leave_reason="moved_away" if left else "",
                    )
                    world["files"].append((file.pk, village.pk, overdue, left))
    # a director who serves a second village in another town of district 0
    villages = list(world["villages"])
    multi = UserFactory(role=Role.CHILDREN_DIRECTOR, location_id=villages[0])
    ServiceArea.objects.create(user=multi, location_id=villages[4])
    world["directors"][multi.pk] = {villages[0], villages[4]}
    # an inactive director counts nowhere
    UserFactory(role=Role.CHILDREN_DIRECTOR, location_id=villages[1], is_active=False)
    return world


def expected_for(world, district_pk=None):
    def in_area(village_pk):
        return district_pk is None or world["towns"][world["villages"][village_pk]] == district_pk

    villages = [v for v in world["villages"] if in_area(v)]
    towns = {world["villages"][v] for v in villages} | {
        t for t, d in world["towns"].items() if district_pk is None or d == district_pk
    }
    directors = {u for u, places in world["directors"].items() if any(in_area(v) for v in places)}
    served = {v for places in world["directors"].values() for v in places}
    supervisors = {u for u, t in world["supervisors"].items() if t in towns}
    monitored = [f for f in world["files"] if in_area(f[1]) and not f[3]]
    children = len(monitored)
    return {
        "towns": len(towns),
        "villages": len(villages),
        "supervisors": len(supervisors),
        "directors": len(directors),
        "villages_without_director": len([v for v in villages if v not in served]),
        "children": children,
        "children_per_director": str(
            (Decimal(children) / len(directors)).quantize(Decimal("0.01"), ROUND_HALF_UP) if directors else "0.00"
        ),
        "updates_overdue": len([f for f in monitored if f[2]]),
    }


def test_report_equals_independent_counts(cast, city):
    response = api_as(cast.manager).get(REPORT)
    assert response.status_code == 200
    body = response.json()
    districts = city["districts"]
    # the districts first, then the places with nothing above them (the cast's town, factories' villages)
    roots = Location.objects.filter(parent=None).exclude(kind="district")
    assert [a["location"] for a in body["areas"]][:2] == [d.pk for d in districts]
    assert {a["location"] for a in body["areas"][2:]} == set(roots.values_list("pk", flat=True))
    for area, district in zip(body["areas"], districts, strict=False):
        assert area == {"location": district.pk, "name": district.name, **expected_for(city, district.pk)}
    outside = Location.objects.exclude(pk__in=[*city["villages"], *city["towns"]])
    extra_villages = outside.filter(kind__in=["village", "community"]).count()
    expected = expected_for(city)
    expected.update(
        towns=expected["towns"] + outside.filter(kind="town").count(),
        villages=expected["villages"] + extra_villages,
        villages_without_director=expected["villages_without_director"] + extra_villages,
    )
    assert body["total"] == expected
    assert body["total"]["villages_without_director"] > 0


def test_report_under_a_district_lists_its_towns(cast, city):
    district = city["districts"][1]
    body = api_as(cast.manager).get(f"{REPORT}?location={district.pk}").json()
    towns = [t for t, d in city["towns"].items() if d == district.pk]
    assert sorted(a["location"] for a in body["areas"]) == sorted(towns)
    assert body["total"] == expected_for(city, district.pk)
    no_supervisor = [a for a in body["areas"] if a["supervisors"] == 0]
    assert len(no_supervisor) == 1


def test_who_may_see_the_report(cast, city):
    assert api_as(cast.funder).get(REPORT).status_code == 200
    assert api_as(cast.admin).get(REPORT).status_code == 200
    for user in (cast.worker, cast.referrer, cast.pledger, cast.volunteer):
        assert api_as(user).get(REPORT).status_code == 403
    assert api_as(None).get(REPORT).status_code == 401
    director = UserFactory(role=Role.CHILDREN_DIRECTOR, location_id=list(city["villages"])[0])
    assert api_as(director).get(REPORT).status_code == 403


def test_supervisor_sees_their_town_only(cast, city):
    sup_pk, town_pk = next(iter(city["supervisors"].items()))
    from accounts.models import User

    sup = User.objects.get(pk=sup_pk)
    body = api_as(sup).get(REPORT).json()
    assert sorted(a["location"] for a in body["areas"]) == sorted(
        v for v, t in city["villages"].items() if t == town_pk
    )
    other_town = next(t for t in city["towns"] if t != town_pk)
    assert api_as(sup).get(f"{REPORT}?location={other_town}").status_code == 404
    assert api_as(sup).get(f"{REPORT}?location={city['districts'][0].pk}").status_code == 404


def test_unknown_location_is_404(cast, city):
    assert api_as(cast.manager).get(f"{REPORT}?location=99999999").status_code == 404
    assert api_as(cast.manager).get(f"{REPORT}?location=abc").status_code == 404


def test_report_page_and_xlsx(cast, city):
    page = login(cast.manager).get("/registry/report/")
    assert page.status_code == 200
    assert city["districts"][0].name in page.content.decode()
    xlsx = login(cast.manager).get("/registry/report/?format=xlsx")
    assert xlsx.status_code == 200
    import io

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == city["districts"][0].name
    assert rows[1][6] == expected_for(city, city["districts"][0].pk)["children"]
    assert login(cast.funder).get("/registry/report/").status_code == 200
    assert login(cast.worker).get("/registry/report/").status_code == 403


def test_civil_affairs_export_one_row_per_file(cast, city):
    response = login(cast.manager).get("/registry/export/")
    assert response.status_code == 200
    import io

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) - 1 == len(city["files"])
    for user in (cast.funder, cast.worker, cast.referrer):
        assert login(user).get("/registry/export/").status_code == 403
