"""Access to a case beyond its team (issue 15): asked for and granted for a limited time, or opened
at once in an emergency ("break glass"); every grant ends by itself and everything is audited."""

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
from accounts.roles import managers_of, may_lead_cases
from cases.models import AccessGrant, AccessKind, AccessStatus, Case
from cases.permissions import cases_visible_to
from cases.services.case import grant_case_access, revoke_case_access
from core.audit import audit_log
from core.models import AuditAction
from notifications.services import notify

BREAK_GLASS_HOURS = 24
MAX_GRANT_DAYS = 30


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Say why you need this case (a few words at least).")})
    return reason[:2000]


def _findable(actor: User, number: str) -> Case | None:
    """A case of the actor's own organisation that the actor cannot see yet, by its number."""
    number = (number or "").strip()
    if not number or not may_lead_cases(actor):
        return None
    case = Case.objects.filter(number=number, organisation_id=actor.organisation_id).first()
    if case is None or cases_visible_to(actor).filter(pk=case.pk).exists():
        return None
    return case


def _recorded(actor: User, grant: AccessGrant, kind: str, message: Any) -> None:
    """A new grant: its audit row, and a notification to each manager of the case's organisation."""
    case = grant.case
    audit_log(action=AuditAction.CREATE, user=actor, obj=grant, detail={"case": case.pk, "kind": grant.kind})
    for manager in managers_of(case.organisation_id):
        notify(
            user=manager,
            kind=kind,
            obj=grant,
            object_type="accessgrant",
            link=reverse("cases:access"),
            message=message,
            params={"who": actor.get_full_name() or actor.get_username(), "n": case.number},
            dedupe_key=f"{kind}:{grant.pk}",
        )


@transaction.atomic
def access_request(*, actor: User, number: str, reason: str) -> AccessGrant | None:
    """Ask a manager for access. Returns None (and the caller says the same thing either way) when
    there is no such case in the actor's organisation or the actor already sees it."""
    reason = _reason(reason)
    case = _findable(actor, number)
    if case is None:
        return None
    existing = AccessGrant.objects.filter(case=case, user=actor, status=AccessStatus.REQUESTED).first()
    if existing is not None:
        return existing
    grant = AccessGrant.objects.create(
        case=case, user=actor, kind=AccessKind.REQUEST, status=AccessStatus.REQUESTED, reason=reason
    )
    _recorded(actor, grant, "access_requested", gettext_lazy("%(who)s asks for access to case %(n)s."))
    return grant


@transaction.atomic
def break_glass(*, actor: User, number: str, reason: str) -> Case:
    """Open a case of the actor's organisation at once, for BREAK_GLASS_HOURS, telling its managers."""
    reason = _reason(reason)
    case = _findable(actor, number)
    if case is None:
        raise ValidationError({"number": _("No case with this number that you could open.")})
    now = timezone.now()
    grant = AccessGrant.objects.create(
        case=case,
        user=actor,
        kind=AccessKind.BREAK_GLASS,
        status=AccessStatus.GRANTED,
        reason=reason,
        decided_at=now,
        ends_at=now + dt.timedelta(hours=BREAK_GLASS_HOURS),
    )
    grant_case_access(case=case, user=actor)
    _recorded(
        actor,
        grant,
        "access_break_glass",
        gettext_lazy("Emergency access: %(who)s opened case %(n)s. Check the reason."),
    )
    return case


def _check_decider(actor: User, grant: AccessGrant) -> None:
    if not (
        actor.has_role(Role.ADMIN)
        or (actor.has_role(Role.MANAGER) and actor.organisation_id == grant.case.organisation_id)
    ):
        raise ValidationError(_("Only a manager of the case's organisation decides."))


@transaction.atomic
def access_decide(*, actor: User, grant: AccessGrant, grant_days: int | None, note: str = "") -> AccessGrant:
    """Grant (``grant_days`` from 1 to MAX_GRANT_DAYS) or decline (``None``, with a note) a request."""
    grant = AccessGrant.objects.select_for_update().select_related("case").get(pk=grant.pk)
    _check_decider(actor, grant)
    if grant.status != AccessStatus.REQUESTED:
        raise ValidationError(_("This request was already answered."))
    now = timezone.now()
    if grant_days is None:
        if not note.strip():
            raise ValidationError({"note": _("Say why you decline.")})
        grant.status = AccessStatus.DECLINED
    else:
        if not 1 <= grant_days <= MAX_GRANT_DAYS:
            raise ValidationError({"days": _("Grant access for 1 to %(n)s days.") % {"n": MAX_GRANT_DAYS}})
        grant.status = AccessStatus.GRANTED
        grant.ends_at = now + dt.timedelta(days=grant_days)
        grant_case_access(case=grant.case, user=grant.user)
    grant.decided_by, grant.decided_at, grant.decision_note = actor, now, note.strip()[:500]
    grant.save()
    audit_log(
        action=AuditAction.UPDATE,
        user=actor,
        obj=grant,
        detail={"case": grant.case_id, "status": grant.status, "days": grant_days},
    )
    notify(
        user=grant.user,
        kind="access_decided",
        obj=grant,
        object_type="accessgrant",
        link=reverse("cases:access"),
        message=gettext_lazy("Your request for access to case %(n)s was answered: %(status)s."),
        params={"n": grant.case.number, "status": grant.status},
        dedupe_key=f"access-decided:{grant.pk}",
    )
    return grant


def access_expiry_sweep(*, now: dt.datetime | None = None) -> int:
    """End every grant past its time: the access goes, the grant says when. Idempotent."""
    now = now or timezone.now()
    ended = 0
    for pk in AccessGrant.objects.filter(status=AccessStatus.GRANTED, ends_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            grant = AccessGrant.objects.select_for_update().select_related("case", "user").get(pk=pk)
            if grant.status != AccessStatus.GRANTED:
                continue
            case = grant.case
            if case.lead_worker_id != grant.user_id and not case.team.filter(pk=grant.user_id).exists():
                revoke_case_access(case=case, user=grant.user)
            grant.status, grant.ended_at = AccessStatus.ENDED, now
            grant.save(update_fields=["status", "ended_at", "updated_at"])
            audit_log(action=AuditAction.UPDATE, user=None, obj=grant, detail={"case": case.pk, "status": "ended"})
            ended += 1
    return ended
