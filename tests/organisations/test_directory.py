"""The service directory: search by need and place, the town view of what exists and what is
missing, and who may add or change a service (pages and `services/`)."""

from __future__ import annotations

import pytest

from organisations.models import Organisation, Service
from organisations.services import service_save
from tests.conftest import api_as, login
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped(city):
    """A law firm (outside Shouhu) giving legal aid to the whole town, B's counselling in one village,
    and a hospital in another town."""
    town = city.village.parent
    other_village = LocationFactory(name="西村", kind="village", parent=town)
    far_town = LocationFactory(name="远镇", kind="town")
    law_firm = Organisation.objects.create(name="明理律师事务所", kind="law_firm")
    hospital = Organisation.objects.create(name="远镇医院", kind="hospital")
    legal = service_save(
        actor=city.admin,
        organisation=law_firm,
        kind="legal_aid",
        name="免费法律援助",
        contact="0871-1234567",
        hours="周一至周五 9-17",
        capacity=10,
        languages="普通话",
        areas=[town],
    )
    counselling = service_save(
        actor=city.admin,
        organisation=city.b.organisation,
        kind="psychological_support",
        name="儿童心理辅导",
        areas=[other_village],
    )
    medical = service_save(
        actor=city.admin, organisation=hospital, kind="medical_care", name="儿科门诊", areas=[far_town]
    )
    return {
        "town": town,
        "other_village": other_village,
        "law_firm": law_firm,
        "legal": legal,
        "counselling": counselling,
        "medical": medical,
        "far_town": far_town,
    }


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_search_by_need_and_place(city, mapped):
    api = api_as(city.a.worker)
    # a village inherits what covers its town
    assert _ids(api.get(f"/api/v1/services/?location={city.village.pk}")) == [mapped["legal"].pk]
    assert _ids(api.get(f"/api/v1/services/?location={mapped['other_village'].pk}")) == [
        mapped["legal"].pk,
        mapped["counselling"].pk,
    ]
    assert _ids(api.get(f"/api/v1/services/?kind=medical_care&location={city.village.pk}")) == []
    assert _ids(api.get("/api/v1/services/?kind=medical_care")) == [mapped["medical"].pk]
    page = login(city.a.worker).get(f"/organisations/services/?kind=legal_aid&place={city.village.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "免费法律援助" in body and "0871-1234567" in body and "儿童心理辅导" not in body


def test_the_town_view_shows_what_exists_and_what_is_missing(city, mapped):
    response = login(city.a.manager).get(f"/organisations/services/towns/{mapped['town'].pk}/")
    assert response.status_code == 200
    coverage = {row.kind: row for row in response.context["coverage"]}
    assert [s.pk for s in coverage["legal_aid"].whole] == [mapped["legal"].pk]
    assert [s.pk for s in coverage["psychological_support"].part] == [mapped["counselling"].pk]
    assert [row.kind for row in response.context["missing"]] == [
        "family_education",
        "medical_care",
        "shelter",
        "forensic_interview",
        "education_support",
        "benefits_advice",
    ]
    assert login(city.a.manager).get(f"/organisations/services/towns/{city.village.pk}/").status_code == 404


def test_a_manager_adds_a_service_of_their_own_organisation(city):
    response = login(city.a.manager).post(
        "/organisations/services/new/",
        {
            "organisation": city.a.organisation.pk,
            "kind": "family_education",
            "name": "家长课堂",
            "areas": [city.village.pk],
            "contact": "小王 13800000000",
            "hours": "周六上午",
            "capacity": "20",
            "languages": "普通话",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get(name="家长课堂")
    assert (service.organisation_id, service.kind, service.capacity) == (city.a.organisation.pk, "family_education", 20)
    assert list(service.areas.values_list("pk", flat=True)) == [city.village.pk]


def test_bad_input_keeps_what_was_typed_and_writes_nothing(city):
    response = login(city.a.manager).post(
        "/organisations/services/new/",
        {"organisation": city.a.organisation.pk, "kind": "nonsense", "name": "我写的名字", "capacity": "-3"},
    )
    assert response.status_code == 200
    assert "我写的名字" in response.content.decode()
    assert response.context["form"].errors.keys() >= {"kind", "capacity"}
    assert Service.objects.count() == 0


def test_managers_may_not_edit_another_ngos_services_and_workers_add_none(city, mapped):
    # B's counselling: A's manager may not change it (403), nor add one for B
    api = api_as(city.a.manager)
    response = api.patch(f"/api/v1/services/{mapped['counselling'].pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403
    response = api.post(
        "/api/v1/services/", {"organisation": city.b.organisation.pk, "kind": "shelter", "name": "冒名"}, format="json"
    )
    assert response.status_code == 403
    # but an agency outside Shouhu is mapped by any manager
    response = api.patch(f"/api/v1/services/{mapped['legal'].pk}/", {"capacity": 12}, format="json")
    assert response.status_code == 200
    assert Service.objects.get(pk=mapped["counselling"].pk).name == "儿童心理辅导"
    assert Service.objects.get(pk=mapped["legal"].pk).capacity == 12
    assert Service.objects.filter(name="冒名").count() == 0
    # a social worker reads the directory, adds nothing
    assert login(city.a.worker).get("/organisations/services/new/").status_code == 403
    response = api_as(city.a.worker).post(
        "/api/v1/services/", {"organisation": city.a.organisation.pk, "kind": "shelter", "name": "x"}, format="json"
    )
    assert response.status_code == 403


def test_anonymous_is_sent_to_login_and_the_api_says_401(city):
    assert login(None).get("/organisations/services/").status_code == 302
    assert api_as(None).get("/api/v1/services/").status_code == 401
    assert login(city.a.manager).post("/organisations/services/").status_code == 405


def test_a_manager_adds_an_agency_outside_shouhu(city):
    response = login(city.a.manager).post("/organisations/new/", {"name": "市检察院", "kind": "procuratorate"})
    assert response.status_code == 302
    assert Organisation.objects.get(name="市检察院").kind == "procuratorate"
    response = login(city.a.manager).post("/organisations/new/", {"name": "市检察院", "kind": "procuratorate"})
    assert response.status_code == 200
    assert Organisation.objects.filter(name="市检察院").count() == 1
