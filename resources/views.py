from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_project_staff
from cases.choices import Urgency
from cases.identifying import findings_for_case, refusal
from cases.permissions import get_case_for_user, may_change_case
from core.audit import audit_read
from core.dates import typed_date
from core.flash import flash_outcome
from core.http_types import AuthenticatedHttpRequest
from resources import services
from resources.models import PledgeKind, PledgeRequest, PledgeRequestStatus
from resources.permissions import (
    get_pledge_request_for_user,
    is_pledger,
    pledges_visible_to,
    requests_visible_to,
)


@login_required
@require_GET
def my_requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_pledger(request.user):
        if is_project_staff(request.user):
            return redirect("resources:pledges")
        raise PermissionDenied
    requests = list(requests_visible_to(request.user).order_by("-requested_on", "-pk"))
    audit_read(request, requests, "pledgerequest", {"page": "my-requests"})
    pledges = pledges_visible_to(request.user)
    fulfilled = [r for r in requests if r.status == PledgeRequestStatus.FULFILLED]
    return render(
        request,
        "resources/my_requests.html",
        {
            "requests": requests,
            "pledges": pledges,
            "today": timezone.localdate(),
            "total_given": sum((r.value for r in fulfilled), start=services.Decimal("0")),
        },
    )


@login_required
@require_POST
def request_respond(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    pledge_request = get_pledge_request_for_user(request.user, pk, action="cancel" if action == "cancel" else "answer")
    with flash_outcome(request, _("Thank you. Saved.")):
        if action in ("accept", "decline"):
            services.request_answer(
                actor=request.user, request=pledge_request, accept=action == "accept", note=request.POST.get("note", "")
            )
        elif action == "fulfil":
            day = typed_date(request.POST.get("fulfilled_on"), field="fulfilled_on") or timezone.localdate()
            services.request_fulfil(
                actor=request.user,
                request=pledge_request,
                fulfilled_on=day,
                value=request.POST.get("value", ""),
                note=request.POST.get("note", ""),
            )
        elif action == "cancel":
            services.request_cancel(actor=request.user, request=pledge_request, note=request.POST.get("note", ""))
        else:
            raise Http404
    if is_project_staff(request.user):
        return redirect("cases:detail", pk=pledge_request.case_id)
    return redirect("resources:my-requests")


@login_required
@require_GET
def pledge_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_project_staff(request.user):
        raise PermissionDenied
    pledges = pledges_visible_to(request.user).order_by("-valid_from", "pk")
    kind = request.GET.get("kind", "")
    if kind in PledgeKind.values:
        pledges = pledges.filter(kind=kind)
    return render(
        request, "resources/pledges.html", {"pledges": pledges[:300], "kind": kind, "kinds": PledgeKind.choices}
    )


@login_required
@require_GET
def case_panel(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    kind = request.GET.get("kind", "")
    what = request.GET.get("what", "")[:200]
    # The member will read this text: say at once what in it could identify the child, keep it to fix.
    findings = findings_for_case(what, case) if what.strip() else []
    what_error = refusal(findings, reader=_("The member")) if findings else ""
    matches = services.pledges_matching_need(case=case, kind=kind)[:10] if kind in PledgeKind.values else []
    audit_read(request, [case], "case", {"panel": "promise-first"})
    return render(
        request,
        "resources/_case_panel_body.html",
        {
            "case": case,
            "requests": case.pledge_requests.select_related("pledge__member").order_by("-requested_on"),
            "kinds": PledgeKind.choices,
            "kind": kind,
            "matches": matches,
            "urgencies": PledgeRequest._meta.get_field("need_urgency").choices,
            "may_change": may_change_case(request.user, case),
            "what": what,
            "what_error": what_error,
            "urgency": request.GET.get("urgency", Urgency.SOON),
            "estimated_value": request.GET.get("estimated_value", "")[:20],
        },
    )


@login_required
@require_POST
def request_send(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, action="change")
    pledge = (
        pledges_visible_to(request.user).filter(pk=request.POST.get("pledge") or 0).first()
        if (request.POST.get("pledge", "").isdigit())
        else None
    )
    if pledge is None:
        messages.error(request, _("Choose a promise."))
        return redirect("cases:detail", pk=case.pk)
    with flash_outcome(request, _("The request was sent to %(m)s.") % {"m": pledge.member}):
        services.request_create(
            actor=request.user,
            case=case,
            pledge=pledge,
            need=request.POST.get("need", ""),
            what=request.POST.get("what", ""),
            urgency=request.POST.get("urgency", Urgency.SOON),
            estimated_value=request.POST.get("estimated_value", ""),
        )
    return redirect("cases:detail", pk=case.pk)
