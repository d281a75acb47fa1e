"""Every write on a multi-agency case: open it, invite and end partners, plan tasks, write notes,
record the one forensic interview. Each checks the caller's access, runs in a transaction and audits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

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
    ForensicInterview,
    JointCase,
    JointNote,
    JointTask,
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


def _agency_on_case(access: JointAccess, organisation: Organisation) -> None:
    joint = access.joint
    on_case = (
        organisation.pk == joint.case.organisation_id
        or joint.partners.filter(organisation=organisation, left_on__isnull=True).exists()
    )
    if not on_case:
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
        created_by=actor,
    )
    audit_log(
        action=AuditAction.CREATE,
        user=actor,
        obj=task,
        detail={"joint_case": access.joint.pk, "organisation": organisation.pk},
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
