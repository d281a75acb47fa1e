"""A city on one instance: the demo NGO (the default organisation), a second NGO with its own manager,
social worker and case, the funders as organisations, and the service directory — a procuratorate,
a law firm, a psychological service and more — mapped onto the district and the town."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group

from accounts.models import Role, User
from cases import services as case_services
from cases.models import Child
from core.models import Contract
from demo.base import DEMO_PASSWORD, DemoContext, enrol_demo_staff
from organisations.models import Organisation, Service, default_organisation_id

NGO_A = "幸福镇社会工作服务中心"
NGO_B = "青山区阳光社工服务中心"

# username, full name, role, organisation
ORGANISATION_USERS = [
    ("zhangzr", "张蕾", Role.MANAGER, NGO_B),
    ("xiaozhou", "周晓", Role.SOCIAL_WORKER, NGO_B),
    ("jianchaguan", "李检察官", Role.MANAGER, "青山区人民检察院"),
    ("xinqing", "陈心晴", Role.SOCIAL_WORKER, "心晴心理咨询中心"),
]

# organisation, kind, its services: (kind, name, where: "town" | "district", contact, hours, capacity, languages)
DIRECTORY = {
    "青山区人民检察院": (
        "procuratorate",
        [
            (
                "forensic_interview",
                "一站式取证询问",
                "district",
                "未检科 0871-6660001",
                "工作日 9:00-17:00",
                None,
                "普通话",
            )
        ],
    ),
    "明德律师事务所": (
        "law_firm",
        [("legal_aid", "未成年人免费法律援助", "town", "李律师 13800000021", "周一至周五", 10, "普通话、方言")],
    ),
    "心晴心理咨询中心": (
        "other",
        [("psychological_support", "儿童心理辅导", "district", "0871-6660002", "周二、周四、周六", 8, "普通话")],
    ),
    "镇卫生院": (
        "hospital",
        [("medical_care", "儿科门诊与体检", "town", "0871-6660003", "每天 8:00-17:30", None, "普通话")],
    ),
    NGO_B: (
        "ngo",
        [("family_education", "家长课堂", "district", "张蕾 13800000022", "每月第二个周六", 30, "普通话")],
    ),
    NGO_A: (
        "ngo",
        [("education_support", "四点半课堂", "town", "陈晓 13800000023", "周一至周五 16:30-18:30", 25, "普通话")],
    ),
}


def seed(ctx: DemoContext) -> None:
    default = Organisation.objects.get(pk=default_organisation_id())
    if default.name != NGO_A:
        Organisation.objects.filter(pk=default.pk).update(name=NGO_A, location=ctx.town, kind="ngo")
    organisations = {NGO_A: Organisation.objects.get(pk=default.pk)}
    for name, (kind, _services) in DIRECTORY.items():
        if name not in organisations:
            location = ctx.district if kind in ("procuratorate", "ngo", "other") else ctx.town
            organisations[name] = Organisation.objects.get_or_create(
                name=name, defaults={"kind": kind, "location": location}
            )[0]
    # The funders as organisations: the town's Women's Federation funds NGO A, the district's Civil
    # Affairs bureau NGO B; the funder's login belongs to the Women's Federation.
    wf = Organisation.objects.get_or_create(name="幸福镇妇联", defaults={"kind": "government", "location": ctx.town})[0]
    civil_affairs = Organisation.objects.get_or_create(
        name="青山区民政局", defaults={"kind": "government", "location": ctx.district}
    )[0]
    Contract.objects.filter(pk=ctx.contract.pk, funder_organisation__isnull=True).update(funder_organisation=wf)
    User.objects.filter(username="huang").update(organisation=wf)
    ngo_b = organisations[NGO_B]
    contract_b, _ = Contract.objects.get_or_create(
        name="青山区未成年人保护服务项目",
        defaults={
            "funder": "青山区民政局",
            "funder_organisation": civil_affairs,
            "organisation": ngo_b,
            "start": dt.date(ctx.today.year, 1, 1),
            "end": dt.date(ctx.today.year, 12, 31),
            "amount": Decimal("180000.00"),
            "caseload_target": 12,
        },
    )
    users = {}
    for username, full_name, role, organisation_name in ORGANISATION_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name, role=role, email=f"{username}@example.org")
            user.organisation = organisations[organisation_name]
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.set([Group.objects.get_or_create(name=user.role)[0]])
        users[username] = user
        ctx.users[username] = user
    enrol_demo_staff(users.values())  # the other organisations' staff log in with the demo code too
    for name, (_kind, offered) in DIRECTORY.items():
        for kind, title, where, contact, hours, capacity, languages in offered:
            service, created = Service.objects.get_or_create(
                organisation=organisations[name],
                name=title,
                defaults={
                    "kind": kind,
                    "contact": contact,
                    "hours": hours,
                    "capacity": capacity,
                    "languages": languages,
                },
            )
            if created:
                service.areas.set([ctx.district if where == "district" else ctx.town])
    # NGO B's own caseload: one child, seen only by B's staff.
    if not Child.objects.filter(name="马天宇").exists():
        child = Child.objects.create(
            name="马天宇", sex="male", birth_date=dt.date(ctx.today.year - 10, 3, 8), location=ctx.villages[3]
        )
        case_services.case_open(
            actor=users["zhangzr"],
            child=child,
            lead_worker=users["xiaozhou"],
            opened_on=ctx.today - dt.timedelta(days=40),
            presenting_issues=["emotional_disturbance"],
            family_situation="with_one_parent",
            category="none",
            contract=contract_b,
            organisation=ngo_b,
        )
    ctx.extra["organisations"] = organisations
