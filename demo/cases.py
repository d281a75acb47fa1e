"""A believable caseload for the demo town: a few dozen children across risks, issues and families."""

from __future__ import annotations

import datetime as dt
import random

from cases import services
from cases.due import refresh_due_dates
from cases.models import Activity, Child, HouseholdMember
from demo.base import DemoContext

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "小雨",
    "欣怡",
    "子涵",
    "浩然",
    "梓轩",
    "雨桐",
    "佳怡",
    "俊杰",
    "思琪",
    "宇航",
    "诗涵",
    "明轩",
    "晓彤",
    "嘉豪",
    "可欣",
    "天佑",
    "若曦",
    "博文",
    "心怡",
    "志强",
    "美琳",
    "家乐",
    "雅婷",
    "文博",
    "梦瑶",
    "子墨",
    "婉清",
    "一鸣",
    "晨曦",
    "佳豪",
]
ISSUES = [
    ["neglect"],
    ["poverty", "school_problems"],
    ["emotional_disturbance"],
    ["physical_abuse", "neglect"],
    ["severe_illness", "poverty"],
    ["school_problems"],
    ["no_accommodation", "poverty"],
    ["self_harm"],
    ["emotional_abuse"],
    ["sexual_abuse"],
]
FAMILIES = ["skip_generation", "with_one_parent", "parent_dead_other_away", "with_both_parents_poor", "living_alone"]
CATEGORY = {
    "skip_generation": "custody_need",
    "with_one_parent": "family_need",
    "parent_dead_other_away": "custody_need",
    "with_both_parents_poor": "family_need",
    "living_alone": "custody_need",
}
VISIT_NOTES = [
    "家访：奶奶身体尚可，孩子按时上学。",
    "与班主任沟通，孩子最近作业完成情况好转。",
    "孩子情绪低落，约定下周再访。",
    "送去冬衣和文具，孩子很高兴。",
    "电话联系在外务工的父亲，约定每周视频一次。",
]


def seed(ctx: DemoContext) -> None:
    if Child.objects.filter(name=SURNAMES[0] + GIVEN[0]).exists():
        return
    rng = random.Random(7)
    workers = [ctx.users["xiaochen"]] * 3 + [ctx.users["xiaoli"], ctx.users["xiaozhang"]]
    manager = ctx.users["liu"]
    for i, given in enumerate(GIVEN):
        name = SURNAMES[i % len(SURNAMES)] + given
        village = ctx.villages[i % len(ctx.villages)]
        family = FAMILIES[i % len(FAMILIES)]
        age = 5 + (i * 7) % 12
        child = Child.objects.create(
            name=name,
            sex="female" if i % 2 else "male",
            birth_date=dt.date(ctx.today.year - age, 1 + i % 12, 1 + i % 27),
            location=village,
            hukou_status="none" if i % 11 == 0 else "local",
            left_behind=family in ("skip_generation", "parent_dead_other_away"),
            school_status="out_of_school" if i % 9 == 0 else "in_school",
            grade=f"{max(1, age - 6)}年级" if age > 6 else "",
        )
        HouseholdMember.objects.create(
            child=child, name=SURNAMES[i % len(SURNAMES)] + "奶奶", relation="奶奶", status="present", is_caregiver=True
        )
        if family != "living_alone":
            HouseholdMember.objects.create(
                child=child,
                name=SURNAMES[i % len(SURNAMES)] + "建军",
                relation="父亲",
                status="away_for_work" if i % 3 else "in_prison",
            )
        opened = ctx.today - dt.timedelta(days=20 + (i * 37) % 300)
        referral = None
        if i % 4 or i % 8 == 0:  # three in four through an Alliance member, some of the rest by the hotline
            from referrals.models import Referral

            by_alliance = bool(i % 4)
            source = [ctx.members["王秀英"], ctx.members["张桂芳"], ctx.members["幸福镇中心小学"]][i % 3]
            referral = Referral.objects.create(
                reference=f"R{opened.year}-9{i:04d}",
                child_name=name,
                child_sex=child.sex,
                location=village,
                concerns="村里反映孩子照顾不周。" if by_alliance else "12345热线转来。",
                urgency="soon",
                channel="alliance" if by_alliance else "hotline",
                referrer_member=source if by_alliance else None,
                status="accepted",
                received_on=opened,
                created_by=ctx.users["wang"] if by_alliance else manager,
            )
        status = "closed" if i % 8 == 7 else ("assessment" if i % 5 == 0 else "active")
        case = services.case_open(
            actor=manager,
            child=child,
            opened_on=opened,
            lead_worker=workers[i % len(workers)],
            status="active" if status == "closed" else status,
            risk_level=["low", "medium", "high", "immediate", "medium", "low"][i % 6],
            presenting_issues=ISSUES[i % len(ISSUES)],
            family_situation=family,
            category=CATEGORY[family],
            contract=ctx.contract if opened >= ctx.contract.start else None,
            referral=referral,
        )
        if referral is not None:
            referral.case = case
            referral.save(update_fields=["case"])
        for v in range(1 + i % 4):
            day = min(ctx.today, opened + dt.timedelta(days=5 + v * (8 + i % 10)))
            Activity.objects.create(
                case=case,
                kind="home_visit" if v % 3 != 2 else "phone_call",
                date=day,
                duration_minutes=30 + 15 * (v % 3),
                summary=rng.choice(VISIT_NOTES),
                recorded_by=case.lead_worker,
            )
        refresh_due_dates([case.pk])
        if i % 6 == 3:
            Activity.objects.create(
                case=case,
                kind="counselling",
                date=min(ctx.today, opened + dt.timedelta(days=9)),
                duration_minutes=60,
                summary="个别辅导，详情见敏感记录。",
                sensitive=True,
                recorded_by=case.lead_worker,
            )
        if i % 7 == 2:
            services.flag_add(
                actor=case.lead_worker,
                case=case,
                message="联系学校了解出勤情况",
                due_on=ctx.today + dt.timedelta(days=3),
            )
        if status == "closed":
            services.case_close(
                actor=manager,
                case=case,
                closed_on=min(ctx.today, opened + dt.timedelta(days=60)),
                closure_reason=("服务目标达成，家庭照顾能力恢复", "家庭迁往外省，已转介当地服务")[i % 3 == 1],
                closure_outcome="孩子稳定上学",
                closure_code=("goals_met", "moved_away")[i % 3 == 1],
            )
