"""A few referrals from the demo directors, in every state of triage."""

from __future__ import annotations

import datetime as dt

from demo.base import DemoContext
from referrals import services
from referrals.models import Referral


def seed(ctx: DemoContext) -> None:
    if Referral.objects.exists():
        return
    wang = ctx.users["wang"]
    worker = ctx.users["xiaochen"]
    rows = [
        (
            "陈小宝",
            "male",
            8,
            "晚上常看到孩子一个人在家门口，父母都在外地打工。",
            ["no_adult_at_night", "parent_absent"],
            "soon",
        ),
        (
            "周晓燕",
            "female",
            12,
            "孩子最近不去上学，在村里游荡。",
            ["out_of_school", "begging_or_wandering"],
            "routine",
        ),
        ("吴乐乐", "male", 6, "孩子手臂上有淤青，说是被打的。", ["visible_injuries"], "immediate"),
        ("黄佳佳", "female", 10, "家里没有户口，不能上学。", ["no_hukou", "out_of_school"], "routine"),
    ]
    # Wang sends her own; other WF directors' calls are entered by the social worker under their names
    others = [m for m in ctx.members.values() if m.sector == "wf_director" and m.name != "王秀英"]
    made = []
    for i, (name, sex, age, concerns, indicators, urgency) in enumerate(rows):
        by_phone = bool(others) and i in (1, 2)  # Wang keeps the one with a question for her
        referral, _ = services.referral_submit(
            actor=worker if by_phone else wang,
            channel="alliance" if by_phone else None,
            referrer_member=others[(i - 1) % len(others)] if by_phone else None,
            child_name=name,
            child_sex=sex,
            child_age=age,
            location=ctx.villages[i % 3],
            concerns=concerns,
            indicators=indicators,
            urgency=urgency,
            submission_key=f"demo-{i}",
        )
        made.append(referral)
    services.referral_accept(actor=worker, referral=made[2])
    services.referral_needs_info(actor=worker, referral=made[3], question="孩子的父母现在在哪里？")
    hotline, _ = services.referral_submit(
        actor=worker,
        child_name="郑小雨",
        child_sex="female",
        child_age=14,
        location=ctx.villages[4],
        concerns="12345热线转来：孩子说不想活了。",
        indicators=["self_harm_talk"],
        urgency="soon",
        channel="hotline",
        received_on=ctx.today - dt.timedelta(days=2),
        submission_key="demo-hotline",
    )
    services.referral_refer_on(actor=worker, referral=hotline, service="镇心理咨询站", note="已电话联系，今日上门")
