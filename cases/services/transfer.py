"""Moving a case to another organisation: the sending manager proposes (with the reason and the
consent), the receiving manager accepts (choosing the lead worker from their staff) or declines.

On acceptance the case file moves whole — child, history, activities, assessments, plans,
documents — and so does access: every object permission on the case is revoked (the sender's
workers lose it), the team is emptied, and the new lead worker alone is granted. The sender keeps
nothing but the transfer record (case number, child's name, dates, to whom)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from accounts.roles import case_workers, managers_of
from cases.choices import CaseStatus
from cases.models import Case, CaseGroupObjectPermission, CaseTransfer, CaseUserObjectPermission
from cases.models.transfer import TransferConsent, TransferStatus
from cases.permissions import check_case_action, sees_every_organisation
from cases.services.case import grant_case_access
from core.audit import audit_log
from core.models import AuditAction, Contract
from notifications.services import notify
from organisations.models import Organisation
from organisations.permissions import uses_shouhu

__all__ = ["transfer_accept", "transfer_decline", "transfer_propose"]


@transaction.atomic
def transfer_propose(
    *,
    actor: User,
    case: Case,
    to_organisation: Organisation,
    reason: str,
    consent_basis: str,
    consented_by: str = "",
) -> CaseTransfer:
    """Propose moving ``case`` to ``to_organisation``; its managers are told."""
    check_case_action(actor, case, "assign")  # the sending organisation's managers (and admins)
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors: dict[str, str] = {}
    if to_organisation.pk == case.organisation_id:
        errors["organisation"] = _("The case is already this organisation's.")
    elif not uses_shouhu(to_organisation):
        errors["organisation"] = _("That organisation has no staff on Shouhu to take the case.")
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the transfer.")
    if consent_basis not in TransferConsent.values:
        errors["consent_basis"] = _("Record whether the guardian or the child consented.")
    elif consent_basis != TransferConsent.NOT_GIVEN and not (consented_by or "").strip():
        errors["consented_by"] = _("Say who consented.")
    if case.status == CaseStatus.CLOSED:
        errors["case"] = _("A closed case is not transferred.")
    if CaseTransfer.objects.filter(case=case, status=TransferStatus.PROPOSED).exists():
        errors["case"] = _("A transfer of this case is already waiting for an answer.")
    if errors:
        raise ValidationError(errors)
    transfer = CaseTransfer.objects.create(
        case=case,
        from_organisation_id=case.organisation_id,
        to_organisation=to_organisation,
        reason=reason.strip()[:5000],
        consent_basis=consent_basis,
        consented_by=(consented_by or "").strip()[:200],
        proposed_by=actor,
        proposed_on=timezone.localdate(),
        case_number=case.number,
        child_name=case.child.name,
    )
    audit_log(
        action=AuditAction.CREATE,
        user=actor,
        obj=transfer,
        detail={"case": case.pk, "from": case.organisation_id, "to": to_organisation.pk, "consent": consent_basis},
    )
    for manager in managers_of(to_organisation.pk):
        notify(
            user=manager,
            kind="transfer_proposed",
            obj=transfer,
            object_type="transfer",
            link=reverse("cases:transfers"),
            message=gettext_lazy("%(org)s proposes to transfer a case to your organisation. Please accept or decline."),
            params={"org": case.organisation.name},
            dedupe_key=f"transfer-proposed:{transfer.pk}",
        )
    return transfer


def _check_answerable(actor: User, transfer: CaseTransfer) -> CaseTransfer:
    if not (
        sees_every_organisation(actor)
        or (actor.has_role(Role.MANAGER) and actor.organisation_id == transfer.to_organisation_id)
    ):
        raise PermissionDenied
    locked = CaseTransfer.objects.select_for_update().get(pk=transfer.pk)
    if locked.status != TransferStatus.PROPOSED:
        raise ValidationError(_("This transfer was already answered (%(s)s).") % {"s": locked.get_status_display()})
    return locked


@transaction.atomic
def transfer_accept(*, actor: User, transfer: CaseTransfer, lead_worker: User) -> Case:
    """The receiving manager accepts: the case, its history and its access move to their organisation."""
    transfer = _check_answerable(actor, transfer)
    if not case_workers(transfer.to_organisation_id).filter(pk=lead_worker.pk).exists():
        raise ValidationError({"lead_worker": _("Choose the lead worker from your organisation's staff.")})
    case = Case.objects.select_for_update().get(pk=transfer.case_id)
    revoked = sorted(
        set(CaseUserObjectPermission.objects.filter(content_object=case).values_list("user_id", flat=True))
    )
    CaseUserObjectPermission.objects.filter(content_object=case).delete()
    CaseGroupObjectPermission.objects.filter(content_object=case).delete()
    case.team.clear()
    today = timezone.localdate()
    contract = (
        Contract.objects.filter(organisation_id=transfer.to_organisation_id, start__lte=today, end__gte=today)
        .order_by("-start")
        .first()
    )
    previous = {"organisation": case.organisation_id, "lead_worker": case.lead_worker_id, "contract": case.contract_id}
    case.organisation_id = transfer.to_organisation_id
    case.lead_worker = lead_worker
    case.contract = contract
    case.version += 1
    case.save(update_fields=["organisation", "lead_worker", "contract", "version", "updated_at"])
    grant_case_access(case=case, user=lead_worker)
    transfer.status = TransferStatus.ACCEPTED
    transfer.decided_by, transfer.decided_on, transfer.lead_worker = actor, today, lead_worker
    transfer.save(update_fields=["status", "decided_by", "decided_on", "lead_worker", "updated_at"])
    audit_log(
        action=AuditAction.UPDATE,
        user=actor,
        obj=case,
        detail={"transfer": transfer.pk, "from": previous, "to": transfer.to_organisation_id, "revoked": revoked},
    )
    audit_log(action=AuditAction.UPDATE, user=actor, obj=transfer, detail={"status": TransferStatus.ACCEPTED})
    _tell_sender(transfer)
    notify(
        user=lead_worker,
        kind="case_assigned",
        obj=case,
        link=reverse("cases:detail", args=[case.pk]),
        message=gettext_lazy("Case %(n)s was transferred to your organisation and you are its lead worker."),
        params={"n": case.number},
        dedupe_key=f"transfer-lead:{transfer.pk}",
    )
    return case


@transaction.atomic
def transfer_decline(*, actor: User, transfer: CaseTransfer, reason: str) -> CaseTransfer:
    """The receiving manager declines, with the reason; the case stays where it is."""
    transfer = _check_answerable(actor, transfer)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for declining.")})
    transfer.status = TransferStatus.DECLINED
    transfer.decided_by, transfer.decided_on = actor, timezone.localdate()
    transfer.decline_reason = reason.strip()[:5000]
    transfer.save(update_fields=["status", "decided_by", "decided_on", "decline_reason", "updated_at"])
    audit_log(action=AuditAction.UPDATE, user=actor, obj=transfer, detail={"status": TransferStatus.DECLINED})
    _tell_sender(transfer)
    return transfer


def _tell_sender(transfer: CaseTransfer) -> None:
    told: set[Any] = set(managers_of(transfer.from_organisation_id))
    if transfer.proposed_by is not None and transfer.proposed_by.is_active:
        told.add(transfer.proposed_by)
    for user in told:
        notify(
            user=user,
            kind="transfer_answered",
            obj=transfer,
            object_type="transfer",
            link=reverse("cases:transfers"),
            message=gettext_lazy("The transfer of case %(n)s to %(org)s: %(s)s"),
            params={
                "n": transfer.case_number,
                "org": transfer.to_organisation.name,
                "s": TransferStatus(transfer.status).label,
            },
            dedupe_key=f"transfer-answered:{transfer.pk}",
        )
