"""Unit tests of organisations.services, selectors and policy, called directly: an organisation on
the directory, a service added or changed (by whom), the search by need and place, a town's
coverage, and who sees which organisation."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import Role
from organisations.models import Organisation, Service
from organisations.permissions import get_organisation_for_user, organisations_editable_by, organisations_visible_to
from organisations.selectors import place_and_above, service_search, town_coverage
from organisations.services import organisation_create, service_save
from tests.factories import ContractFactory, LocationFactory, UserFactory
from tests.writes import last_audit, message_of, writes_nothing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def clinic(cast):
    return organisation_create(
        actor=cast.manager, name="  幸福镇卫生院 ", kind="hospital", location=cast.village.parent
    )


def _service(actor, organisation, **fields):
    values = {"kind": "medical_care", "name": "儿童门诊"}
    values.update(fields)
    return service_save(actor=actor, organisation=organisation, **values)


# --- organisations and services --------------------------------------------------------------------


def test_an_organisation_is_added_once_by_its_name(cast, clinic):
    stored = Organisation.objects.get(pk=clinic.pk)
    assert (stored.name, stored.kind, stored.location) == ("幸福镇卫生院", "hospital", cast.village.parent)
    assert (last_audit(stored).action, last_audit(stored).user_id) == ("create", cast.manager.pk)
    cases = [
        (
            {"name": "幸福镇卫生院", "kind": "hospital"},
            "name",
            "An organisation of that name is already on the directory.",
        ),
        ({"name": "  ", "kind": "hospital"}, "name", "Give the organisation's name."),
        ({"name": "某某诊所", "kind": "spa"}, "kind", "Choose the kind of organisation."),
    ]
    for fields, field, message in cases:
        with writes_nothing(Organisation), pytest.raises(ValidationError) as error:
            organisation_create(actor=cast.manager, **fields)
        assert message_of(error.value, field) == message


def test_a_service_is_added_with_its_areas_and_audited(cast, clinic):
    service = _service(cast.manager, clinic, name=" 儿童门诊 ", capacity=40, areas=[cast.village.parent])
    stored = Service.objects.get(pk=service.pk)
    assert (stored.name, stored.capacity, list(stored.areas.all())) == ("儿童门诊", 40, [cast.village.parent])
    entry = last_audit(stored)
    assert entry.action == "create"
    assert entry.detail == {"fields": ["capacity", "kind", "name"], "areas": [cast.village.parent.pk]}


def test_changing_a_service_keeps_what_is_not_sent(cast, clinic):
    service = _service(cast.manager, clinic, contact="0871-1234567", areas=[cast.village])
    service_save(actor=cast.manager, organisation=clinic, service=service, hours="周一至周五")
    stored = Service.objects.get(pk=service.pk)
    assert (stored.name, stored.contact, stored.hours) == ("儿童门诊", "0871-1234567", "周一至周五")
    assert list(stored.areas.all()) == [cast.village]  # areas not sent: kept
    assert last_audit(stored).detail == {"fields": ["hours"], "areas": None}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "magic"}, "kind"),
        ({"name": "  "}, "name"),
        ({"capacity": -1}, "capacity"),
        ({"capacity": 100_001}, "capacity"),
    ],
)
def test_a_bad_service_is_refused(cast, clinic, fields, field):
    with writes_nothing(Service), pytest.raises(ValidationError) as error:
        _service(cast.manager, clinic, **fields)
    assert field in error.value.message_dict


def test_a_field_outside_the_service_is_refused(cast, clinic):
    with writes_nothing(Service), pytest.raises(ValidationError) as error:
        _service(cast.manager, clinic, organisation_id=1, created_at=None)
    assert message_of(error.value) == "These fields cannot be changed here: created_at, organisation_id"


def test_a_manager_edits_her_own_and_outside_agencies_services_not_another_ngos(cast, clinic, elsewhere):
    _service(cast.manager, cast.manager.organisation, name="本机构个案服务")
    _service(cast.manager, clinic)  # no staff on Shouhu: the project maps it
    for actor, organisation in ((cast.manager, elsewhere.organisation), (cast.worker, clinic), (cast.funder, clinic)):
        with writes_nothing(Service), pytest.raises(PermissionDenied):
            _service(actor, organisation)
    assert _service(cast.admin, elsewhere.organisation).organisation == elsewhere.organisation
    editable = set(organisations_editable_by(cast.manager))
    assert clinic in editable and elsewhere.organisation not in editable
    assert not organisations_editable_by(cast.worker).exists()


# --- the directory ---------------------------------------------------------------------------------


def test_a_service_covering_the_town_serves_each_of_its_villages(cast, clinic):
    town = cast.village.parent
    other_town = LocationFactory(kind="town")
    for_town = _service(cast.manager, clinic, areas=[town])
    for_village = _service(cast.manager, clinic, name="村卫生室", areas=[cast.village])
    elsewhere_only = _service(cast.manager, clinic, name="别镇门诊", areas=[other_town])
    _service(cast.manager, clinic, name="已停", areas=[town], is_active=False)
    assert place_and_above(cast.village) == [cast.village.pk, town.pk]
    assert list(service_search(cast.worker, location=cast.village)) == sorted(
        [for_town, for_village], key=lambda s: (s.name, s.pk)
    )
    assert list(service_search(cast.worker, kind="legal_aid", location=cast.village)) == []
    assert set(service_search(cast.worker, text="卫生院")) == {for_town, for_village, elsewhere_only}  # its name
    assert list(service_search(cast.worker, text="卫生室")) == [for_village]
    assert not service_search(UserFactory(role=Role.REFERRER, is_active=False)).exists()


def test_a_towns_coverage_tells_whole_part_and_missing(cast, clinic):
    town = cast.village.parent
    whole = _service(cast.manager, clinic, areas=[town])
    part = _service(cast.manager, clinic, kind="legal_aid", name="法律咨询点", areas=[cast.village])
    rows = {row.kind: row for row in town_coverage(cast.worker, town)}
    assert rows["medical_care"].whole == [whole] and rows["medical_care"].part == []
    assert rows["legal_aid"].part == [part] and not rows["legal_aid"].missing
    assert rows["shelter"].missing


# --- who sees which organisation -------------------------------------------------------------------


def test_staff_see_every_organisation_a_funder_her_own_and_those_she_funds_others_their_own(cast, clinic, elsewhere):
    funder_org = Organisation.objects.create(name="幸福镇妇联", kind="government")
    funder = UserFactory(role=Role.FUNDER, organisation=funder_org)
    ContractFactory(organisation=elsewhere.organisation, funder_organisation=funder_org)
    assert {clinic, elsewhere.organisation} <= set(organisations_visible_to(cast.worker))
    assert set(organisations_visible_to(funder)) == {funder_org, elsewhere.organisation}
    assert set(organisations_visible_to(cast.referrer)) == {cast.referrer.organisation}
    with pytest.raises(Http404):
        get_organisation_for_user(funder, clinic.pk)
    with pytest.raises(Http404):
        get_organisation_for_user(cast.manager, "abc")
