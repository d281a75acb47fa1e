"""Pages of a case transfer between organisations: propose (the sending manager), answer (the
receiving manager), and the list of both organisations' transfers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import services
from cases.forms import LeadWorkerForm, TransferDeclineForm, TransferForm
from cases.models.transfer import TransferStatus
from cases.permissions import get_case_for_user, get_transfer_for_user, sees_all_cases, transfers_visible_to
from core.audit import audit_read
from core.flash import flash_outcome
from core.forms import add_validation_errors
from core.http_types import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def transfer_propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="assign")
    form = TransferForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer_propose(
                actor=request.user,
                case=case,
                to_organisation=data["organisation"],
                reason=data["reason"],
                consent_basis=data["consent_basis"],
                consented_by=data["consented_by"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The transfer is proposed. The receiving managers are told."))
            return redirect("cases:transfers")
    return render(request, "cases/transfer_form.html", {"case": case, "form": form})


@login_required
@require_GET
def transfer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not sees_all_cases(request.user):
        raise PermissionDenied
    transfers = list(transfers_visible_to(request.user)[:200])
    waiting = [
        t
        for t in transfers
        if t.status == TransferStatus.PROPOSED and t.to_organisation_id == request.user.organisation_id
    ]
    audit_read(request, transfers, "casetransfer")  # the rows name children
    return render(
        request,
        "cases/transfers.html",
        {
            "transfers": transfers,
            "waiting": [
                (t, LeadWorkerForm(organisation_id=t.to_organisation_id, prefix=f"t{t.pk}"), TransferDeclineForm())
                for t in waiting
            ],
        },
    )


@login_required
@require_POST
def transfer_answer(request: AuthenticatedHttpRequest, pk: int, answer: str) -> HttpResponse:
    if answer not in ("accept", "decline"):
        raise Http404
    transfer = get_transfer_for_user(request.user, pk, action="answer")
    with flash_outcome(request):
        if answer == "accept":
            form = LeadWorkerForm(request.POST, organisation_id=transfer.to_organisation_id, prefix=f"t{transfer.pk}")
            if not form.is_valid():
                raise ValidationError(_("Choose the lead worker from your organisation's staff."))
            case = services.transfer_accept(
                actor=request.user, transfer=transfer, lead_worker=form.cleaned_data["lead_worker"]
            )
            messages.success(request, _("The case is now your organisation's."))
            return redirect("cases:detail", pk=case.pk)
        decline = TransferDeclineForm(request.POST)
        if not decline.is_valid():
            raise ValidationError(_("Give the reason for declining."))
        services.transfer_decline(actor=request.user, transfer=transfer, reason=decline.cleaned_data["reason"])
        messages.success(request, _("Declined. The sending organisation is told."))
    return redirect("cases:transfers")
