"""A One-Stop Centre case on top of the two-NGO city: NGO A leads a sexual-abuse case; a procuratorate
(scope: plan and interview), a psychological service (scope: plan) and a law firm (scope: its own tasks)
are partners, each with a manager and a worker; NGO B is the outsider. Every agency has a task, a
confidential note and a shared note with a planted marker, and the procuratorate recorded the interview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Role
from multiagency import services
from multiagency.permissions import get_joint_access
from organisations.models import Organisation
from tests.factories import UserFactory
from tests.organisations.conftest import City, city  # noqa: F401  (the fixture, re-exported)


@dataclass
class Agency:
    organisation: Any
    manager: Any
    worker: Any


@dataclass
class Osc:
    city: City
    joint: Any
    procuratorate: Agency
    psychologist: Agency
    law_firm: Agency
    interview_marker: str

    def agency(self, name: str) -> Agency:
        return getattr(self, name)


def agency(code: str, kind: str) -> Agency:
    organisation = Organisation.objects.create(name=f"{code}机构", kind=kind)
    return Agency(
        organisation,
        UserFactory(username=f"mgr_{code}", role=Role.MANAGER, organisation=organisation),
        UserFactory(username=f"sw_{code}", role=Role.SOCIAL_WORKER, organisation=organisation),
    )


def note_marker(who: str, confidential: bool) -> str:
    return f"{who}{'机密' if confidential else '共享'}笔记"


def task_marker(who: str) -> str:
    return f"{who}的任务"


@pytest.fixture
def osc(city: City) -> Osc:  # noqa: F811
    today = timezone.localdate()
    lead = city.a.worker
    joint = services.joint_case_open(actor=lead, case=city.a.case, summary="一站式：性侵案件，需法律援助和心理支持")
    procuratorate = agency("检察院", "procuratorate")
    psychologist = agency("心理", "other")
    law_firm = agency("律所", "law_firm")
    access = get_joint_access(lead, joint.pk, action="manage")
    for who, role, scope in (
        (procuratorate, "procuratorate", "plan_and_interview"),
        (psychologist, "psychological_support", "plan"),
        (law_firm, "legal_aid", "own_tasks"),
    ):
        services.partner_invite(actor=lead, access=access, organisation=who.organisation, role=role, scope=scope)
    writers = {"lead": lead, "procuratorate": procuratorate.worker, "psychologist": psychologist.worker,
               "law_firm": law_firm.worker}  # fmt: skip
    for who, user in writers.items():
        mine = get_joint_access(user, joint.pk)
        services.task_add(actor=user, access=mine, organisation=user.organisation, title=task_marker(who), due_on=today)
        for confidential in (True, False):
            services.note_add(actor=user, access=mine, text=note_marker(who, confidential), confidential=confidential)
    marker = "孩子在询问中陈述的经过"
    services.interview_record(
        actor=procuratorate.manager,
        access=get_joint_access(procuratorate.manager, joint.pk),
        date=today,
        place="一站式取证室",
        agencies=[procuratorate.organisation, city.a.organisation],
        attendees="检察官 李, 社工 张",
        record=marker,
    )
    return Osc(city, joint, procuratorate, psychologist, law_firm, marker)
