"""factory_boy factories for every core model. Cases go through the service so access is granted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Role, User
from alliance.models import Event, Member, VolunteerLog
from cases.models import Activity, Case, Child
from core.models import Contract, Location
from referrals.models import Referral
from resources.models import Pledge, PledgeRequest


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"第{n}村")
    kind = "village"
    parent = None


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    name = factory.Sequence(lambda n: f"儿童保护项目 {n}")
    funder = "某镇妇联"
    start = factory.LazyFunction(lambda: timezone.localdate().replace(month=1, day=1))
    end = factory.LazyFunction(lambda: timezone.localdate().replace(month=12, day=31))
    amount = Decimal("200000.00")
    caseload_target = 20


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.SOCIAL_WORKER
    is_active = True

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or "Shouhu-test-1")
        if create:
            self.save()
            from django.contrib.auth.models import Group

            self.groups.set([Group.objects.get_or_create(name=self.role)[0]])


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"联盟成员{n}")
    kind = "individual"
    sector = "wf_director"
    location = factory.SubFactory(LocationFactory)
    is_referrer = True
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    joined_on = dt.date(2025, 1, 10)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    name = factory.Sequence(lambda n: f"儿童{n}")
    sex = "female"
    birth_date = dt.date(2016, 5, 1)
    location = factory.SubFactory(LocationFactory)


def make_case(*, lead_worker: User | None = None, child: Child | None = None, **fields: object) -> Case:
    from cases.services import case_open

    fields.setdefault("opened_on", timezone.localdate() - dt.timedelta(days=30))
    fields.setdefault("presenting_issues", ["neglect"])
    fields.setdefault("family_situation", "skip_generation")
    fields.setdefault("category", "custody_need")
    return case_open(actor=None, child=child or ChildFactory(), lead_worker=lead_worker, **fields)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    kind = "home_visit"
    date = factory.LazyFunction(timezone.localdate)
    duration_minutes = 60
    summary = "家访，孩子状况稳定。"

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # What cases.services.activity_record does: keep the case's stored visit dates current.
        if create:
            from cases.due import refresh_due_dates

            refresh_due_dates([instance.case_id])


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    reference = factory.Sequence(lambda n: f"R-T{n:05d}")
    child_name = factory.Sequence(lambda n: f"转介儿童{n}")
    child_sex = "male"
    child_age = 9
    location = factory.SubFactory(LocationFactory)
    concerns = "晚上经常一个人在家。"
    indicators = factory.LazyFunction(lambda: ["no_adult_at_night"])
    urgency = "soon"
    channel = "alliance"
    received_on = factory.LazyFunction(timezone.localdate)


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    member = factory.SubFactory(MemberFactory, is_pledger=True, sector="enterprise")
    kind = "goods"
    description = "文具和书包"
    estimated_value = Decimal("150.00")
    valid_from = dt.date(2025, 1, 1)


class PledgeRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PledgeRequest

    pledge = factory.SubFactory(PledgeFactory)
    need = "需要书包和文具"
    requested_on = factory.LazyFunction(timezone.localdate)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = "training"
    date = factory.LazyFunction(timezone.localdate)
    title = "识别困境儿童培训"


class VolunteerLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerLog

    date = factory.LazyFunction(timezone.localdate)
    minutes = 90
    note = "陪伴写作业。"
