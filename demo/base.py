"""The base of the demo town: places, the contract, one user per role, a few Alliance members.

Each app's part of the demo is a module of this package (``demo/cases.py``, …) with
``seed(ctx: DemoContext)``, listed in the ``seed_demo`` command; each step must be idempotent
(get_or_create on natural keys).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Role, User
from alliance.models import Member
from core.models import Contract, Location

DEMO_PASSWORD = "Shouhu-demo-2026"
# The demo's staff (every role that must use two-factor) share one authenticator key, printed in the
# README: add it once to an authenticator app, or run `python manage.py demo_code` for the current code.
DEMO_OTP_SECRET = "SHOUHUDEMOKEYSHOUHUDEMOKEYSHOUHU"

DEMO_USERS = [
    # username, full name, role, phone, member name (or None)
    ("admin", "系统管理员", Role.ADMIN, None, None),
    ("liu", "刘主管", Role.MANAGER, None, None),
    ("xiaochen", "陈晓", Role.SOCIAL_WORKER, None, None),
    ("xiaoli", "李丽", Role.SOCIAL_WORKER, None, None),
    # a third worker leading cases, so the funder PDF's staffing shows one row per worker
    ("xiaozhang", "张敏", Role.SOCIAL_WORKER, None, None),
    ("wang", "王秀英", Role.REFERRER, "13800000001", "王秀英"),
    ("zhao", "赵建国", Role.PLEDGER, "13800000002", "赵记饭馆"),
    ("sun", "孙桂兰", Role.VOLUNTEER, "13800000003", "孙桂兰"),
    ("huang", "黄敏", Role.FUNDER, None, None),
    ("zhouzr", "周桂英", Role.CHILDREN_DIRECTOR, "13800000011", None),
    ("wuzr", "吴建华", Role.CHILDREN_DIRECTOR, "13800000012", None),
    ("chendd", "陈思远", Role.CHILDREN_SUPERVISOR, "13800000013", None),
]


@dataclass
class DemoContext:
    district: Location
    town: Location
    villages: list[Location]
    contract: Contract
    users: dict[str, User]
    members: dict[str, Member]
    today: dt.date = field(default_factory=timezone.localdate)
    extra: dict[str, Any] = field(default_factory=dict)


def _location(name: str, kind: str, parent: Location | None) -> Location:
    return Location.objects.get_or_create(name=name, parent=parent, defaults={"kind": kind})[0]


def enrol_demo_staff(users: Any) -> None:
    """Staff accounts get the demo authenticator (DEMO_OTP_SECRET) and nothing else: no recovery codes."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import second_factor_required

    key = base64.b32decode(DEMO_OTP_SECRET).hex()
    for user in users:
        if second_factor_required(user) and not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(user=user, name="demo", key=key, confirmed=True)


def seed_base() -> DemoContext:
    district = _location("青山区", "district", None)
    town = _location("幸福镇", "town", district)
    villages = [_location(name, "village", town) for name in ("七里村", "桃源村", "石桥村", "柳河村", "新华村")]
    villages.append(_location("幸福社区", "community", town))
    today = timezone.localdate()
    contract, _ = Contract.objects.get_or_create(
        name="幸福镇儿童保护服务项目",
        defaults={
            "funder": "幸福镇妇联",
            "start": dt.date(today.year, 1, 1),
            "end": dt.date(today.year, 12, 31),
            "amount": Decimal("240000.00"),
            "caseload_target": 20,
        },
    )
    members = {
        "王秀英": ("individual", "wf_director", villages[0], dict(is_referrer=True)),
        "张桂芳": ("individual", "wf_director", villages[1], dict(is_referrer=True)),
        "刘淑珍": ("individual", "wf_director", villages[2], dict(is_referrer=True)),
        "幸福镇中心小学": ("organisation", "school", town, dict(is_referrer=True)),
        "赵记饭馆": ("organisation", "enterprise", villages[0], dict(is_pledger=True)),
        "明德律师事务所": ("organisation", "law_firm", town, dict(is_pledger=True)),
        "新华文具店": ("organisation", "enterprise", villages[4], dict(is_pledger=True)),
        "孙桂兰": ("individual", "resident", villages[0], dict(is_volunteer=True)),
        "镇卫生院": ("organisation", "hospital", town, dict(is_pledger=True, is_referrer=True)),
    }
    member_objs = {}
    for name, (kind, sector, location, flags) in members.items():
        member_objs[name], _ = Member.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "sector": sector,
                "location": location,
                "joined_on": dt.date(today.year, 1, 15),
                **flags,
            },
        )
    users = {}
    for username, full_name, role, phone, member_name in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            # example addresses (example.org never receives mail): `make run` prints emails to the console
            user = User(username=username, full_name=full_name, role=role, phone=phone, email=f"{username}@example.org")
            user.member = member_objs.get(member_name) if member_name else None
            user.is_staff = user.is_superuser = role == Role.ADMIN
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.set([Group.objects.get_or_create(name=user.role)[0]])
        users[username] = user
    enrol_demo_staff(users.values())
    for member in member_objs.values():
        if member.responsible_worker_id is None and member.sector == "wf_director":
            member.responsible_worker = users["xiaochen"]
            member.save(update_fields=["responsible_worker"])
    return DemoContext(district, town, villages, contract, users, member_objs, today)
