"""Every write to the monitoring register: files, quarterly updates and their review, escalation to
the social workers, entitlement claims, the de facto unsupported identification, category rules and
hotline calls. Each runs in a transaction and writes an audit row."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from cases.models import Category, Sex
from core.audit import audit_log
from core.dates import age_in_years
from core.models import AuditAction, Location
from notifications.services import notify
from referrals.models import Channel, Indicator, Referral, ReferralStatus, Urgency
from registry import permissions as policy
from registry.models import (
    CallStatus,
    CategoryRule,
    ChildFile,
    ChildType,
    ClaimStatus,
    EntitlementCode,
    Escalation,
    EvidenceKind,
    EvidenceStatus,
    FileEntitlement,
    FileStatus,
    HotlineCall,
    HotlineLine,
    Identification,
    IdentificationEvidence,
    IdentificationStage,
    IdentificationStatus,
    LeaveReason,
    RegisterUpdate,
    ServiceArea,
    UpdateStatus,
)
from registry.roster import places_to_case

MAX_TEXT = 5000
ADULT_AGE = 18


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_quarter(day: dt.date) -> dt.date:
    return add_months(day, 3)


def eighteenth_birthday(birth_date: dt.date) -> dt.date:
    """The first day the child is 18 as ``core.dates.age_in_years`` counts it: a child born on 29
    February turns 18 on 1 March of a common year (not on 28 February, when she is still 17)."""
    year = birth_date.year + ADULT_AGE
    try:
        return birth_date.replace(year=year)
    except ValueError:  # 29 February in a common year
        return dt.date(year, 3, 1)


def eligible_entitlements(*, child_type: str, category: str, rules: list[CategoryRule] | None = None) -> list[str]:
    """The entitlement codes the rules in force give this child type and category (in code order)."""
    if rules is None:
        rules = list(CategoryRule.objects.filter(is_active=True, child_type=child_type))
    codes = {r.entitlement for r in rules if r.child_type == child_type and r.category in ("", category)}
    return [code for code in EntitlementCode.values if code in codes]


def director_of(location: Location, organisation_id: int | None = None) -> User | None:
    """The active children director who serves the village (the oldest account when several do), of
    the organisation whose register it is when given."""
    from django.db.models import Q

    directors = User.objects.filter(role=Role.CHILDREN_DIRECTOR, is_active=True)
    if organisation_id is not None:
        directors = directors.filter(organisation_id=organisation_id)
    return directors.filter(Q(location=location) | Q(service_areas__location=location)).order_by("pk").first()


def supervisors_of(location: Location) -> list[User]:
    from django.db.models import Q

    town = location.parent if location.kind in ("village", "community") else location
    if town is None:
        return []
    return list(
        User.objects.filter(role=Role.CHILDREN_SUPERVISOR, is_active=True)
        .filter(Q(location=town) | Q(service_areas__location=town))
        .distinct()
        .order_by("pk")
    )


def _check_file_fields(fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if not (fields.get("name") or "").strip():
        errors["name"] = _("Write the child's name.")
    birth = fields.get("birth_date")
    if birth is None:
        errors["birth_date"] = _("Give the child's birth date.")
    elif birth > today:
        errors["birth_date"] = _("The birth date cannot be in the future.")
    elif eighteenth_birthday(birth) <= today and fields.get("status", FileStatus.MONITORED) == FileStatus.MONITORED:
        errors["birth_date"] = _("The register is for children under 18.")
    location = fields.get("location")
    if location is not None and location.kind not in ("village", "community"):
        errors["location"] = _("Choose a village or community.")
    if "child_type" in fields and fields["child_type"] not in ChildType.values:
        errors["child_type"] = _("Choose the child type.")
    if "category" in fields and fields["category"] not in Category.values:
        errors["category"] = _("Choose the category.")
    if "sex" in fields and fields["sex"] not in Sex.values:
        errors["sex"] = _("Choose the sex.")
    if len(fields.get("guardian_situation") or "") > MAX_TEXT:
        errors["guardian_situation"] = _("Please keep this under %(n)s characters.") % {"n": MAX_TEXT}
    director = fields.get("director")
    if director is not None and not director.has_role(Role.CHILDREN_DIRECTOR):
        errors["director"] = _("Choose a children director.")
    if errors:
        raise ValidationError(errors)


Sent = TypeVar("Sent", ChildFile, RegisterUpdate)


def _already_sent(model: type[Sent], submission_key: str | None, actor: User, author_field: str) -> Sent | None:
    """What a phone already sent with this submission key (it sends its queue again after a lost
    answer), or None; a key another user sent is refused."""
    if not submission_key:
        return None
    existing = model.objects.filter(submission_key=submission_key).first()
    if existing is not None and getattr(existing, author_field) != actor.pk:
        raise ValidationError(_("This form was already used. Please open a new form."))
    return existing


def file_register(
    *,
    actor: User,
    name: str,
    birth_date: dt.date,
    location: Location,
    child_type: str,
    sex: str = Sex.UNKNOWN,
    category: str = Category.NONE,
    left_behind: bool = False,
    guardian_situation: str = "",
    director: User | None = None,
    registered_on: dt.date | None = None,
    submission_key: str | None = None,
) -> tuple[ChildFile, bool]:
    """Open a file on a child; returns (file, created). The same submission key returns the first file,
    so a phone that sends its queue twice creates one file."""
    existing_file = _already_sent(ChildFile, submission_key, actor, "created_by_id")
    if existing_file is not None:
        return existing_file, False
    if not policy.may_register_in(actor, location):
        raise PermissionDenied
    registered_on = registered_on or timezone.localdate()
    if registered_on > timezone.localdate():
        raise ValidationError({"registered_on": _("The date cannot be in the future.")})
    fields: dict[str, Any] = {
        "name": (name or "").strip(),
        "sex": sex,
        "birth_date": birth_date,
        "location": location,
        "child_type": child_type,
        "category": category or Category.NONE,
        "left_behind": bool(left_behind or child_type == ChildType.LEFT_BEHIND),
        "guardian_situation": (guardian_situation or "").strip(),
        "director": director,
    }
    _check_file_fields(fields)
    if fields["director"] is None:
        fields["director"] = (
            actor if actor.has_role(Role.CHILDREN_DIRECTOR) else director_of(location, actor.organisation_id)
        )
    try:
        with transaction.atomic():
            file = ChildFile(
                **fields,
                entitlements=eligible_entitlements(child_type=child_type, category=fields["category"]),
                registered_on=registered_on,
                next_update_due=add_quarter(registered_on),
                organisation_id=actor.organisation_id,
                created_by=actor,
                submission_key=submission_key or None,
            )
            file.full_clean(exclude=["submission_key", "entitlements"])
            file.save()
            audit_log(action=AuditAction.CREATE, user=actor, obj=file)
    except IntegrityError:
        existing = ChildFile.objects.filter(submission_key=submission_key).first() if submission_key else None
        if existing is None:
            raise
        return existing, False
    return file, True


EDITABLE_FIELDS = ("name", "sex", "birth_date", "location", "child_type", "category", "left_behind",
                   "guardian_situation", "director")  # fmt: skip


@transaction.atomic
def file_update(*, actor: User, file: ChildFile, **changes: Any) -> ChildFile:
    if not policy.may_change_file(actor, file):
        raise PermissionDenied
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))})
    file = ChildFile.objects.select_for_update().get(pk=file.pk)
    if (
        "location" in changes
        and changes["location"] != file.location
        and not policy.may_register_in(actor, changes["location"])
    ):
        raise ValidationError({"location": _("You can only move a file to a village you serve.")})
    merged = {name: changes.get(name, getattr(file, name)) for name in EDITABLE_FIELDS}
    merged["status"] = file.status
    _check_file_fields(merged)
    fields = [name for name in EDITABLE_FIELDS if name in changes and getattr(file, name) != changes[name]]
    for name in fields:
        setattr(file, name, changes[name])
    if {"child_type", "category"} & set(fields):
        file.entitlements = eligible_entitlements(child_type=file.child_type, category=file.category)
        fields.append("entitlements")
    if fields:
        file.save(update_fields=[*fields, "updated_at"])
        audit_log(action=AuditAction.UPDATE, user=actor, obj=file, detail={"fields": sorted(fields)})
    return file


@transaction.atomic
def file_leave(
    *, actor: User | None, file: ChildFile, reason: str, left_on: dt.date | None = None, note: str = ""
) -> ChildFile:
    """Take a file off the register (it is kept, with why and when)."""
    if actor is not None and not policy.may_change_file(actor, file):
        raise PermissionDenied
    if reason not in LeaveReason.values:
        raise ValidationError({"leave_reason": _("Choose why the file leaves the register.")})
    if left_on is not None and (left_on > timezone.localdate() or left_on < file.registered_on):
        raise ValidationError({"left_on": _("The date must be between the registration and today.")})
    file = ChildFile.objects.select_for_update().get(pk=file.pk)
    if file.status == FileStatus.LEFT:
        raise ValidationError(_("This file has already left the register."))
    file.status, file.leave_reason, file.left_on = FileStatus.LEFT, reason, left_on or timezone.localdate()
    file.save(update_fields=["status", "leave_reason", "left_on", "updated_at"])
    audit_log(action=AuditAction.UPDATE, user=actor, obj=file, detail={"left": reason, "note": note[:300]})
    return file


def file_link(file: ChildFile) -> str:
    return reverse("registry:file-detail", args=[file.pk])


@transaction.atomic
def file_turned_18(*, file_id: int, today: dt.date | None = None) -> bool:
    """A child who has turned 18 leaves the register by itself; the director is told. Idempotent."""
    today = today or timezone.localdate()
    file = ChildFile.objects.select_for_update().filter(pk=file_id, status=FileStatus.MONITORED).first()
    if file is None or eighteenth_birthday(file.birth_date) > today:
        return False
    file.status, file.leave_reason, file.left_on = (
        FileStatus.LEFT,
        LeaveReason.TURNED_18,
        eighteenth_birthday(file.birth_date),
    )
    file.save(update_fields=["status", "leave_reason", "left_on", "updated_at"])
    audit_log(action=AuditAction.UPDATE, obj=file, detail={"left": LeaveReason.TURNED_18, "by": "task"})
    notify(
        user=file.director,
        kind="registry_turned_18",
        obj=file,
        object_type="registry",
        link=file_link(file),
        message=gettext_lazy("%(name)s has turned 18 and has left the register. Thank you for looking after them."),
        params={"name": file.name},
        dedupe_key=f"registry-turned-18:{file.pk}",
    )
    return True


def files_turning_18_ids(*, today: dt.date) -> list[int]:
    limit = add_months(today, -12 * ADULT_AGE)
    return list(
        ChildFile.objects.filter(status=FileStatus.MONITORED, birth_date__lte=limit).values_list("pk", flat=True)
    )


# --- Quarterly updates -----------------------------------------------------------------------------


def update_submit(
    *,
    actor: User,
    file: ChildFile,
    date: dt.date,
    summary: str,
    risk_raised: bool = False,
    submission_key: str | None = None,
) -> tuple[RegisterUpdate, bool]:
    existing_update = _already_sent(RegisterUpdate, submission_key, actor, "submitted_by_id")
    if existing_update is not None:
        return existing_update, False
    if not policy.may_change_file(actor, file):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if file.status != FileStatus.MONITORED:
        errors["child"] = _("This file has left the register.")
    if date is None or date > timezone.localdate():
        errors["date"] = _("The visit date cannot be in the future.")
    elif date < file.registered_on:
        errors["date"] = _("The visit date cannot be before the file was opened.")
    if not (summary or "").strip():
        errors["summary"] = _("Say briefly what you saw and what changed.")
    elif len(summary) > MAX_TEXT:
        errors["summary"] = _("Please keep this under %(n)s characters.") % {"n": MAX_TEXT}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            update = RegisterUpdate.objects.create(
                file=file,
                date=date,
                summary=summary.strip(),
                risk_raised=bool(risk_raised),
                submitted_by=actor,
                submission_key=submission_key or None,
            )
            audit_log(action=AuditAction.CREATE, user=actor, obj=update, detail={"file": file.pk})
            for supervisor in supervisors_of(file.location):
                notify(
                    user=supervisor,
                    kind="registry_update_submitted",
                    obj=update,
                    object_type="registry-update",
                    link=reverse("registry:review"),
                    message=gettext_lazy("A quarterly update from %(village)s is waiting for your review."),
                    params={"village": file.location.name},
                    dedupe_key=f"registry-update-submitted:{update.pk}",
                    email=False,
                )
    except IntegrityError:
        existing = RegisterUpdate.objects.filter(submission_key=submission_key).first() if submission_key else None
        if existing is None:
            raise
        return existing, False
    return update, True


def _locked_for_review(actor: User, update: RegisterUpdate) -> RegisterUpdate:
    if not policy.may_review_updates_of(actor, update.file):
        raise PermissionDenied
    locked = RegisterUpdate.objects.select_for_update().select_related("file", "file__location").get(pk=update.pk)
    if locked.status != UpdateStatus.SUBMITTED:
        raise ValidationError(_("This update was already reviewed (%(s)s).") % {"s": locked.get_status_display()})
    return locked


@transaction.atomic
def update_approve(*, actor: User, update: RegisterUpdate, note: str = "") -> RegisterUpdate:
    """Approve: the file's last update is this visit and the next is due one quarter on. An update that
    raised a risk is escalated to the social workers at once."""
    update = _locked_for_review(actor, update)
    update.status, update.reviewed_by, update.reviewed_on = UpdateStatus.APPROVED, actor, timezone.localdate()
    update.review_note = (note or "").strip()[:MAX_TEXT]
    update.save(update_fields=["status", "reviewed_by", "reviewed_on", "review_note", "updated_at"])
    file = ChildFile.objects.select_for_update().get(pk=update.file_id)
    if file.last_update_on is None or update.date >= file.last_update_on:
        file.last_update_on = update.date
    due = add_quarter(file.next_update_due)
    while due <= update.date:
        due = add_quarter(due)
    file.next_update_due = due
    file.save(update_fields=["last_update_on", "next_update_due", "updated_at"])
    audit_log(action=AuditAction.UPDATE, user=actor, obj=update, detail={"review": "approved", "file": file.pk})
    if update.risk_raised and not update.escalations.exists():
        file_escalate(
            actor=actor,
            file=file,
            concerns=update.summary,
            urgency=Urgency.SOON,
            indicators=[],
            update=update,
        )
    return update


@transaction.atomic
def update_return(*, actor: User, update: RegisterUpdate, note: str) -> RegisterUpdate:
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what the director should check or add.")})
    update = _locked_for_review(actor, update)
    update.status, update.reviewed_by, update.reviewed_on = UpdateStatus.RETURNED, actor, timezone.localdate()
    update.review_note = note.strip()[:MAX_TEXT]
    update.save(update_fields=["status", "reviewed_by", "reviewed_on", "review_note", "updated_at"])
    audit_log(action=AuditAction.UPDATE, user=actor, obj=update, detail={"review": "returned"})
    notify(
        user=update.submitted_by,
        kind="registry_update_returned",
        obj=update,
        object_type="registry-update",
        link=file_link(update.file),
        message=gettext_lazy("Your update for %(name)s was returned: %(note)s"),
        params={"name": update.file.name, "note": update.review_note},
        dedupe_key=f"registry-update-returned:{update.pk}",
    )
    return update


# --- From register to case -------------------------------------------------------------------------


@transaction.atomic
def file_escalate(
    *,
    actor: User,
    file: ChildFile,
    concerns: str,
    urgency: str = Urgency.SOON,
    indicators: list[str] | None = None,
    update: RegisterUpdate | None = None,
) -> Referral:
    """Pass a file to the social workers: a referral with channel ``children_director`` enters triage."""
    from referrals.services import referral_submit

    if not policy.may_escalate(actor, file):
        raise PermissionDenied
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose the urgency.")})
    if any(code not in Indicator.values for code in indicators or []):
        raise ValidationError({"indicators": _("Unknown indicator.")})
    age = age_in_years(file.birth_date)
    referral, _created = referral_submit(
        actor=actor,
        child_name=file.name,
        child_sex=file.sex,
        child_age=age,
        child_birth_date=file.birth_date,
        location=file.location,
        caregiver_situation=file.guardian_situation,
        concerns=concerns,
        indicators=indicators or [],
        urgency=urgency,
        via_channel=Channel.CHILDREN_DIRECTOR,
    )
    Escalation.objects.create(file=file, referral=referral, escalated_by=actor, update=update)
    audit_log(action=AuditAction.UPDATE, user=actor, obj=file, detail={"escalated": referral.pk})
    return referral


def escalation_triaged(referral: Referral) -> None:
    """Triage callback: an accepted referral links its case to the file; the escalating director or
    supervisor learns the outcome as a referrer does (never the case)."""
    escalation = Escalation.objects.filter(referral=referral).select_related("file", "escalated_by").first()
    if escalation is None:
        return
    file = escalation.file
    if referral.status == ReferralStatus.ACCEPTED and referral.case_id and file.case_id != referral.case_id:
        file.case_id = referral.case_id
        file.save(update_fields=["case", "updated_at"])
        audit_log(action=AuditAction.UPDATE, obj=file, detail={"case": referral.case_id})
        if referral.triaged_by is not None:  # the child's places on programmes become the case's enrolments
            places_to_case(actor=referral.triaged_by, file=file)
    recipients = {escalation.escalated_by}
    if file.director is not None:
        recipients.add(file.director)
    for user in recipients:
        notify(
            user=user,
            kind="referral_status",
            obj=file,
            object_type="registry",
            link=file_link(file),
            message=gettext_lazy("The social workers' answer about %(name)s: %(status)s"),
            params={"name": file.name, "status": ReferralStatus(referral.status).label},
            dedupe_key=f"registry-escalation:{referral.pk}:{referral.status}:{referral.updated_at.timestamp():.0f}",
        )


# --- Entitlements and identification ---------------------------------------------------------------


@transaction.atomic
def claim_set(
    *,
    actor: User,
    file: ChildFile,
    code: str,
    status: str,
    applied_on: dt.date | None = None,
    decided_on: dt.date | None = None,
    monthly_amount: Decimal | None = None,
    note: str = "",
) -> FileEntitlement:
    if not policy.may_change_file(actor, file):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if code not in EntitlementCode.values:
        errors["code"] = _("Choose the entitlement.")
    if status not in ClaimStatus.values:
        errors["status"] = _("Choose where the claim stands.")
    today = timezone.localdate()
    if applied_on and applied_on > today:
        errors["applied_on"] = _("The date cannot be in the future.")
    if decided_on and decided_on > today:
        errors["decided_on"] = _("The date cannot be in the future.")
    if applied_on and decided_on and decided_on < applied_on:
        errors["decided_on"] = _("The decision cannot come before the application.")
    if monthly_amount is not None and monthly_amount < 0:
        errors["monthly_amount"] = _("The amount cannot be negative.")
    if errors:
        raise ValidationError(errors)
    claim, _created = FileEntitlement.objects.update_or_create(
        file=file,
        code=code,
        defaults={
            "status": status,
            "applied_on": applied_on,
            "decided_on": decided_on,
            "monthly_amount": monthly_amount,
            "note": (note or "").strip()[:300],
        },
    )
    audit_log(action=AuditAction.UPDATE, user=actor, obj=claim, detail={"file": file.pk, "status": status})
    return claim


@transaction.atomic
def identification_start(*, actor: User, file: ChildFile, started_on: dt.date | None = None) -> Identification:
    """Start the de facto unsupported identification, with the evidence it usually needs."""
    if not policy.may_change_file(actor, file):
        raise PermissionDenied
    if file.identifications.exclude(status__in=[IdentificationStatus.REFUSED]).exists():
        raise ValidationError(_("An identification is already under way for this child."))
    ident = Identification.objects.create(file=file, started_on=started_on or timezone.localdate(), created_by=actor)
    for kind in (EvidenceKind.POLICE_LOST_CONTACT, EvidenceKind.COURT_DECISION, EvidenceKind.HOSPITAL_RECORD):
        IdentificationEvidence.objects.create(identification=ident, kind=kind)
    audit_log(action=AuditAction.CREATE, user=actor, obj=ident, detail={"file": file.pk})
    return ident


@transaction.atomic
def identification_update(
    *, actor: User, identification: Identification, status: str, blocked_at: str = "", blocked_reason: str = ""
) -> Identification:
    """Move the identification on. Blocked needs where; identified makes the child de facto unsupported
    on the register (and so eligible for the subsidy) and records the claim as granted."""
    file = identification.file
    if not policy.may_change_file(actor, file):
        raise PermissionDenied
    if status not in IdentificationStatus.values:
        raise ValidationError({"status": _("Choose the status.")})
    if status == IdentificationStatus.BLOCKED and blocked_at not in IdentificationStage.values:
        raise ValidationError({"blocked_at": _("Say where the application is blocked.")})
    ident = Identification.objects.select_for_update().get(pk=identification.pk)
    ident.status = status
    ident.blocked_at = blocked_at if status == IdentificationStatus.BLOCKED else ""
    ident.blocked_reason = (blocked_reason or "").strip()[:MAX_TEXT] if status == IdentificationStatus.BLOCKED else ""
    ident.decided_on = (
        timezone.localdate() if status in (IdentificationStatus.IDENTIFIED, IdentificationStatus.REFUSED) else None
    )
    ident.save(update_fields=["status", "blocked_at", "blocked_reason", "decided_on", "updated_at"])
    audit_log(action=AuditAction.UPDATE, user=actor, obj=ident, detail={"status": status})
    if status == IdentificationStatus.IDENTIFIED:
        if file.child_type != ChildType.DE_FACTO_UNSUPPORTED:
            file_update(actor=actor, file=file, child_type=ChildType.DE_FACTO_UNSUPPORTED)
        rule = CategoryRule.objects.filter(
            is_active=True,
            child_type=ChildType.DE_FACTO_UNSUPPORTED,
            entitlement=EntitlementCode.UNSUPPORTED_CHILD_SUBSIDY,
        ).first()
        claim_set(
            actor=actor,
            file=file,
            code=EntitlementCode.UNSUPPORTED_CHILD_SUBSIDY,
            status=ClaimStatus.GRANTED,
            applied_on=ident.started_on,
            decided_on=ident.decided_on,
            monthly_amount=rule.monthly_amount if rule else None,
        )
    return ident


@transaction.atomic
def evidence_set(
    *,
    actor: User,
    identification: Identification,
    kind: str,
    status: str,
    obtained_on: dt.date | None = None,
    note: str = "",
) -> IdentificationEvidence:
    if not policy.may_change_file(actor, identification.file):
        raise PermissionDenied
    if kind not in EvidenceKind.values or status not in EvidenceStatus.values:
        raise ValidationError(_("Choose the evidence and where it stands."))
    if obtained_on and obtained_on > timezone.localdate():
        raise ValidationError({"obtained_on": _("The date cannot be in the future.")})
    evidence = identification.evidence.filter(kind=kind).first() or IdentificationEvidence(
        identification=identification, kind=kind
    )
    evidence.status, evidence.obtained_on, evidence.note = status, obtained_on, (note or "").strip()[:300]
    evidence.save()
    audit_log(action=AuditAction.UPDATE, user=actor, obj=evidence, detail={"status": status})
    return evidence


# --- Category rules --------------------------------------------------------------------------------


def refresh_entitlements(*, child_type: str | None = None) -> int:
    """Recompute the eligible entitlements of the files on the register (after a rule changed)."""
    rules = list(CategoryRule.objects.filter(is_active=True))
    files = ChildFile.objects.filter(status=FileStatus.MONITORED)
    if child_type:
        files = files.filter(child_type=child_type)
    changed = []
    for file in files.only("pk", "child_type", "category", "entitlements"):
        codes = eligible_entitlements(child_type=file.child_type, category=file.category, rules=rules)
        if codes != file.entitlements:
            file.entitlements = codes
            changed.append(file)
    ChildFile.objects.bulk_update(changed, ["entitlements"], batch_size=500)
    return len(changed)


@transaction.atomic
def rule_save(*, actor: User, rule: CategoryRule | None = None, **fields: Any) -> CategoryRule:
    if not policy.may_manage_rules(actor):
        raise PermissionDenied
    rule = rule or CategoryRule()
    old_type = rule.child_type if rule.pk else None
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    audit_log(action=AuditAction.UPDATE, user=actor, obj=rule, detail={"fields": sorted(fields)})
    refresh_entitlements(child_type=rule.child_type)
    if old_type and old_type != rule.child_type:
        refresh_entitlements(child_type=old_type)
    return rule


# --- Hotline ---------------------------------------------------------------------------------------


@transaction.atomic
def call_take(
    *,
    actor: User,
    child_name: str,
    location: Location,
    summary: str,
    line: str = HotlineLine.L12345,
    work_order: str = "",
    caller_name: str = "",
    caller_phone: str = "",
    child_sex: str = Sex.UNKNOWN,
    child_age: int | None = None,
    urgency: str = Urgency.ROUTINE,
    file: ChildFile | None = None,
) -> HotlineCall:
    if not policy.may_take_calls(actor):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if not (child_name or "").strip():
        errors["child_name"] = _("Write the child's name (or how the caller called the child).")
    if not (summary or "").strip():
        errors["summary"] = _("Summarise the call.")
    if line not in HotlineLine.values:
        errors["line"] = _("Choose the line.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose the urgency.")
    if location is None or location.kind not in ("village", "community"):
        errors["location"] = _("Choose a village or community.")
    if child_age is not None and not 0 <= child_age <= 25:
        errors["child_age"] = _("The age must be between 0 and 25.")
    work_order = (work_order or "").strip()[:50]
    if work_order and HotlineCall.objects.filter(line=line, work_order=work_order).exists():
        errors["work_order"] = _("A call with this work-order number is already recorded.")
    if errors:
        raise ValidationError(errors)
    call = HotlineCall.objects.create(
        line=line,
        work_order=work_order,
        caller_name=caller_name.strip()[:100],
        caller_phone=caller_phone.strip()[:30],
        child_name=child_name.strip()[:100],
        child_sex=child_sex,
        child_age=child_age,
        location=location,
        summary=summary.strip()[:MAX_TEXT],
        urgency=urgency,
        file=file,
        received_at=timezone.now(),
        taken_by=actor,
    )
    audit_log(action=AuditAction.CREATE, user=actor, obj=call)
    return call


def _open_call(actor: User, call: HotlineCall) -> HotlineCall:
    if not policy.may_take_calls(actor):
        raise PermissionDenied
    locked = HotlineCall.objects.select_for_update().get(pk=call.pk)
    if locked.status != CallStatus.OPEN:
        raise ValidationError(_("This call was already dealt with."))
    return locked


@transaction.atomic
def call_refer(
    *,
    actor: User,
    call: HotlineCall,
    file: ChildFile | None = None,
    create_file_as: str = "",
) -> Referral:
    """The call becomes a referral (channel ``hotline``) in triage; the register file found is linked,
    or a new one is opened (``create_file_as`` = the child type; the birth date estimated from the age)."""
    from referrals.services import referral_submit

    call = _open_call(actor, call)
    file = file or call.file
    if file is None and create_file_as:
        if call.child_age is None:
            raise ValidationError({"child_age": _("The age is needed to open a register file.")})
        today = timezone.localdate()
        file, _created = file_register(
            actor=actor,
            name=call.child_name,
            sex=call.child_sex,
            birth_date=dt.date(today.year - call.child_age, 7, 1)
            if dt.date(today.year - call.child_age, 7, 1) <= today
            else dt.date(today.year - call.child_age - 1, 7, 1),
            location=call.location,
            child_type=create_file_as,
            guardian_situation=call.summary,
        )
    referral, _created = referral_submit(
        actor=actor,
        child_name=call.child_name,
        child_sex=call.child_sex,
        child_age=call.child_age,
        location=call.location,
        concerns=call.summary,
        urgency=call.urgency,
        via_channel=Channel.HOTLINE,
    )
    call.status, call.referral, call.file, call.closed_at = CallStatus.REFERRED, referral, file, timezone.now()
    call.save(update_fields=["status", "referral", "file", "closed_at", "updated_at"])
    if file is not None:
        Escalation.objects.get_or_create(referral=referral, defaults={"file": file, "escalated_by": actor})
    audit_log(action=AuditAction.UPDATE, user=actor, obj=call, detail={"referral": referral.pk})
    return referral


@transaction.atomic
def call_close(*, actor: User, call: HotlineCall, answer: str) -> HotlineCall:
    if not (answer or "").strip():
        raise ValidationError({"answer": _("Write the answer given to the caller.")})
    call = _open_call(actor, call)
    call.status, call.answer, call.closed_at = CallStatus.CLOSED, answer.strip()[:MAX_TEXT], timezone.now()
    call.save(update_fields=["status", "answer", "closed_at", "updated_at"])
    audit_log(action=AuditAction.UPDATE, user=actor, obj=call, detail={"closed": True})
    return call


@transaction.atomic
def call_link_file(*, actor: User, call: HotlineCall, file: ChildFile) -> HotlineCall:
    if not policy.may_take_calls(actor):
        raise PermissionDenied
    call.file = file
    call.save(update_fields=["file", "updated_at"])
    if call.referral_id:
        Escalation.objects.get_or_create(referral_id=call.referral_id, defaults={"file": file, "escalated_by": actor})
    audit_log(action=AuditAction.UPDATE, user=actor, obj=call, detail={"file": file.pk})
    return call


# --- Areas served: a director may serve several villages, a supervisor several towns --------------

AREA_KINDS: dict[str, tuple[str, ...]] = {
    Role.CHILDREN_DIRECTOR.value: ("village", "community"),
    Role.CHILDREN_SUPERVISOR.value: ("town",),
}


@transaction.atomic
def area_add(*, actor: User, user: User, location: Location) -> ServiceArea:
    """A manager adds a place a children director (a village or community) or supervisor (a town) serves."""
    kinds = AREA_KINDS.get(user.role)
    if kinds is None:
        raise ValidationError(_("Only children directors and supervisors serve areas."))
    if location.kind not in kinds:
        raise ValidationError(
            {"location": _("A children director serves villages and communities; a supervisor serves towns.")}
        )
    if location.pk == user.location_id or ServiceArea.objects.filter(user=user, location=location).exists():
        raise ValidationError({"location": _("%(name)s already serves this place.") % {"name": user}})
    area = ServiceArea.objects.create(user=user, location=location)
    audit_log(action=AuditAction.CREATE, user=actor, obj=area, detail={"user": user.pk, "location": location.pk})
    return area


@transaction.atomic
def area_remove(*, actor: User, area: ServiceArea) -> None:
    detail = {"user": area.user_id, "location": area.location_id}
    audit_log(action=AuditAction.DELETE, user=actor, object_type="servicearea", object_id=area.pk, detail=detail)
    area.delete()
