"""The demo's monitoring register: 幸福镇 with its supervisor, two children directors (one serving two
villages), three places with no director, a dozen files in several categories, updates waiting for
review and files overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from registry.models import ChildFile, ClaimStatus, FileEntitlement, Identification, RegisterUpdate, ServiceArea
from registry.services import add_months, add_quarter, eligible_entitlements

FILES = [
    # name, sex, age, village index, child type, category, left-behind, guardians, months since registered, state
    (
        "周小雨",
        "female",
        9,
        1,
        "de_facto_unsupported",
        "custody_need",
        False,
        "父亲服刑，母亲失联，由奶奶照顾",
        7,
        "waiting",
    ),
    ("周小龙", "male", 6, 1, "de_facto_unsupported", "custody_need", False, "小雨的弟弟，同由奶奶照顾", 7, "ok"),
    ("李思琪", "female", 12, 1, "kunjing", "physical_need", False, "患先天性心脏病，父母务农", 5, "overdue"),
    ("陈浩", "male", 14, 1, "left_behind", "none", True, "父母在广东打工，与爷爷同住", 4, "ok"),
    ("黄欣怡", "female", 8, 2, "kunjing", "family_need", False, "单亲母亲，无固定收入", 8, "waiting"),
    ("黄子轩", "male", 11, 2, "orphan", "none", False, "父母双亡，由舅舅抚养", 10, "overdue"),
    ("杨梦瑶", "female", 15, 2, "kunjing", "custody_need", True, "父亲外出失联，母亲改嫁", 3, "risk"),
    ("吴俊杰", "male", 10, 0, "left_behind", "none", True, "父母在浙江，外婆年迈", 6, "ok"),
    ("吴雅婷", "female", 7, 0, "kunjing", "physical_need", False, "听力残疾，父亲残疾", 9, "overdue"),
    ("赵一鸣", "male", 13, 0, "kunjing", "family_need", False, "低保户，母亲重病", 2, "ok"),
    (
        "钱佳怡",
        "female",
        5,
        0,
        "de_facto_unsupported",
        "custody_need",
        False,
        "母亲离家多年，父亲重度残疾",
        4,
        "waiting",
    ),
    ("孙浩然", "male", 16, 1, "kunjing", "family_need", True, "父亲去世，母亲外出务工", 11, "overdue"),
]


def seed(ctx: Any) -> None:
    town, villages = ctx.town, ctx.villages
    zhou, wu, chen = ctx.users["zhouzr"], ctx.users["wuzr"], ctx.users["chendd"]
    for user, place in ((zhou, villages[1]), (wu, villages[0]), (chen, town)):
        if user.location_id != place.pk:
            user.location = place
            user.save(update_fields=["location"])
    ServiceArea.objects.get_or_create(user=zhou, location=villages[2])  # 周主任 also serves 石桥村
    directors = {0: wu, 1: zhou, 2: zhou}
    today = ctx.today
    for name, sex, age, v, child_type, category, left_behind, guardians, months, state in FILES:
        village = villages[v]
        registered = add_months(today, -months)
        file, created = ChildFile.objects.get_or_create(
            name=name,
            location=village,
            defaults={
                "sex": sex,
                "birth_date": dt.date(today.year - age, 3 + v, 10),
                "child_type": child_type,
                "category": category,
                "left_behind": left_behind,
                "guardian_situation": guardians,
                "entitlements": eligible_entitlements(child_type=child_type, category=category),
                "director": directors[v],
                "registered_on": registered,
                "next_update_due": add_quarter(registered),
                "created_by": directors[v],
            },
        )
        if not created:
            continue
        # past quarters approved; "overdue" files missed the last one
        due = file.next_update_due
        last = None
        while due <= today:
            if state == "overdue" and add_quarter(due) > today:
                break  # the last due date passed with no visit
            visit = due - dt.timedelta(days=5)
            RegisterUpdate.objects.create(
                file=file,
                date=visit,
                summary="情况稳定，照料人身体尚可。",
                status="approved",
                submitted_by=directors[v],
                reviewed_by=chen,
                reviewed_on=visit + dt.timedelta(days=2),
            )
            last, due = visit, add_quarter(due)
        if state == "overdue" and due > today:
            due = today - dt.timedelta(days=10)
        file.last_update_on, file.next_update_due = last, due
        file.save(update_fields=["last_update_on", "next_update_due"])
        if state in ("waiting", "risk"):
            RegisterUpdate.objects.create(
                file=file,
                date=today - dt.timedelta(days=2),
                summary="奶奶住院了，孩子放学后没人照看。" if state == "risk" else "本季度走访，家中情况无明显变化。",
                risk_raised=state == "risk",
                submitted_by=directors[v],
            )
    # one child's de facto unsupported identification is blocked at the police station
    girl = ChildFile.objects.filter(name="杨梦瑶", location=villages[2]).first()
    if girl and not girl.identifications.exists():
        ident = Identification.objects.create(
            file=girl,
            status="blocked",
            started_on=add_months(today, -2),
            blocked_at="police",
            blocked_reason="派出所认为父亲仍可联系，不出具失联证明。",
            created_by=zhou,
        )
        ident.evidence.create(kind="police_lost_contact", status="refused", note="派出所拒绝出具")
        ident.evidence.create(kind="court_decision", status="needed")
    boy = ChildFile.objects.filter(name="赵一鸣", location=villages[0]).first()
    if boy:
        FileEntitlement.objects.get_or_create(
            file=boy,
            code="minimum_living_allowance",
            defaults={"status": ClaimStatus.GRANTED, "applied_on": add_months(today, -6)},
        )
        FileEntitlement.objects.get_or_create(
            file=boy,
            code="education_aid",
            defaults={"status": ClaimStatus.APPLIED, "applied_on": add_months(today, -1)},
        )
