"""Assessments with a supervisor's approval, care plans kept by version, closure approvals."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from cases.models import Case, CaseStatus, ClosureCode, RiskChange, RiskLevel
from cases.models.casework import (
    ActionStatus,
    ActorKind,
    ApprovalStatus,
    Assessment,
    CarePlan,
    CarePlanAction,
    ClosureRequest,
    Rating,
)
from cases.permissions import check_case_action
from cases.services.case import case_close
from core.audit import audit_log
from core.models import AuditAction
from core.services import model_create

DOMAINS = ("safety", "health", "education", "economic", "psychological", "family")


@transaction.atomic
def assessment_save(
    *, actor: User, case: Case, assessed_on: dt.date, risk_level: str, submit: bool, summary: str = "", **ratings: Any
) -> Assessment:
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("The date cannot be in the future.")})
    if risk_level not in RiskLevel.values:
        raise ValidationError({"risk_level": _("Choose a risk level.")})
    fields: dict[str, Any] = {}
    missing: dict[str, str] = {}
    for domain in DOMAINS:
        value = ratings.get(domain)
        try:
            rating = int(str(value)) if value not in (None, "") else None
        except (TypeError, ValueError):
            rating = None
        if rating not in Rating.values:
            missing[domain] = _("Choose a rating for %(domain)s.") % {
                "domain": getattr(Assessment._meta.get_field(domain), "verbose_name", domain)
            }
            continue
        fields[domain] = rating
        fields[f"{domain}_notes"] = (ratings.get(f"{domain}_notes") or "").strip()[:5000]
    if missing:
        # Every domain is rated on purpose: nothing is pre-chosen, so a skipped one is an error.
        raise ValidationError(missing)
    assessment = Assessment.objects.create(
        case=case,
        assessed_on=assessed_on,
        risk_level=risk_level,
        summary=summary.strip()[:5000],
        assessed_by=actor,
        status=ApprovalStatus.SUBMITTED if submit else ApprovalStatus.DRAFT,
        **fields,
    )
    audit_log(action=AuditAction.CREATE, user=actor, obj=assessment, detail={"case": case.pk, "submitted": submit})
    return assessment


Decided = TypeVar("Decided", Assessment, ClosureRequest)


# What a supervisor is told: a return that does not say why; a record that no longer waits.
_REFUSALS: dict[type[Assessment] | type[ClosureRequest], tuple[str, str]] = {
    Assessment: (
        gettext_noop("Say why the assessment goes back, so the worker knows what to change."),
        gettext_noop("Only a submitted assessment can be approved or returned."),
    ),
    ClosureRequest: (
        gettext_noop("Say why the closure goes back, so the worker knows what to change."),
        gettext_noop("This request was already decided."),
    ),
}


def _decided(actor: User, record: Decided, *, approve: bool, comment: str) -> Decided:
    """A supervisor's decision on what a worker submitted, locked and marked approved or returned: only
    one who may approve on its case (403); a return says why; only a submitted record is decided."""
    say_why, not_submitted = _REFUSALS[type(record)]
    check_case_action(actor, record.case, "approve")
    if not approve and not comment.strip():
        raise ValidationError({"comment": _(say_why)})
    record = type(record).objects.select_for_update().get(pk=record.pk)
    if record.status != ApprovalStatus.SUBMITTED:
        raise ValidationError(_(not_submitted))
    record.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.RETURNED
    return record


@transaction.atomic
def assessment_decide(*, actor: User, assessment: Assessment, approve: bool, comment: str = "") -> Assessment:
    """A supervisor approves (the case becomes active at the assessed risk) or returns the assessment,
    saying why (a return without a reason is refused)."""
    assessment = _decided(actor, assessment, approve=approve, comment=comment)
    assessment.approved_by = actor if approve else None
    assessment.approved_at = timezone.now() if approve else None
    assessment.review_comment = comment.strip()[:2000]
    assessment.save(update_fields=["status", "approved_by", "approved_at", "review_comment", "updated_at"])
    if approve:
        case = Case.objects.select_for_update().get(pk=assessment.case_id)
        fields = ["version", "updated_at"]
        if case.risk_level != assessment.risk_level:
            RiskChange.objects.create(
                case=case,
                changed_by=actor,
                from_level=case.risk_level,
                to_level=assessment.risk_level,
                reason=_("Assessment approved"),
            )
            case.risk_level = assessment.risk_level
            fields.append("risk_level")
        if case.status == CaseStatus.ASSESSMENT:
            case.status = CaseStatus.ACTIVE
            fields.append("status")
        case.version += 1
        case.save(update_fields=fields)
    audit_log(action=AuditAction.UPDATE, user=actor, obj=assessment, detail={"approved": approve})
    return assessment


@transaction.atomic
def careplan_save(*, actor: User, case: Case, goals: str, review_on: dt.date) -> CarePlan:
    """A new version of the care plan; earlier versions stay, the open actions move to the new one."""
    if not goals.strip():
        raise ValidationError({"goals": _("Write the goals of the plan.")})
    if review_on < timezone.localdate():
        raise ValidationError({"review_on": _("The review date cannot be in the past.")})
    previous = CarePlan.objects.select_for_update().filter(case=case, is_current=True).first()
    version = 1
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
        version = previous.version + 1
    plan = CarePlan.objects.create(
        case=case, version=version, goals=goals.strip()[:10000], review_on=review_on, created_by=actor
    )
    if previous is not None:
        for action in previous.actions.exclude(status__in=[ActionStatus.DONE, ActionStatus.DROPPED]):
            CarePlanAction.objects.create(
                plan=plan,
                description=action.description,
                actor_kind=action.actor_kind,
                actor_name=action.actor_name,
                due_on=action.due_on,
                status=action.status,
            )
    audit_log(action=AuditAction.CREATE, user=actor, obj=plan, detail={"case": case.pk, "version": version})
    return plan


@transaction.atomic
def careplan_action_add(
    *, actor: User, plan: CarePlan, description: str, actor_kind: str, due_on: dt.date, actor_name: str = ""
) -> CarePlanAction:
    if not description.strip():
        raise ValidationError({"description": _("Describe the action.")})
    if actor_kind not in ActorKind.values:
        raise ValidationError({"actor_kind": _("Choose who does it.")})
    action = CarePlanAction(
        plan=plan,
        description=description.strip()[:300],
        actor_kind=actor_kind,
        actor_name=actor_name.strip()[:100],
        due_on=due_on,
    )
    return model_create(actor=actor, obj=action, detail={"case": plan.case_id})


@transaction.atomic
def careplan_action_set_status(*, actor: User, action: CarePlanAction, status: str) -> CarePlanAction:
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    action.status = status
    action.save(update_fields=["status", "updated_at"])
    audit_log(action=AuditAction.UPDATE, user=actor, obj=action, detail={"status": status})
    return action


@transaction.atomic
def closure_request_create(
    *, actor: User, case: Case, closed_on: dt.date, reason: str, outcome: str = "", closure_code: str = ""
) -> ClosureRequest:
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("This case is already closed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for closing the case.")})
    if closed_on < case.opened_on or closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("The closing date must be between the opening date and today.")})
    if closure_code and closure_code not in ClosureCode.values:
        raise ValidationError({"closure_code": _("Choose why the case closed from the list.")})
    if case.closure_requests.filter(status=ApprovalStatus.SUBMITTED).exists():
        raise ValidationError(_("A closure request is already waiting for approval."))
    request = ClosureRequest.objects.create(
        case=case,
        closed_on=closed_on,
        reason=reason.strip()[:5000],
        outcome=outcome.strip()[:5000],
        closure_code=closure_code,
        requested_by=actor,
    )
    audit_log(action=AuditAction.CREATE, user=actor, obj=request, detail={"case": case.pk})
    return request


@transaction.atomic
def closure_decide(*, actor: User, request: ClosureRequest, approve: bool, comment: str = "") -> ClosureRequest:
    """A supervisor closes the case as requested, or returns the request saying why."""
    request = _decided(actor, request, approve=approve, comment=comment)
    request.decided_by, request.decided_at, request.comment = actor, timezone.now(), comment.strip()[:2000]
    request.save(update_fields=["status", "decided_by", "decided_at", "comment", "updated_at"])
    if approve:
        case_close(
            actor=actor,
            case=request.case,
            closed_on=request.closed_on,
            closure_reason=request.reason,
            closure_outcome=request.outcome,
            closure_code=request.closure_code,
        )
    audit_log(action=AuditAction.UPDATE, user=actor, obj=request, detail={"approved": approve})
    return request


MAGIC = {
    "application/pdf": (b"%PDF",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
}
EXTENSIONS = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@transaction.atomic
def document_add(*, actor: User, case: Case, upload: Any, kind: str) -> Any:
    """Store an attachment after checking its size and that its content is what its name says."""
    from django.conf import settings

    from cases.models.casework import CaseDocument, DocumentKind

    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    limit = settings.SHOUHU["MAX_ATTACHMENT_BYTES"]
    if not upload.size:
        raise ValidationError({"file": _("The file is empty (0 bytes). Choose the file again.")})
    if upload.size > limit:
        raise ValidationError(
            {"file": _("The file is too large (at most %(mb)s MB).") % {"mb": limit // (1024 * 1024)}}
        )
    name = (upload.name or "").rsplit("/", 1)[-1][:200]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = EXTENSIONS.get(extension)
    head = upload.read(16)
    upload.seek(0)
    if content_type is None or not any(head.startswith(m) for m in MAGIC[content_type]):
        raise ValidationError(
            {"file": _("Only PDF, JPG, PNG and DOCX files are accepted, and the content must match.")}
        )
    document = CaseDocument(
        case=case, kind=kind, original_name=name, content_type=content_type, size=upload.size, uploaded_by=actor
    )
    document.file.save(f"{case.pk}-{timezone.now():%Y%m%d%H%M%S}.{extension}", upload, save=False)
    document.save()
    audit_log(action=AuditAction.CREATE, user=actor, obj=document, detail={"case": case.pk})
    return document


@transaction.atomic
def entitlement_set(
    *,
    actor: User,
    case: Case,
    kind: str,
    status: str,
    applied_on: dt.date | None = None,
    monthly_amount: Any = None,
    note: str = "",
) -> Any:
    from decimal import Decimal, InvalidOperation

    from cases.models.casework import Entitlement, EntitlementKind, EntitlementStatus

    if kind not in EntitlementKind.values or status not in EntitlementStatus.values:
        raise ValidationError(_("Choose the entitlement and its status."))
    if applied_on and applied_on > timezone.localdate():
        raise ValidationError({"applied_on": _("The date cannot be in the future.")})
    amount = None
    if monthly_amount not in (None, ""):
        try:
            amount = Decimal(str(monthly_amount))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0 or amount > Decimal("100000"):
            raise ValidationError({"monthly_amount": _("Enter an amount in yuan, for example 150 or 150.50.")})
    entitlement, _created = Entitlement.objects.update_or_create(
        case=case,
        kind=kind,
        defaults={"status": status, "applied_on": applied_on, "monthly_amount": amount, "note": note.strip()[:300]},
    )
    audit_log(action=AuditAction.UPDATE, user=actor, obj=entitlement, detail={"case": case.pk, "status": status})
    return entitlement
