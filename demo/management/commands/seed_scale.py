"""Seed a realistic dataset of any size, fast (bulk inserts), for benchmarks: `seed_scale --cases 100000`.

Deterministic for a given --seed. Run it on its own database (e.g. DATABASE_URL=.../shouhu_bench).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from alliance.models import Event, Member, VolunteerLog
from cases.models import (
    Activity,
    Case,
    CaseUserObjectPermission,
    Category,
    Child,
    FamilySituation,
    PresentingIssue,
)
from core.models import Contract, Location
from referrals.models import Referral
from resources.models import Pledge, PledgeRequest

BATCH = 5000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "小雨欣怡子涵浩然梓轩雨桐佳怡俊杰思琪宇航诗涵明轩晓彤嘉豪可欣天佑若曦博文心怡志强美琳家乐雅婷文博梦瑶"


class Command(BaseCommand):
    help = "Seed a large realistic dataset with bulk inserts (for bench/ and docs/performance.md)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=10000)
        parser.add_argument("--workers", type=int, default=20)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, **options):
        started = time.monotonic()
        rng = random.Random(options["seed"])
        n = options["cases"]
        today = timezone.localdate()
        with transaction.atomic():
            self._seed(rng, n, options["workers"], today)
        self.stdout.write(self.style.SUCCESS(f"Seeded {n} cases in {time.monotonic() - started:.1f} s"))

    def _seed(self, rng: random.Random, n: int, n_workers: int, today: dt.date) -> None:
        district = Location.objects.create(name=f"规模区{rng.randint(0, 10**6)}", kind="district")
        towns = Location.objects.bulk_create([Location(name=f"镇{i}", kind="town", parent=district) for i in range(5)])
        villages = Location.objects.bulk_create(
            [Location(name=f"村{i}", kind="village", parent=towns[i % 5]) for i in range(max(20, n // 1000))]
        )
        contract = Contract.objects.create(
            name="规模测试项目",
            funder="规模测试妇联",
            start=today.replace(month=1, day=1),
            end=today.replace(month=12, day=31),
            amount=Decimal("300000"),
            caseload_target=max(20, n // 10),
        )
        tag = rng.randint(0, 10**6)
        worker_group = Group.objects.get_or_create(name=Role.SOCIAL_WORKER)[0]
        workers = User.objects.bulk_create(
            [
                User(username=f"sw{tag}_{i}", full_name=f"社工{i}", role=Role.SOCIAL_WORKER, password="!")
                for i in range(n_workers)
            ]
        )
        worker_group.user_set.add(*workers)
        manager = User.objects.create(username=f"mgr{tag}", full_name="主管", role=Role.MANAGER, password="!")
        manager.groups.add(Group.objects.get_or_create(name=Role.MANAGER)[0])
        sectors = ["wf_director"] * 5 + ["school", "hospital", "enterprise", "resident", "ngo", "police"]
        members = Member.objects.bulk_create(
            [
                Member(
                    name=f"成员{i}",
                    sector=rng.choice(sectors),
                    location=rng.choice(villages),
                    is_referrer=i % 2 == 0,
                    is_pledger=i % 3 == 0,
                    is_volunteer=i % 7 == 0,
                    joined_on=today - dt.timedelta(days=rng.randint(0, 700)),
                )
                for i in range(max(50, n // 50))
            ],
            batch_size=BATCH,
        )
        children = Child.objects.bulk_create(
            [
                Child(
                    name=rng.choice(SURNAMES) + GIVEN[2 * (i % 25) : 2 * (i % 25) + 2],
                    sex=rng.choice(["female", "male"]),
                    birth_date=today - dt.timedelta(days=rng.randint(365, 17 * 365)),
                    location=rng.choice(villages),
                    left_behind=rng.random() < 0.4,
                )
                for i in range(n)
            ],
            batch_size=BATCH,
        )
        issues, families, categories = PresentingIssue.values, FamilySituation.values, Category.values
        referrals = Referral.objects.bulk_create(
            [
                Referral(
                    reference=f"RS{tag}-{i:07d}",
                    child_name=children[i].name,
                    location=children[i].location,
                    concerns="规模测试",
                    channel="alliance" if rng.random() < 0.75 else rng.choice(["hotline", "police"]),
                    referrer_member=rng.choice(members),
                    status="accepted",
                    received_on=today - dt.timedelta(days=rng.randint(0, 700)),
                )
                for i in range(n)
                if i % 4
            ],
            batch_size=BATCH,
        )
        referral_of = {i: r for i, r in zip([i for i in range(n) if i % 4], referrals, strict=True)}
        cases = []
        for i, child in enumerate(children):
            opened = today - dt.timedelta(days=rng.randint(0, 700))
            closed = opened + dt.timedelta(days=rng.randint(30, 300)) if rng.random() < 0.4 else None
            if closed and closed > today:
                closed = None
            cases.append(
                Case(
                    number=f"S{tag}-{i:07d}",
                    child=child,
                    status="closed" if closed else rng.choice(["assessment", "active", "active"]),
                    risk_level=rng.choice(["low", "medium", "medium", "high", "immediate"]),
                    presenting_issues=rng.sample(issues, rng.randint(1, 2)),
                    family_situation=rng.choice(families),
                    category=rng.choice(categories),
                    lead_worker=workers[i % n_workers],
                    opened_on=opened,
                    closed_on=closed,
                    closure_reason="规模测试" if closed else "",
                    referral=referral_of.get(i),
                    contract=contract if opened >= contract.start else None,
                )
            )
        cases = Case.objects.bulk_create(cases, batch_size=BATCH)
        perms = list(
            Permission.objects.filter(content_type__app_label="cases", codename__in=["view_case", "change_case"])
        )
        CaseUserObjectPermission.objects.bulk_create(
            [
                CaseUserObjectPermission(user=case.lead_worker, permission=perm, content_object=case)
                for case in cases
                for perm in perms
            ],
            batch_size=BATCH,
        )
        Activity.objects.bulk_create(
            [
                Activity(
                    case=case,
                    kind=rng.choice(["home_visit", "home_visit", "phone_call", "counselling"]),
                    date=min(today, case.opened_on + dt.timedelta(days=rng.randint(0, 200))),
                    duration_minutes=60,
                    summary="规模测试记录",
                    recorded_by=case.lead_worker,
                )
                for case in cases
                for _ in range(2)
            ],
            batch_size=BATCH,
        )
        pledgers = [m for m in members if m.is_pledger] or members[:5]
        pledges = Pledge.objects.bulk_create(
            [
                Pledge(
                    member=m,
                    kind=rng.choice(["money", "goods", "service"]),
                    description="规模测试承诺",
                    estimated_value=Decimal(rng.randint(50, 2000)),
                    valid_from=today - dt.timedelta(days=700),
                )
                for m in pledgers
            ],
            batch_size=BATCH,
        )
        requests = []
        for case in rng.sample(cases, min(len(cases), n // 5)):
            fulfilled = rng.random() < 0.7
            day = min(today, case.opened_on + dt.timedelta(days=10))
            requests.append(
                PledgeRequest(
                    case=case,
                    pledge=rng.choice(pledges),
                    need="规模测试",
                    public_text="规模测试",
                    requested_on=day,
                    status="fulfilled" if fulfilled else "requested",
                    fulfilled_on=day if fulfilled else None,
                    value=Decimal(rng.randint(1000, 100000)) / 100 if fulfilled else None,
                )
            )
        PledgeRequest.objects.bulk_create(requests, batch_size=BATCH)
        Event.objects.bulk_create(
            [
                Event(
                    kind=rng.choice(["training", "director_meeting", "director_meeting", "joint_conference"]),
                    date=today - dt.timedelta(days=rng.randint(0, 700)),
                    title="规模测试活动",
                )
                for _ in range(max(20, n // 100))
            ],
            batch_size=BATCH,
        )
        volunteers = [m for m in members if m.is_volunteer] or members[:3]
        VolunteerLog.objects.bulk_create(
            [
                VolunteerLog(
                    member=rng.choice(volunteers),
                    case=case,
                    date=min(today, case.opened_on + dt.timedelta(days=5)),
                    minutes=rng.randint(30, 180),
                )
                for case in rng.sample(cases, min(len(cases), n // 10))
            ],
            batch_size=BATCH,
        )
