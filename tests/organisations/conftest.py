"""Two NGOs on one instance, each with a manager, a social worker, a case on a child with a planted,
distinctive name, a referral, a contract, an Alliance member and an activity; plus a government
funder that funds NGO B's contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from accounts.models import Role
from cases.services import activity_record
from organisations.models import Organisation
from tests.factories import (
    ChildFactory,
    ContractFactory,
    LocationFactory,
    MemberFactory,
    ReferralFactory,
    UserFactory,
    make_case,
)


@dataclass
class Side:
    organisation: Any
    manager: Any
    worker: Any
    case: Any
    referral: Any
    contract: Any
    member: Any
    child_name: str
    secret: str


@dataclass
class City:
    a: Side
    b: Side
    funder: Any
    admin: Any
    village: Any


def _side(code: str, village: Any, **org: Any) -> Side:
    organisation = Organisation.objects.create(name=f"{code}社工服务中心", kind="ngo", **org)
    manager = UserFactory(username=f"mgr_{code}", role=Role.MANAGER, organisation=organisation)
    worker = UserFactory(username=f"sw_{code}", role=Role.SOCIAL_WORKER, organisation=organisation)
    contract = ContractFactory(name=f"{code}项目合同", organisation=organisation)
    child_name = f"机密{code}童"
    secret = f"只有{code}知道的家访记录"
    case = make_case(
        lead_worker=worker,
        child=ChildFactory(name=child_name, location=village),
        contract=contract,
        organisation=organisation,
    )
    activity_record(actor=worker, case=case, kind="home_visit", date=case.opened_on, summary=secret)
    referral = ReferralFactory(child_name=f"转介{child_name}", location=village, organisation=organisation)
    member = MemberFactory(name=f"{code}联盟成员", location=village, organisation=organisation)
    return Side(organisation, manager, worker, case, referral, contract, member, child_name, secret)


@pytest.fixture
def city(db: Any) -> City:
    town = LocationFactory(name="平安镇", kind="town")
    village = LocationFactory(name="东村", kind="village", parent=town)
    a = _side("甲", village)
    b = _side("乙", village)
    civil_affairs = Organisation.objects.create(name="市民政局", kind="government")
    b.contract.funder_organisation = civil_affairs
    b.contract.save(update_fields=["funder_organisation"])
    funder = UserFactory(username="minzheng", role=Role.FUNDER, organisation=civil_affairs)
    admin = UserFactory(username="root", role=Role.ADMIN)
    return City(a=a, b=b, funder=funder, admin=admin, village=village)
