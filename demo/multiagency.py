"""The One-Stop Centre pathway in the demo: the sexual-abuse case of the default NGO is a multi-agency
case with the procuratorate (plan and interview), the psychological service (plan) and the law firm
(its own tasks) as partners, a joint plan, the one forensic interview; plus a training and a case
review for the workforce figures. Safe to run again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cases.models import Case
from demo.base import DemoContext
from multiagency import services
from multiagency.models import JointCase
from multiagency.permissions import get_joint_access
from workforce import services as workforce
from workforce.models import CaseReview, Training

PARTNERS = [  # organisation, role, scope, its action in the joint plan, due in days
    ("青山区人民检察院", "procuratorate", "plan_and_interview", "审查起诉并申请司法救助", 30),
    ("心晴心理咨询中心", "psychological_support", "plan", "每周一次心理辅导，共八次", 14),
    ("明德律师事务所", "legal_aid", "own_tasks", "指派律师担任诉讼代理人", 7),
]


def seed(ctx: DemoContext) -> None:
    organisations = ctx.extra["organisations"]
    case = (
        Case.objects.filter(presenting_issues__contains=["sexual_abuse"], organisation__is_default=True)
        .exclude(status="closed")
        .order_by("pk")
        .first()
    )
    if case is None or case.lead_worker is None or JointCase.objects.filter(case=case).exists():
        return
    lead = case.lead_worker
    joint = services.joint_case_open(
        actor=lead,
        case=case,
        summary="11岁女童遭受性侵，已报案。需要法律援助、心理辅导和家庭教育指导；一站式询问一次。",
    )
    access = get_joint_access(lead, joint.pk, action="manage")
    for name, role, scope, action, days in PARTNERS:
        organisation = organisations[name]
        services.partner_invite(actor=lead, access=access, organisation=organisation, role=role, scope=scope)
        services.task_add(
            actor=lead,
            access=access,
            organisation=organisation,
            title=action,
            due_on=ctx.today + dt.timedelta(days=days),
            service="legal_aid" if role == "legal_aid" else "",
        )
    services.task_add(
        actor=lead,
        access=access,
        organisation=case.organisation,
        title="家访并为照护人提供家庭教育指导",
        due_on=ctx.today + dt.timedelta(days=10),
        service="family_education",
    )
    services.interview_record(
        actor=lead,
        access=access,
        date=ctx.today - dt.timedelta(days=3),
        place="青山区一站式取证中心",
        agencies=[organisations["青山区人民检察院"], case.organisation],
        attendees="检察官 李, 社工 陈晓, 心理咨询师 陈",
        record="（示例）孩子在女性检察官和社工陪同下陈述了经过；询问全程录像，不再重复询问。",
    )
    services.note_add(actor=lead, access=access, text="照护人同意各机构共享联合服务计划。", confidential=False)
    manager = ctx.users.get("liu")
    if manager is not None and not Training.objects.exists():
        workforce.training_record(
            actor=manager,
            topic="性侵害案件中儿童的一站式询问",
            profession="social_work",
            competencies=["forensic_interviewing", "trauma_informed", "multi_agency"],
            date=ctx.today - dt.timedelta(days=20),
            hours=Decimal("6"),
            attendees=[u for u in (ctx.users.get("xiaochen"), ctx.users.get("xiaozhou")) if u is not None],
            other_participants=5,
        )
    if manager is not None and not CaseReview.objects.filter(case=case).exists():
        workforce.case_review_record(
            actor=manager,
            case=case,
            date=ctx.today - dt.timedelta(days=1),
            points_met=["consent_recorded", "risk_assessed", "confidentiality_kept"],
            findings="风险评估及时；照护计划尚未写入儿童本人的意见。",
            actions="下次家访时听取孩子的意见并更新照护计划。",
            follow_up_on=ctx.today + dt.timedelta(days=14),
        )
