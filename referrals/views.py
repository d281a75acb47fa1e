from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.roles import case_workers
from cases.choices import CaseStatus
from cases.models import Case, Child
from cases.permissions import cases_visible_to, sees_every_organisation
from core.audit import audit_log, audit_read
from core.dates import typed_date
from core.flash import flash_outcome
from core.forms import add_validation_errors
from core.http_types import AuthenticatedHttpRequest
from core.models import AuditAction
from referrals import selectors, services
from referrals.forms import ReasonForm, ReferOnForm, ReferralForm, StaffReferralForm
from referrals.models import Indicator, ReferralStatus, Urgency
from referrals.permissions import get_referral_for_user, is_triage_staff, may_refer, referrals_visible_to


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_refer(request.user):
        raise PermissionDenied
    form_class = StaffReferralForm if is_triage_staff(request.user) else ReferralForm
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("age_or_birth_date", None)
        try:
            referral, created = services.referral_submit(actor=request.user, same_content_is_resubmission=True, **data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            if not created:
                messages.info(
                    request,
                    _("This referral was already received (reference %(ref)s): it was not sent a second time.")
                    % {"ref": referral.reference},
                )
            return redirect("referrals:thanks", pk=referral.pk)
    return render(request, "referrals/form.html", {"form": form, "staff": is_triage_staff(request.user)})


@login_required
@require_GET
def referral_thanks(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, pk)
    return render(
        request, "referrals/thanks.html", {"referral": referral, "immediate": referral.urgency == Urgency.IMMEDIATE}
    )


@login_required
@require_GET
def my_referrals(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.REFERRER):
        if is_triage_staff(request.user):
            return redirect("referrals:queue")
        raise PermissionDenied
    referrals = list(referrals_visible_to(request.user).order_by("-received_at")[:100])
    audit_read(request, referrals, "referral", {"page": "mine"})
    return render(request, "referrals/mine.html", {"referrals": referrals})


def _own_referral(request: AuthenticatedHttpRequest, pk: int) -> Any:
    """One of the referrer's own referrals (404 for anyone else's, as for one that does not exist)."""
    referral = get_referral_for_user(request.user, pk)
    if referral.created_by_id != request.user.pk:
        raise Http404
    return referral


def _sent_page(request: AuthenticatedHttpRequest, referral: Any, *, answer: str = "", error: str = "") -> HttpResponse:
    audit_log(action=AuditAction.VIEW, obj=referral, request=request, detail={"page": "sent"})
    return render(
        request,
        "referrals/sent.html",
        {
            "referral": referral,
            "indicators": [label for code, label in Indicator.choices if code in (referral.indicators or [])],
            "answer": answer,
            "answer_error": error,
        },
    )


@login_required
@require_GET
def referral_sent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The referrer re-reads what she sent, sees its status in a plain sentence and answers the
    social worker's question on the same page; nothing of the case or the family beyond it."""
    return _sent_page(request, _own_referral(request, pk))


@login_required
@require_POST
def referral_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = _own_referral(request, pk)
    answer = request.POST.get("answer", "")
    try:
        services.referral_answer(actor=request.user, referral=referral, answer=answer)
    except ValidationError as exc:
        if request.POST.get("next") == "sent":
            return _sent_page(request, referral, answer=answer, error=" ".join(exc.messages))
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you. Your answer was sent to the social worker."))
        if request.POST.get("next") == "sent":
            return redirect("referrals:sent", pk=referral.pk)
    return redirect("referrals:mine")


@login_required
@require_GET
def triage_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_triage_staff(request.user):
        raise PermissionDenied
    now = timezone.now()
    queue = list(selectors.triage_queue(request.user)[:200])
    audit_read(request, queue, "referral", {"page": "queue"})
    for referral in queue:
        referral.overdue = selectors.is_overdue(referral, now=now)
        referral.waiting = now - referral.received_at
    template = "referrals/_queue_rows.html" if request.htmx else "referrals/queue.html"
    return render(request, template, {"queue": queue})


@login_required
@require_GET
def referral_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, pk, action="triage")
    audit_log(action=AuditAction.VIEW, obj=referral, request=request)
    context = {
        "referral": referral,
        "duplicates": selectors.possible_duplicates(request.user, referral)
        if referral.status in (ReferralStatus.NEW, ReferralStatus.NEEDS_INFO)
        else [],
        "workers": case_workers(referral.organisation_id).order_by("full_name"),
        "overdue": selectors.is_overdue(referral),
        "loop": getattr(referral, "from_outgoing", None),
        "can_see_case": referral.case_id and cases_visible_to(request.user).filter(pk=referral.case_id).exists(),
    }
    return render(request, "referrals/detail.html", context)


def _after_triage(request: HttpRequest, referral_pk: int, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = f"/referrals/{referral_pk}/"
        return response
    return redirect("referrals:detail", pk=referral_pk)


@login_required
@require_POST
def referral_triage(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    referral = get_referral_for_user(request.user, pk, action="triage")
    with flash_outcome(request) as outcome:
        if action == "accept":
            lead = None
            if request.POST.get("lead_worker"):
                lead = (
                    case_workers(referral.organisation_id)
                    .filter(pk=request.POST["lead_worker"] if request.POST["lead_worker"].isdigit() else 0)
                    .first()
                )
                if lead is None:
                    raise ValidationError(_("Choose an active social worker."))
            child = case = None
            link = request.POST.get("link_child", "")
            if link.isdigit():
                visible_children = (
                    Child.objects.all()
                    if sees_every_organisation(request.user)
                    else Child.objects.filter(pk__in=cases_visible_to(request.user).values("child_id"))
                )
                child = visible_children.filter(pk=link).first()
                if child is None:
                    raise ValidationError(_("That child is not one you may link to."))
                case = cases_visible_to(request.user).filter(child=child).exclude(status=CaseStatus.CLOSED).first()
            opened: Case = services.referral_accept(
                actor=request.user,
                referral=referral,
                lead_worker=lead,
                child=child if case is None else None,
                case=case,
            )
            return _after_triage(
                request, referral.pk, _("Accepted: case %(n)s is in assessment.") % {"n": opened.number}
            )
        form = ReferOnForm(request.POST) if action == "refer-on" else ReasonForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Please fill in the text."))
        if action == "decline":
            services.referral_decline(actor=request.user, referral=referral, reason=form.cleaned_data["text"])
        elif action == "refer-on":
            services.referral_refer_on(actor=request.user, referral=referral, **form.cleaned_data)
        elif action == "needs-info":
            services.referral_needs_info(actor=request.user, referral=referral, question=form.cleaned_data["text"])
        else:
            raise Http404
    if not outcome.ok:
        return redirect("referrals:detail", pk=referral.pk)
    return _after_triage(request, referral.pk, _("Saved. The referrer sees the new status."))


@login_required
@require_POST
def loop_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The receiving organisation tells the referring one the service started, or what came of it."""
    referral = get_referral_for_user(request.user, pk, action="triage")
    outgoing = getattr(referral, "from_outgoing", None)
    if outgoing is None:
        raise Http404
    with flash_outcome(request) as outcome:
        services.outgoing_referral_answer(
            actor=request.user,
            outgoing=outgoing,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
            by_receiver=True,
        )
    if not outcome.ok:
        return redirect("referrals:detail", pk=referral.pk)
    return _after_triage(request, referral.pk, _("Saved. The referring organisation sees your answer."))


@login_required
@require_POST
def outgoing_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The referring worker records what an organisation outside Shouhu answered (or cancels)."""
    from cases.permissions import get_case_for_user
    from referrals.models import OutgoingReferral

    outgoing = OutgoingReferral.objects.filter(pk=pk, case__in=cases_visible_to(request.user).values("pk")).first()
    if outgoing is None:
        raise Http404
    case = get_case_for_user(request.user, outgoing.case_id, action="change")
    with flash_outcome(request, _("The answer is recorded.")):
        services.outgoing_referral_answer(
            actor=request.user,
            outgoing=outgoing,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
            answered_on=typed_date(request.POST.get("answered_on"), field="answered_on"),
            by_receiver=False,
        )
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_panel(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Incoming and outgoing referrals of a case (loaded into the case page)."""
    from cases.permissions import get_case_for_user, may_change_case
    from organisations.selectors import service_search, services_visible_to
    from referrals.models import ConsentBasis, OutgoingService, OutgoingStatus

    case = get_case_for_user(request.user, case_id, action="change" if request.method == "POST" else "view")
    if request.method == "POST":
        picked = request.POST.get("directory_service", "")
        directory_service = services_visible_to(request.user).filter(pk=picked).first() if picked.isdigit() else None
        with flash_outcome(request, _("Referred out; the consent is recorded.")):
            if picked and directory_service is None:
                raise ValidationError({"directory_service": _("Choose a service from the directory.")})
            services.outgoing_referral_create(
                directory_service=directory_service,
                share_identity=request.POST.get("share_identity", "") == "on",
                actor=request.user,
                case=case,
                service=request.POST.get("service", ""),
                consent_basis=request.POST.get("consent_basis", ""),
                organisation=request.POST.get("organisation", ""),
                note=request.POST.get("note", ""),
                follow_up_on=typed_date(request.POST.get("follow_up_on"), field="follow_up_on"),
                consent_on=typed_date(request.POST.get("consent_on"), field="consent_on"),
                override_reason=request.POST.get("override_reason", ""),
            )
        return redirect("cases:detail", pk=case.pk)
    incoming = list(case.referrals.all())
    audit_read(request, [case], "case", {"panel": "referrals", "referrals": [r.pk for r in incoming]})
    return render(
        request,
        "referrals/_case_panel_body.html",
        {
            "case": case,
            "incoming": incoming,
            "outgoing": case.outgoing_referrals.select_related("receiving_organisation").prefetch_related("answers"),
            "services": OutgoingService.choices,
            "directory": service_search(request.user, location=case.child.location)
            .exclude(organisation_id=case.organisation_id)
            .select_related("organisation")[:100],
            "answers": [(s, label) for s, label in OutgoingStatus.choices if s != OutgoingStatus.SENT],
            "bases": ConsentBasis.choices,
            "may_change": may_change_case(request.user, case),
        },
    )
