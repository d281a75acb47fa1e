"""Every write to a case file. Object permissions are granted and revoked only here."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import Role, User
from cases.models import Case, CaseStatus, Child, PresentingIssue
from cases.permissions import CASE_OBJECT_PERMS
from core.audit import audit_log
from core.models import AuditAction


def _next_case_number(year: int) -> str:
    # One number at a time per year: an advisory lock held to the end of the transaction.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [720000 + year])
    last = (
        Case.objects.filter(number__startswith=f"{year}-").order_by("-number").values_list("number", flat=True).first()
    )
    seq = int(last.split("-")[1]) + 1 if last else 1
    return f"{year}-{seq:04d}"


def grant_case_access(*, case: Case, user: User) -> None:
    for codename in CASE_OBJECT_PERMS:
        assign_perm(f"cases.{codename}", user, case)


def revoke_case_access(*, case: Case, user: User) -> None:
    for codename in CASE_OBJECT_PERMS:
        remove_perm(f"cases.{codename}", user, case)


def _check_worker(user: User | None) -> None:
    if user is not None and not (user.is_active and user.has_role(Role.SOCIAL_WORKER, Role.MANAGER, Role.ADMIN)):
        raise ValidationError({"lead_worker": _("The lead worker must be an active social worker or manager.")})


def _check_issues(issues: Iterable[str]) -> list[str]:
    issues = list(issues)
    unknown = [i for i in issues if i not in PresentingIssue.values]
    if unknown:
        raise ValidationError({"presenting_issues": _("Unknown presenting issue: %(codes)s") % {"codes": ", ".join(unknown)}})
    if len(set(issues)) != len(issues):
        raise ValidationError({"presenting_issues": _("A presenting issue may be listed only once.")})
    return issues


@transaction.atomic
def case_open(
    *,
    actor: User | None,
    child: Child,
    opened_on: dt.date | None = None,
    lead_worker: User | None = None,
    status: str = CaseStatus.ASSESSMENT,
    risk_level: str = "medium",
    presenting_issues: Iterable[str] = (),
    family_situation: str = "",
    category: str = "",
    referral: Any = None,
    contract: Any = None,
    closed_on: dt.date | None = None,
    closure_reason: str = "",
) -> Case:
    """Open a case file on a child and give the lead worker (and only them) access to it."""
    opened_on = opened_on or timezone.localdate()
    if opened_on > timezone.localdate():
        raise ValidationError({"opened_on": _("The opening date cannot be later than today.")})
    _check_worker(lead_worker)
    case = Case(
        number=_next_case_number(opened_on.year),
        child=child,
        status=status,
        risk_level=risk_level,
        presenting_issues=_check_issues(presenting_issues),
        family_situation=family_situation,
        category=category,
        lead_worker=lead_worker,
        opened_on=opened_on,
        closed_on=closed_on,
        closure_reason=closure_reason,
        referral=referral,
        contract=contract,
    )
    case.full_clean()
    case.save()
    if lead_worker is not None:
        grant_case_access(case=case, user=lead_worker)
    audit_log(action=AuditAction.CREATE, user=actor, obj=case)
    return case


@transaction.atomic
def case_assign(*, actor: User, case: Case, lead_worker: User) -> Case:
    """Hand a case to another worker: the new lead gains access, the previous lead loses it."""
    _check_worker(lead_worker)
    case = Case.objects.select_for_update().get(pk=case.pk)
    previous = case.lead_worker
    if previous is not None and previous.pk != lead_worker.pk and not case.team.filter(pk=previous.pk).exists():
        revoke_case_access(case=case, user=previous)
    case.lead_worker = lead_worker
    case.version += 1
    case.save(update_fields=["lead_worker", "version", "updated_at"])
    grant_case_access(case=case, user=lead_worker)
    audit_log(
        action=AuditAction.UPDATE,
        user=actor,
        obj=case,
        detail={"assign": {"from": previous.pk if previous else None, "to": lead_worker.pk}},
    )
    return case
