"""Demo group work: a 4:30 classroom with college tutors (and two register children without a case),
sessions and attendance; a parenting group for grandparent guardians; a week of parent–child calls;
a village library of donated books."""

from __future__ import annotations

import datetime as dt
import random

from alliance.models import Member
from cases.models import Case
from demo.base import DemoContext
from programmes import parent_calls, services, stock
from programmes.models import Programme, ProgrammeSession
from registry import roster
from registry.models import ChildFile
from resources.models import Pledge

TOPICS = ["作业辅导", "唐诗宋词朗诵", "书法练习", "数学游戏", "绘本阅读", "安全教育", "手工", "英语儿歌"]


def seed(ctx: DemoContext) -> None:
    if Programme.objects.exists():
        return
    rng = random.Random(13)
    worker, manager = ctx.users["xiaochen"], ctx.users["liu"]
    tutors = [
        Member.objects.get_or_create(
            name=name,
            defaults={"kind": "individual", "sector": "school", "location": ctx.town, "is_volunteer": True},
        )[0]
        for name in ("黄冈师范学院 张同学", "黄冈师范学院 李同学")
    ]
    tutors.append(ctx.members["孙桂兰"])
    children = list(
        Case.objects.exclude(status="closed").filter(lead_worker=worker).select_related("child").order_by("pk")[:20]
    )
    start = ctx.today - dt.timedelta(days=28)
    classroom = services.programme_create(
        actor=manager,
        kind="after_school_class",
        title="七里村四点半课堂",
        starts_on=start,
        location=ctx.villages[0],
        venue="村委会二楼活动室",
        target_group="放学后无人看护的留守儿童",
        planned_sessions=40,
        facilitators=[worker],
        volunteers=tutors,
    )
    for case in children:
        services.enrolment_add(actor=worker, programme=classroom, case=case, joined_on=start)
        services.pupil_profile_save(
            actor=worker,
            programme=classroom,
            case=case,
            school="幸福镇中心小学",
            grade=case.child.grade or "一年级",
            subjects_needing_support=rng.choice(["数学", "语文", "英语", "数学、语文"]),
        )
    # two children of 七里村 on the register who have no case: 吴主任 put them on the classroom's roster
    register_children = list(
        ChildFile.objects.filter(name__in=["吴俊杰", "吴雅婷"], location=ctx.villages[0], case__isnull=True)
    )
    for file in register_children:
        roster.place_add(actor=manager, file=file, programme=classroom, joined_on=start)
    days = [
        start + dt.timedelta(days=n)
        for n in range((ctx.today - start).days)
        if (start + dt.timedelta(days=n)).weekday() < 5
    ]
    sessions: list[ProgrammeSession] = []
    for i, day in enumerate(days):
        present = [c for c in children if rng.random() < 0.85]
        # 吴雅婷 stopped coming for the last three sessions: her director has a reminder
        came = [f for f in register_children if f.name != "吴雅婷" or i < len(days) - 3]
        session = services.session_record(
            actor=worker,
            programme=classroom,
            date=day,
            duration_minutes=90,
            topic=TOPICS[len(sessions) % len(TOPICS)],
            attendees=None,
            tutors=rng.sample(tutors[:2], k=1 + len(sessions) % 2),
        )
        sessions.append(
            services.attendance_save(
                actor=worker, session=session, attendees=present, outside_present=[f"register:{f.pk}" for f in came]
            )
        )
    if sessions and children:
        services.tutor_note_add(actor=worker, session=sessions[-1], case=children[0], text="乘法口诀背得很熟了。")
    parenting = services.programme_create(
        actor=manager,
        kind="parenting_group",
        title="隔代教养家长课堂",
        starts_on=start,
        location=ctx.villages[0],
        target_group="留守儿童的祖辈监护人",
        planned_sessions=6,
        facilitators=[worker],
    )
    for case in children[:8]:
        services.enrolment_add(actor=worker, programme=parenting, case=case, joined_on=start)
    for week in range(4):
        services.session_record(
            actor=worker,
            programme=parenting,
            date=start + dt.timedelta(days=7 * week + 5),
            duration_minutes=120,
            topic=["如何和孩子沟通", "孩子的营养", "家庭教育手册第三章", "识别孩子的情绪"][week],
            attendees=children[: 6 + week % 3],
            guardians_present=7 + week % 3,
        )
    # last week's parent–child calls through the family window
    monday = ctx.today - dt.timedelta(days=ctx.today.weekday() + 7)
    for i, case in enumerate(children[:12]):
        if not case.child.left_behind and i % 2:
            continue
        if i % 5 == 4:
            continue  # no call this week: on the missed list
        parent_calls.parent_call_record(
            actor=worker,
            case=case,
            date=monday + dt.timedelta(days=i % 7),
            kind="video" if i % 3 else "voice",
            duration_minutes=0 if i % 7 == 3 else 10 + i,
            held=i % 7 != 3,
            arranged_by="小陈",
            participants="孩子、妈妈、奶奶",
            conflict_note="孩子埋怨爸爸过年不回家" if i == 2 else "",
        )
    # a village library of donated books
    library = stock.store_create(actor=worker, name="七里村儿童图书室", kind="library", location=ctx.villages[0])
    pledge = Pledge.objects.filter(kind="goods", member__name="新华文具店").first()
    books = stock.stock_receive(
        actor=worker,
        store=library,
        pledge=pledge,
        description="儿童绘本和课外读物",
        quantity=60,
        unit_value="15.00",
        received_on=start,
    )
    stock.stock_move(actor=worker, item=books, kind="lent", quantity=20, programme=classroom, date=start)
    for case in children[:3]:
        stock.stock_move(actor=worker, item=books, kind="given", quantity=1, case=case, date=ctx.today)
