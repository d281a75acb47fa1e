"""Promises from the demo Alliance, requests on demo cases (some fulfilled), meetings, volunteer visits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from alliance import services as alliance_services
from alliance.models import Event, Member
from cases.choices import CaseStatus
from cases.models import Case
from demo.base import DemoContext
from resources import services
from resources.models import Pledge


def seed(ctx: DemoContext) -> None:
    if Pledge.objects.exists():
        return
    manager, worker = ctx.users["liu"], ctx.users["xiaochen"]
    start = ctx.contract.start
    promises = [
        ("赵记饭馆", "goods", "困难儿童每天一顿免费午餐，每次最多两周", "300.00", 10),
        ("新华文具店", "goods", "书包和一学期的文具", "150.00", 20),
        ("明德律师事务所", "service", "免费法律咨询和监护权案件代理", "2000.00", 5),
        ("镇卫生院", "service", "免费体检和常见病诊治", "500.00", None),
        ("张桂芳", "money", "每月资助200元生活费", "200.00", 12),
    ]
    pledges = {}
    for name, kind, text, value, capacity in promises:
        member = ctx.members[name]
        pledges[name] = services.pledge_create(
            actor=manager,
            member=member,
            kind=kind,
            description=text,
            estimated_value=value,
            capacity=capacity,
            valid_from=start,
        )
    # the promises are the default NGO's Alliance's: its own cases only (the second NGO has its own network)
    cases = list(
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(organisation_id=ctx.members["赵记饭馆"].organisation_id)
        .select_related("child__location")
        .order_by("pk")[:8]
    )
    for i, case in enumerate(cases):
        name = ["新华文具店", "赵记饭馆", "镇卫生院", "明德律师事务所"][i % 4]
        what = ["书包和文具", "两周午餐", "体检", "监护问题的法律咨询"][i % 4]
        request = services.request_create(
            actor=case.lead_worker or worker, case=case, pledge=pledges[name], need=what, what=what
        )
        if i < 5:
            services.request_fulfil(
                actor=manager,
                request=request,
                fulfilled_on=ctx.today,
                value=Decimal(["150.00", "280.00", "460.00", "1800.00", "150.00"][i]),
                note="已送达",
            )
    # Alliance work: a training, this month's meetings for some directors, a joint conference.
    directors = list(Member.objects.filter(sector="wf_director").order_by("name"))
    alliance_services.event_create(
        actor=worker,
        kind="training",
        date=start + dt.timedelta(days=40),
        title="困境儿童识别与转介培训",
        members=directors,
        minutes="讲解初步指标和转介流程",
    )
    for director in directors[:2]:
        alliance_services.event_create(
            actor=worker,
            kind="director_meeting",
            date=ctx.today.replace(day=1),
            title=f"{director.name} 月度会面",
            members=[director],
        )
    if cases:
        Event.objects.create(
            kind="joint_conference",
            date=ctx.today - dt.timedelta(days=10),
            title="个案联席会议",
            case=cases[0],
            minutes="民政：启动事实无人抚养儿童认定；教育：安排复学。",
            created_by=manager,
        )
        volunteer = ctx.members["孙桂兰"]
        for case in cases[:2]:
            alliance_services.volunteer_assign(
                actor=worker, case=case, member=volunteer, brief="每周二下午陪孩子写作业，留意奶奶的身体情况。"
            )
            alliance_services.volunteer_log_create(
                actor=worker,
                case=case,
                member=volunteer,
                date=ctx.today - dt.timedelta(days=3),
                minutes=90,
                note="孩子作业完成得不错。",
            )
