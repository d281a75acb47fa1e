"""Every write to a case file. Object permissions are granted and revoked only here."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import User
from accounts.roles import may_lead_cases
from cases.due import refresh_due_dates
from cases.models import (
    Activity,
    ActivityKind,
    Case,
    CaseFlag,
    CaseStatus,
    Child,
    ClosureCode,
    HouseholdMember,
    PresentingIssue,
    RiskChange,
)
from cases.permissions import CASE_OBJECT_PERMS, check_case_action
from core.audit import audit_log
from core.models import AuditAction
from core.services import model_create, model_update, save_once, submitted_before


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


def _check_worker(user: User | None, organisation_id: Any = None) -> None:
    if user is not None and not may_lead_cases(user):
        raise ValidationError({"lead_worker": _("The lead worker must be an active social worker or manager.")})
    if user is not None and organisation_id is not None and user.organisation_id != organisation_id:
        raise ValidationError({"lead_worker": _("The lead worker must work for the case's organisation.")})


def case_organisation_id(
    *, actor: User | None, organisation: Any = None, contract: Any = None, lead_worker: User | None = None
) -> Any:
    """The organisation a new case belongs to: the one named, else its contract's, else its lead
    worker's, else the actor's; ``None`` leaves it to the database default (the instance's default
    organisation)."""
    if organisation is not None:
        return getattr(organisation, "pk", organisation)
    for holder in (contract, lead_worker, actor):
        organisation_id = getattr(holder, "organisation_id", None)
        if isinstance(organisation_id, int):
            return organisation_id
    return None


def _check_issues(issues: Iterable[str]) -> list[str]:
    issues = list(issues)
    unknown = [i for i in issues if i not in PresentingIssue.values]
    if unknown:
        raise ValidationError(
            {"presenting_issues": _("Unknown presenting issue: %(codes)s") % {"codes": ", ".join(unknown)}}
        )
    if len(set(issues)) != len(issues):
        raise ValidationError({"presenting_issues": _("A presenting issue may be listed only once.")})
    return issues


# No case file in Shouhu predates the programme's first records (migrated files included).
EARLIEST_OPENING = dt.date(2000, 1, 1)


def _check_opened_on(opened_on: dt.date, birth_date: dt.date | None) -> None:
    if opened_on > timezone.localdate():
        raise ValidationError({"opened_on": _("The opening date cannot be later than today.")})
    if opened_on < EARLIEST_OPENING:
        raise ValidationError({"opened_on": _("The opening date cannot be before 1 January 2000.")})
    if birth_date and opened_on < birth_date:
        raise ValidationError({"opened_on": _("The opening date cannot be before the child's birth date.")})


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
    household_label: str = "",
    organisation: Any = None,
) -> Case:
    """Open a case file on a child and give the lead worker (and only them) access to it. The case
    belongs to ``organisation`` (see ``case_organisation_id`` when none is named); its contract and
    lead worker must be of the same organisation."""
    opened_on = opened_on or timezone.localdate()
    _check_opened_on(opened_on, child.birth_date)
    organisation_id = case_organisation_id(
        actor=actor, organisation=organisation, contract=contract, lead_worker=lead_worker
    )
    _check_worker(lead_worker, organisation_id)
    if contract is not None and organisation_id is not None and contract.organisation_id != organisation_id:
        raise ValidationError({"contract": _("The contract belongs to another organisation.")})
    if contract is None:
        # A case counts towards its organisation's contract that was running when it was opened.
        from core.models import Contract

        running = Contract.objects.filter(start__lte=opened_on, end__gte=opened_on)
        if organisation_id is not None:
            running = running.filter(organisation_id=organisation_id)
        contract = running.order_by("-start").first()
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
        household_label=household_label.strip(),
    )
    if organisation_id is not None:
        case.organisation_id = organisation_id
    case.full_clean()
    case.save()
    refresh_due_dates([case.pk])
    if lead_worker is not None:
        grant_case_access(case=case, user=lead_worker)
    audit_log(action=AuditAction.CREATE, user=actor, obj=case)
    return case


@transaction.atomic
def case_assign(*, actor: User, case: Case, lead_worker: User) -> Case:
    """Hand a case to another worker: the new lead gains access, the previous lead loses it."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_worker(lead_worker, case.organisation_id)
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


class StaleVersion(Exception):
    """Someone saved the case since this editor read it; carries the current case."""

    def __init__(self, current: Case) -> None:
        super().__init__("stale version")
        self.current = current


CASE_EDITABLE_FIELDS = (
    "risk_level",
    "presenting_issues",
    "family_situation",
    "category",
    "opened_on",
    "contract",
    "household_label",
)
# The status is not among them: a case becomes active when its assessment is approved
# (casework.assessment_decide) and closed by case_close / an approved closure request.
STATUS_MESSAGE = gettext_lazy(
    "The status changes only through its own steps: an approved assessment makes the case active, "
    "the close action closes it."
)


def _check_child_fields(fields: dict[str, Any]) -> None:
    birth_date = fields.get("birth_date")
    if birth_date and birth_date > timezone.localdate():
        raise ValidationError({"birth_date": _("The birth date cannot be in the future.")})


@transaction.atomic
def child_create(*, actor: User | None, **fields: Any) -> Child:
    _check_child_fields(fields)
    child = Child(**fields)
    return model_create(actor=actor, obj=child)


@transaction.atomic
def child_update(*, actor: User, child: Child, **fields: Any) -> Child:
    _check_child_fields(fields)
    return model_update(actor=actor, obj=child, fields=fields)


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    version: int,
    reason: str = "",
    child_fields: dict[str, Any] | None = None,
    **fields: Any,
) -> Case:
    """Change a case file — the case and its child — if nobody saved it since ``version`` was
    read; else raise StaleVersion and change nothing.

    One version covers the whole file: a change to the child's fields alone moves it too (and
    the versions of the child's other case files, which show the same child). A risk level change
    is recorded with who, when and why.
    """
    current = Case.objects.select_for_update().get(pk=case.pk)
    if current.version != version:
        raise StaleVersion(current)
    if "status" in fields:
        if fields["status"] != current.status:
            raise ValidationError({"status": STATUS_MESSAGE})
        fields.pop("status")
    unknown = set(fields) - set(CASE_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    child_changed = False
    if child_fields:
        _check_child_fields(child_fields)
        child = Child.objects.select_for_update().get(pk=current.child_id)
        if any(getattr(child, name) != value for name, value in child_fields.items()):
            model_update(actor=actor, obj=child, fields=child_fields)
            current.child = child
            Case.objects.filter(child_id=child.pk).exclude(pk=current.pk).update(version=F("version") + 1)
            child_changed = True
    if "presenting_issues" in fields:
        fields["presenting_issues"] = _check_issues(fields["presenting_issues"])
    if "opened_on" in fields and fields["opened_on"] != current.opened_on:
        _check_opened_on(fields["opened_on"], current.child.birth_date)
    contract = fields.get("contract")
    if contract is not None and contract.organisation_id != current.organisation_id:
        raise ValidationError({"contract": _("The contract belongs to another organisation.")})
    changed = [name for name, value in fields.items() if getattr(current, name) != value]
    if not changed:
        if child_changed:
            current.version += 1
            current.save(update_fields=["version", "updated_at"])
        return current
    old_risk = current.risk_level
    for name in changed:
        setattr(current, name, fields[name])
    current.version += 1
    current.full_clean()
    current.save(update_fields=[*changed, "version", "updated_at"])
    if "risk_level" in changed or "opened_on" in changed:
        refresh_due_dates([current.pk])
    if "risk_level" in changed:
        RiskChange.objects.create(
            case=current,
            changed_by=actor,
            from_level=old_risk,
            to_level=current.risk_level,
            reason=reason or _("Changed in the case file"),
        )
    audit_log(action=AuditAction.UPDATE, user=actor, obj=current, detail={"fields": sorted(changed)})
    return current


@transaction.atomic
def case_close(
    *,
    actor: User,
    case: Case,
    closed_on: dt.date,
    closure_reason: str,
    closure_outcome: str = "",
    closure_code: str = "",
) -> Case:
    """Close a case (a manager directly, or after a manager approved a worker's request). ``closure_code``
    (cases.choices.ClosureCode) is what the funder report counts; blank reads "not recorded"."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    if current.status == CaseStatus.CLOSED:
        raise ValidationError({"status": _("This case is already closed.")})
    if not closure_reason.strip():
        raise ValidationError({"closure_reason": _("Give the reason for closing the case.")})
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("The closing date cannot be in the future.")})
    if closed_on < current.opened_on:
        raise ValidationError({"closed_on": _("The closing date cannot be before the opening date.")})
    if closure_code and closure_code not in ClosureCode.values:
        raise ValidationError({"closure_code": _("Choose why the case closed from the list.")})
    current.status = CaseStatus.CLOSED
    current.closed_on = closed_on
    current.closure_code = closure_code
    current.closure_reason = closure_reason.strip()
    current.closure_outcome = closure_outcome.strip()
    current.version += 1
    current.save(
        update_fields=[
            "status",
            "closed_on",
            "closure_reason",
            "closure_outcome",
            "closure_code",
            "version",
            "updated_at",
        ]
    )
    audit_log(action=AuditAction.UPDATE, user=actor, obj=current, detail={"close": str(closed_on)})
    return current


@transaction.atomic
def activity_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    date: dt.date,
    summary: str,
    duration_minutes: int | None = None,
    sensitive: bool = False,
    participants: str = "",
    submission_key: str | None = None,
) -> Activity:
    """Record a visit, call or other activity on a case. The same ``submission_key`` (a note queued on
    a phone with no signal and sent again) returns the activity it recorded the first time."""
    same = {"case_id": case.pk, "recorded_by_id": actor.pk}
    existing = submitted_before(Activity.objects.all(), submission_key, **same)
    if existing is not None:
        return existing
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if date < case.opened_on - dt.timedelta(days=366):
        raise ValidationError({"date": _("The date is long before the case was opened.")})
    activity = Activity(
        case=case,
        kind=kind,
        date=date,
        summary=summary.strip(),
        duration_minutes=duration_minutes,
        sensitive=sensitive,
        participants=participants,
        recorded_by=actor,
        submission_key=submission_key or None,
    )
    activity.full_clean(exclude=["submission_key"])
    activity, created = save_once(activity, **same)
    if not created:
        return activity
    if kind == ActivityKind.HOME_VISIT:
        refresh_due_dates([case.pk])
    audit_log(action=AuditAction.CREATE, user=actor, obj=activity, detail={"case": case.pk})
    return activity


@transaction.atomic
def flag_add(*, actor: User, case: Case, message: str, due_on: dt.date | None = None) -> CaseFlag:
    flag = CaseFlag(case=case, message=message.strip(), due_on=due_on, created_by=actor)
    return model_create(actor=actor, obj=flag, detail={"case": case.pk})


@transaction.atomic
def flag_resolve(*, actor: User, flag: CaseFlag) -> CaseFlag:
    if flag.resolved_at is None:
        flag.resolved_at = timezone.now()
        flag.resolved_by = actor
        flag.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
        audit_log(action=AuditAction.UPDATE, user=actor, obj=flag, detail={"resolved": True})
    return flag


@transaction.atomic
def household_member_add(*, actor: User, child: Child, **fields: Any) -> HouseholdMember:
    member = HouseholdMember(child=child, **fields)
    return model_create(actor=actor, obj=member, detail={"child": child.pk})


@transaction.atomic
def case_team_add(*, actor: User, case: Case, user: User) -> None:
    """Share a case with a colleague of its organisation: they see and work on it until removed."""
    check_case_action(actor, case, "share")
    _check_worker(user, case.organisation_id)
    case.team.add(user)
    grant_case_access(case=case, user=user)
    audit_log(action=AuditAction.UPDATE, user=actor, obj=case, detail={"team_add": user.pk})


@transaction.atomic
def case_team_remove(*, actor: User, case: Case, user: User) -> None:
    """Stop sharing: the colleague no longer sees the case (unless they lead it)."""
    check_case_action(actor, case, "share")
    case.team.remove(user)
    if case.lead_worker_id != user.pk:
        revoke_case_access(case=case, user=user)
    audit_log(action=AuditAction.UPDATE, user=actor, obj=case, detail={"team_remove": user.pk})
