"""Every write on a multi-agency case: open it, invite and end partners, plan tasks, write notes,
record the one forensic interview, schedule and minute case conferences, record the dates of the
proceedings, close it. Each checks the caller's access, runs in a transaction and audits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import managers_of
from cases.models import Case
from cases.permissions import check_case_action
from core.audit import audit_log
from core.models import AuditAction
from multiagency.models import (
    CaseConference,
    ForensicInterview,
    JointCase,
    JointNote,
    JointTask,
    Milestone,
    MilestoneKind,
    Partner,
    PartnerRole,
    PartnerScope,
    TaskStatus,
)
from multiagency.permissions import JointAccess, check_joint_action
from notifications.services import notify
from organisations.models import Organisation, ServiceKind


@transaction.atomic
def joint_case_open(*, actor: User, case: Case, summary: str) -> JointCase:
    """Make a case the lead's multi-agency case (once); the actor must be able to change the case."""
    check_case_action(actor, case, "change")
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Write the summary the partner agencies will read.")})
    if JointCase.objects.filter(case=case).exists():
        raise ValidationError({"case": _("This case is already a multi-agency case.")})
    joint = JointCase.objects.create(case=case, summary=summary[:4000], opened_by=actor, opened_on=timezone.localdate())
    audit_log(action=AuditAction.CREATE, user=actor, obj=joint, detail={"case": case.pk})
    return joint


@transaction.atomic
def partner_invite(*, actor: User, access: JointAccess, organisation: Organisation, role: str, scope: str) -> Partner:
    """Invite an organisation onto the case with a role and a scope; its managers are told."""
    check_joint_action(access, "manage")
    joint = access.joint
    if role not in PartnerRole.values:
        raise ValidationError({"role": _("Choose the partner's role.")})
    if scope not in PartnerScope.values:
        raise ValidationError({"scope": _("Choose what the partner may see.")})
    if organisation.pk == joint.case.organisation_id:
        raise ValidationError({"organisation": _("The lead organisation is on the case already.")})
    if joint.partners.filter(organisation=organisation, left_on__isnull=True).exists():
        raise ValidationError({"organisation": _("This organisation is a partner on the case already.")})
    partner = Partner.objects.create(
        joint_case=joint,
        organisation=organisation,
        role=role,
        scope=scope,
        invited_by=actor,
        joined_on=timezone.localdate(),
    )
    audit_log(
        action=AuditAction.CREATE,
        user=actor,
        obj=partner,
        detail={"joint_case": joint.pk, "organisation": organisation.pk, "role": role, "scope": scope},
    )
    for manager in managers_of(organisation.pk):
        notify(
            user=manager,
            kind="joint_case_invited",
            obj=joint,
            object_type="jointcase",
            link=reverse("multiagency:detail", args=[joint.pk]),
            message=gettext_lazy("Your organisation is invited onto multi-agency case %(n)s."),
            params={"n": joint.case.number},
            dedupe_key=f"joint-invited:{partner.pk}",
        )
    return partner


@transaction.atomic
def partner_leave(*, actor: User, access: JointAccess, partner: Partner) -> Partner:
    """End a membership (the partner's manager leaves, or the lead removes it): its staff lose access
    at once."""
    own = access.partner is not None and access.partner.pk == partner.pk and access.may("leave")
    if partner.joint_case_id != access.joint.pk or not (access.manages or own):
        raise PermissionDenied
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.left_on is not None:
        raise ValidationError(_("This partner has already left the case."))
    partner.left_on, partner.left_by = timezone.localdate(), actor
    partner.save(update_fields=["left_on", "left_by", "updated_at"])
    audit_log(
        action=AuditAction.UPDATE,
        user=actor,
        obj=partner,
        detail={"joint_case": partner.joint_case_id, "organisation": partner.organisation_id, "left": True},
    )
    return partner


def _on_case(joint: JointCase, organisation: Organisation) -> bool:
    return (
        organisation.pk == joint.case.organisation_id
        or joint.partners.filter(organisation=organisation, left_on__isnull=True).exists()
    )


def _agency_on_case(access: JointAccess, organisation: Organisation) -> None:
    if not _on_case(access.joint, organisation):
        raise ValidationError({"organisation": _("Plan tasks only for the agencies on the case.")})
    if not access.may_act_for(organisation.pk):
        raise ValidationError({"organisation": _("You may plan tasks for your own agency only.")})


@transaction.atomic
def task_add(
    *, actor: User, access: JointAccess, organisation: Organisation, title: str, due_on: dt.date, service: str = ""
) -> JointTask:
    """One agency's action in the joint plan, due on a date."""
    check_joint_action(access, "plan")
    _agency_on_case(access, organisation)
    return _task_create(actor=actor, access=access, organisation=organisation, title=title, due_on=due_on,
                        service=service)  # fmt: skip


def _task_create(
    *,
    actor: User,
    access: JointAccess,
    organisation: Organisation,
    title: str,
    due_on: dt.date,
    service: str = "",
    conference: CaseConference | None = None,
) -> JointTask:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Say what the agency will do.")})
    if service and service not in ServiceKind.values:
        raise ValidationError({"service": _("Choose a kind of service from the list.")})
    task = JointTask.objects.create(
        joint_case=access.joint,
        organisation=organisation,
        service=service,
        title=title[:300],
        due_on=due_on,
        conference=conference,
        created_by=actor,
    )
    audit_log(
        action=AuditAction.CREATE,
        user=actor,
        obj=task,
        detail={
            "joint_case": access.joint.pk,
            "organisation": organisation.pk,
            "conference": conference.pk if conference else None,
        },
    )
    return task


@transaction.atomic
def task_update(*, actor: User, access: JointAccess, task: JointTask, status: str, outcome: str = "") -> JointTask:
    """Move a task on; a done task carries its outcome and the day it was done."""
    if not access.may_act_for(task.organisation_id):
        raise ValidationError(_("You may update your own agency's tasks only."))
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    outcome = (outcome or "").strip()
    if status == TaskStatus.DONE and not outcome:
        raise ValidationError({"outcome": _("Say what was delivered.")})
    task.status, task.outcome = status, outcome[:4000] or task.outcome
    task.done_on = timezone.localdate() if status == TaskStatus.DONE else None
    task.save(update_fields=["status", "outcome", "done_on", "updated_at"])
    audit_log(action=AuditAction.UPDATE, user=actor, obj=task, detail={"status": status})
    return task


@transaction.atomic
def note_add(*, actor: User, access: JointAccess, text: str, confidential: bool = True) -> JointNote:
    """A note by the actor's agency; confidential ones stay within that agency."""
    check_joint_action(access, "note")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    note = JointNote.objects.create(
        joint_case=access.joint,
        organisation_id=actor.organisation_id,
        author=actor,
        text=text[:4000],
        confidential=confidential,
    )
    audit_log(
        action=AuditAction.CREATE,
        user=actor,
        obj=note,
        detail={"joint_case": access.joint.pk, "confidential": confidential},
    )
    return note


@transaction.atomic
def interview_record(
    *,
    actor: User,
    access: JointAccess,
    date: dt.date,
    place: str,
    agencies: Iterable[Organisation],
    attendees: str,
    record: str,
) -> ForensicInterview:
    """Record the child's forensic interview, once: a second one is refused (the child is not
    interviewed again; every agency reads the one record its scope allows)."""
    check_joint_action(access, "interview")
    joint = JointCase.objects.select_for_update().get(pk=access.joint.pk)
    existing = ForensicInterview.objects.filter(joint_case=joint).first()
    if existing is not None:
        raise ValidationError(
            _("The child was interviewed on %(date)s. Read that record; the child is not interviewed again.")
            % {"date": date_format(existing.date)}
        )
    if date > timezone.localdate():
        raise ValidationError({"date": _("The interview date cannot be in the future.")})
    agencies = list(agencies)
    if not agencies:
        raise ValidationError({"agencies": _("Name the agencies present.")})
    if not (place or "").strip() or not (record or "").strip():
        raise ValidationError(_("Give the place and the record of the interview."))
    interview = ForensicInterview.objects.create(
        joint_case=joint,
        date=date,
        place=place.strip()[:200],
        attendees=(attendees or "").strip()[:500],
        record=record.strip()[:20000],
        recorded_by=actor,
    )
    interview.agencies.set(agencies)
    audit_log(
        action=AuditAction.CREATE,
        user=actor,
        obj=interview,
        detail={"joint_case": joint.pk, "agencies": sorted(a.pk for a in agencies)},
    )
    return interview


def _agencies_on_case(joint: JointCase, agencies: Iterable[Organisation], field: str) -> list[Organisation]:
    agencies = list(agencies)
    if not agencies:
        raise ValidationError({field: _("Name the agencies.")})
    if any(not _on_case(joint, a) for a in agencies):
        raise ValidationError({field: _("Name only the agencies on the case.")})
    return agencies


@transaction.atomic
def conference_schedule(
    *, actor: User, access: JointAccess, date: dt.date, agencies: Iterable[Organisation]
) -> CaseConference:
    """The lead schedules a case conference with the agencies on the case; the invited partners'
    managers are told."""
    check_joint_action(access, "conference")
    joint = access.joint
    agencies = _agencies_on_case(joint, agencies, "agencies")
    conference = CaseConference.objects.create(joint_case=joint, date=date, scheduled_by=actor)
    conference.agencies.set(agencies)
    audit_log(
        action=AuditAction.CREATE,
        user=actor,
        obj=conference,
        detail={"joint_case": joint.pk, "date": date.isoformat(), "agencies": sorted(a.pk for a in agencies)},
    )
    for organisation in agencies:
        if organisation.pk == joint.case.organisation_id:
            continue
        for manager in managers_of(organisation.pk):
            notify(
                user=manager,
                kind="joint_case_conference",
                obj=joint,
                object_type="jointcase",
                link=reverse("multiagency:detail", args=[joint.pk]),
                message=gettext_lazy("A case conference on multi-agency case %(n)s is scheduled for %(d)s."),
                params={"n": joint.case.number, "d": date_format(date)},
                dedupe_key=f"joint-conference:{conference.pk}:{organisation.pk}",
            )
    return conference


@transaction.atomic
def conference_minutes(
    *,
    actor: User,
    access: JointAccess,
    conference: CaseConference,
    agencies: Iterable[Organisation],
    minutes: str,
    decisions: str = "",
    follow_ups: Iterable[dict[str, Any]] = (),
) -> CaseConference:
    """After the conference: who was present, the minutes, the decisions and, for each decision an
    agency agreed to carry out, its follow-up task in the joint plan. Minuted once."""
    check_joint_action(access, "conference")
    conference = CaseConference.objects.select_for_update().get(pk=conference.pk, joint_case=access.joint)
    if conference.minuted_on is not None:
        raise ValidationError(_("The minutes of this conference are already recorded."))
    if conference.date > timezone.localdate():
        raise ValidationError(_("Record the minutes after the conference has taken place."))
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": _("Write the minutes.")})
    agencies = _agencies_on_case(access.joint, agencies, "agencies")
    conference.minutes, conference.decisions = minutes[:20000], (decisions or "").strip()[:4000]
    conference.minuted_on, conference.minuted_by = timezone.localdate(), actor
    conference.save(update_fields=["minutes", "decisions", "minuted_on", "minuted_by", "updated_at"])
    conference.agencies.set(agencies)
    tasks = []
    for follow_up in follow_ups:
        _agency_on_case(access, follow_up["organisation"])
        tasks.append(_task_create(actor=actor, access=access, conference=conference, **follow_up))
    audit_log(
        action=AuditAction.UPDATE,
        user=actor,
        obj=conference,
        detail={"minutes": True, "agencies": sorted(a.pk for a in agencies), "tasks": [t.pk for t in tasks]},
    )
    return conference


@transaction.atomic
def milestone_add(*, actor: User, access: JointAccess, kind: str, date: dt.date, note: str = "") -> Milestone:
    """A date of the proceedings (reported to the police, case filed, indictment, hearing, judgment)."""
    check_joint_action(access, "milestone")
    if kind not in MilestoneKind.values:
        raise ValidationError({"kind": _("Choose a milestone from the list.")})
    if date > timezone.localdate() and kind != MilestoneKind.HEARING:
        raise ValidationError({"date": _("Only a hearing may be recorded ahead; the others once they happen.")})
    milestone = Milestone.objects.create(
        joint_case=access.joint, kind=kind, date=date, note=(note or "").strip()[:300], recorded_by=actor
    )
    audit_log(
        action=AuditAction.CREATE,
        user=actor,
        obj=milestone,
        detail={"joint_case": access.joint.pk, "kind": kind, "date": date.isoformat()},
    )
    return milestone


@transaction.atomic
def joint_case_close(*, actor: User, access: JointAccess) -> JointCase:
    """Close the multi-agency case: the plan, notes and conferences are then read-only, and the case
    reports what each agency delivered (``multiagency.selectors.delivered_by_agency``). Tasks still
    planned or in progress must be done or cancelled first."""
    check_joint_action(access, "close")
    joint = JointCase.objects.select_for_update().get(pk=access.joint.pk)
    if joint.closed_on is not None:
        raise ValidationError(_("This multi-agency case is already closed."))
    open_tasks = joint.tasks.filter(status__in=[TaskStatus.PLANNED, TaskStatus.IN_PROGRESS]).count()
    if open_tasks:
        raise ValidationError(
            _("%(n)s tasks are still open: mark them done or cancelled before closing.") % {"n": open_tasks}
        )
    joint.closed_on, joint.closed_by = timezone.localdate(), actor
    joint.save(update_fields=["closed_on", "closed_by", "updated_at"])
    access.joint.closed_on, access.joint.closed_by = joint.closed_on, actor
    audit_log(action=AuditAction.UPDATE, user=actor, obj=joint, detail={"closed": True})
    return joint
