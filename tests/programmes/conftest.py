"""A 4:30 classroom run by the cast's social worker, with children on the roster from two caseloads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from programmes import services
from tests.factories import MemberFactory, make_case


@dataclass
class Classroom:
    programme: Any
    own_cases: list  # led by cast.worker (the facilitator)
    other_cases: list  # led by cast.colleague
    tutor: Any

    @property
    def cases(self) -> list:
        return self.own_cases + self.other_cases


@pytest.fixture
def classroom(cast: Any) -> Classroom:
    today = timezone.localdate()
    tutor = MemberFactory(name="黄老师", sector="school", is_referrer=False, is_volunteer=True)
    programme = services.programme_create(
        actor=cast.manager,
        kind="after_school_class",
        title="四点半课堂",
        starts_on=today - dt.timedelta(days=60),
        location=cast.village,
        facilitators=[cast.worker],
        volunteers=[tutor],
    )
    own = [cast.case] + [make_case(lead_worker=cast.worker) for _ in range(2)]
    other = [make_case(lead_worker=cast.colleague) for _ in range(2)]
    for case in own + other:
        services.enrolment_add(
            actor=cast.manager, programme=programme, case=case, joined_on=today - dt.timedelta(days=60)
        )
    return Classroom(programme=programme, own_cases=own, other_cases=other, tutor=tutor)
