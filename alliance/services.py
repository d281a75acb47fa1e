"""Alliance writes: members, events, volunteer assignments and logs, urgent concerns. All audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from alliance.models import Event, Member, VolunteerAssignment, VolunteerLog
from cases.models import Case
from core.api_fields import PHONE_RE
from core.audit import audit_log
from core.models import AuditAction
from core.services import model_create, model_update, save_once, submitted_before
from notifications.services import notify


def _check_member(fields: dict[str, Any]) -> None:
    phone = (fields.get("phone") or "").strip()
    if phone and not PHONE_RE.match(phone):
        raise ValidationError({"phone": _("Enter a mainland mobile number (11 digits) or a landline with area code.")})


@transaction.atomic
def member_create(*, actor: User, **fields: Any) -> Member:
    """A new Alliance member of the actor's organisation (an admin may name another)."""
    _check_member(fields)
    if not actor.has_role(Role.ADMIN) or fields.get("organisation") is None:
        fields.pop("organisation", None)
        fields["organisation_id"] = actor.organisation_id
    member = Member(**fields)
    return model_create(actor=actor, obj=member)


@transaction.atomic
def member_update(*, actor: User, member: Member, **fields: Any) -> Member:
    _check_member(fields)
    return model_update(actor=actor, obj=member, fields=fields)


@transaction.atomic
def event_create(
    *,
    actor: User,
    kind: str,
    date: dt.date,
    title: str,
    members: list[Member] | None = None,
    case: Case | None = None,
    minutes: str = "",
) -> Event:
    if date > timezone.localdate() + dt.timedelta(days=366):
        raise ValidationError({"date": _("The date is too far in the future.")})
    event = Event(kind=kind, date=date, title=title.strip(), case=case, minutes=minutes.strip(), created_by=actor)
    event.full_clean()
    event.save()
    if members:
        event.members.set(members)
    audit_log(action=AuditAction.CREATE, user=actor, obj=event)
    return event


@transaction.atomic
def volunteer_assign(*, actor: User, case: Case, member: Member, brief: str) -> VolunteerAssignment:
    if not member.is_volunteer:
        raise ValidationError({"member": _("This member is not a volunteer.")})
    assignment, _created = VolunteerAssignment.objects.update_or_create(
        member=member,
        case=case,
        is_active=True,
        defaults={"brief": brief.strip()[:500], "assigned_by": actor},
    )
    audit_log(action=AuditAction.CREATE, user=actor, obj=assignment, detail={"case": case.pk})
    return assignment


def assignment_for_volunteer(user: User, case_id: Any) -> VolunteerAssignment | None:
    if not user.has_role(Role.VOLUNTEER) or not user.member_id:
        return None
    return VolunteerAssignment.objects.filter(member_id=user.member_id, case_id=case_id, is_active=True).first()


@transaction.atomic
def volunteer_log_create(
    *,
    actor: User,
    case: Case,
    date: dt.date,
    minutes: int,
    note: str = "",
    member: Member | None = None,
    submission_key: str | None = None,
) -> VolunteerLog:
    """A volunteer logs a visit on a case they are assigned to; staff may log it for them, but only
    for a volunteer who is or was assigned to the case (hours are often written up after the
    assignment ended; hours for a stranger to the case would be invented ones). The same
    ``submission_key`` (a log queued on a phone with no signal and sent again) returns the first log."""
    if actor.has_role(Role.VOLUNTEER):
        if assignment_for_volunteer(actor, case.pk) is None:
            raise ValidationError({"case": _("You are not assigned to this visit.")})
        member = actor.member
    if member is None:
        raise ValidationError({"member": _("Choose the volunteer.")})
    if not VolunteerAssignment.objects.filter(member_id=member.pk, case_id=case.pk).exists():
        raise ValidationError({"member": _("This volunteer is not assigned to this case.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if not (0 < minutes <= 24 * 60):
        raise ValidationError({"minutes": _("Minutes must be between 1 and 1440.")})
    same = {"member_id": member.pk, "case_id": case.pk}
    existing = submitted_before(VolunteerLog.objects.all(), submission_key, **same)
    if existing is not None:
        return existing
    log = VolunteerLog(
        member=member,
        case=case,
        date=date,
        minutes=minutes,
        note=note.strip()[:5000],
        submission_key=submission_key or None,
    )
    log.full_clean(exclude=["submission_key"])
    log, created = save_once(log, **same)
    if not created:
        return log
    audit_log(action=AuditAction.CREATE, user=actor, obj=log, detail={"case": case.pk})
    return log


@transaction.atomic
def volunteer_raise_concern(*, actor: User, case: Case, message: str) -> None:
    """ "I'm worried — tell the social worker now": the lead worker is notified at once."""
    if assignment_for_volunteer(actor, case.pk) is None:
        raise ValidationError(_("You are not assigned to this visit."))
    audit_log(action=AuditAction.CREATE, user=actor, object_type="concern", object_id=case.pk, detail={"case": case.pk})
    if case.lead_worker:
        notify(
            user=case.lead_worker,
            kind="volunteer_concern",
            obj=case,
            link=reverse("cases:detail", args=[case.pk]),
            message=gettext_lazy("Urgent: volunteer %(v)s is worried about case %(n)s: %(m)s"),
            params={"v": str(actor), "n": case.number, "m": message.strip()[:300]},
            dedupe_key=f"concern:{case.pk}:{timezone.now().timestamp():.0f}",
        )


@transaction.atomic
def members_import(*, actor: User, rows: list[dict[str, Any]]) -> int:
    """Save checked roster rows, all or nothing."""
    created = []
    for values in rows:
        values = dict(values)
        if values.get("joined_on") and isinstance(values["joined_on"], str):
            values["joined_on"] = dt.date.fromisoformat(values["joined_on"])
        member = Member(**values)
        member.organisation_id = actor.organisation_id  # the importing organisation's Alliance
        member.full_clean()
        created.append(member)
    Member.objects.bulk_create(created)
    audit_log(action=AuditAction.CREATE, user=actor, object_type="member-import", detail={"rows": len(created)})
    return len(created)


@transaction.atomic
def conference_agreement_add(
    *,
    actor: User,
    event: Event,
    department: str,
    agreed_action: str = "",
    follow_up_on: dt.date | None = None,
    attended: bool = True,
) -> Any:
    from alliance.models import ConferenceAgreement, EventKind

    if event.kind != EventKind.JOINT_CONFERENCE:
        raise ValidationError(_("Agreements belong to a joint conference."))
    if not department.strip():
        raise ValidationError({"department": _("Name the department.")})
    agreement = ConferenceAgreement.objects.create(
        event=event,
        department=department.strip()[:100],
        agreed_action=agreed_action.strip()[:500],
        follow_up_on=follow_up_on,
        attended=attended,
    )
    audit_log(action=AuditAction.CREATE, user=actor, obj=agreement, detail={"event": event.pk})
    return agreement
