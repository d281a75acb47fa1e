"""Pages for assessments, care plans and closure requests, and the manager's approvals."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import ClosureCode, RiskLevel
from cases.models.casework import (
    ActionStatus,
    ActorKind,
    ApprovalStatus,
    Assessment,
    CarePlanAction,
    ClosureRequest,
    DocumentKind,
    EntitlementKind,
    EntitlementStatus,
    Rating,
)
from cases.permissions import (
    cases_visible_to,
    check_caseload_action,
    get_case_for_user,
    get_closure_request_for_user,
    may_change_case,
    sees_all_cases,
)
from cases.services import casework as work
from core.audit import audit_read
from core.dates import required_date, typed_date
from core.flash import flash_outcome
from core.http_types import AuthenticatedHttpRequest


@login_required
@require_GET
def case_sections(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    audit_read(request, [case], "case", {"panel": "casework"})
    plan = case.care_plans.filter(is_current=True).prefetch_related("actions").first()
    return render(
        request,
        "cases/casework/_sections_body.html",
        {
            "case": case,
            "assessments": case.assessments.select_related("assessed_by", "approved_by")[:5],
            "plan": plan,
            "old_plans": case.care_plans.filter(is_current=False).count(),
            "closure": case.closure_requests.filter(status=ApprovalStatus.SUBMITTED).first(),
            "may_change": may_change_case(request.user, case),
            "is_manager": sees_all_cases(request.user),
            "actor_kinds": ActorKind.choices,
            "action_statuses": ActionStatus.choices,
            "today": timezone.localdate(),
            "documents": case.documents.select_related("uploaded_by"),
            "document_kinds": DocumentKind.choices,
            "closure_codes": ClosureCode.choices,
            "entitlements": case.entitlements.all(),
            "entitlement_kinds": EntitlementKind.choices,
            "entitlement_statuses": EntitlementStatus.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new assessment: nothing chosen in any domain (each must be rated), the risk pre-set to the
    case's current risk; on an error everything typed comes back."""
    case = get_case_for_user(request.user, pk, action="change")
    values: dict[str, str] = {"risk_level": case.risk_level, "assessed_on": timezone.localdate().isoformat()}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in ASSESSMENT_FIELDS}
        try:
            work.assessment_save(
                actor=request.user,
                case=case,
                submit="submit" in request.POST,
                assessed_on=required_date(
                    values["assessed_on"], field="assessed_on", message=_("Give the date of the assessment.")
                ),
                risk_level=values["risk_level"],
                summary=values["summary"],
                **{d: values[d] for d in work.DOMAINS},
                **{f"{d}_notes": values[f"{d}_notes"] for d in work.DOMAINS},
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            messages.error(request, _("The assessment was not saved: see what to fix below."))
        else:
            messages.success(request, _("Assessment saved."))
            return redirect("cases:detail", pk=case.pk)
    domains = [
        {
            "code": d,
            "label": Assessment._meta.get_field(d).verbose_name,
            "value": values.get(d, ""),
            "notes": values.get(f"{d}_notes", ""),
            "errors": errors.get(d, []),
        }
        for d in work.DOMAINS
    ]
    return render(
        request,
        "cases/casework/assessment_form.html",
        {
            "case": case,
            "domains": domains,
            "ratings": [(str(value), label) for value, label in Rating.choices],
            "risks": RiskLevel.choices,
            "values": values,
            "errors": errors,
            "general_errors": errors.get("__all__", []),
        },
    )


ASSESSMENT_FIELDS = (
    "assessed_on",
    "risk_level",
    "summary",
    *work.DOMAINS,
    *(f"{d}_notes" for d in work.DOMAINS),
)


@login_required
@require_POST
def assessment_decide(request: AuthenticatedHttpRequest, pk: int, assessment_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="approve")
    assessment = case.assessments.filter(pk=assessment_id).first()
    if assessment is None:
        raise Http404
    comment = request.POST.get("comment", "")
    try:
        work.assessment_decide(
            actor=request.user,
            assessment=assessment,
            approve=request.POST.get("decision") == "approve",
            comment=comment,
        )
    except ValidationError as exc:
        if request.POST.get("next") == "approvals":
            failed = {"kind": "assessment", "pk": assessment.pk, "comment": comment, "errors": exc.messages}
            return _approvals_page(request, failed=failed)
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Decision saved."))
    if request.POST.get("next") == "approvals":
        return redirect("cases:approvals-page")
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def careplan_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    with flash_outcome(request, _("Care plan saved.")):
        review_on = required_date(request.POST.get("review_on"), field="review_on", message=_("Give a review date."))
        work.careplan_save(actor=request.user, case=case, goals=request.POST.get("goals", ""), review_on=review_on)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def careplan_action_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    plan = case.care_plans.filter(is_current=True).first()
    with flash_outcome(request, _("Action added.")):
        if plan is None:
            raise ValidationError(_("Write the care plan's goals first."))
        due_on = required_date(request.POST.get("due_on"), field="due_on", message=_("Give a due date."))
        work.careplan_action_add(
            actor=request.user,
            plan=plan,
            description=request.POST.get("description", ""),
            actor_kind=request.POST.get("actor_kind", ""),
            actor_name=request.POST.get("actor_name", ""),
            due_on=due_on,
        )
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def careplan_action_status(request: AuthenticatedHttpRequest, pk: int, action_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    action = CarePlanAction.objects.filter(pk=action_id, plan__case=case).first()
    if action is None:
        raise Http404
    with flash_outcome(request):
        work.careplan_action_set_status(actor=request.user, action=action, status=request.POST.get("status", ""))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def closure_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    with flash_outcome(request, _("Closure requested: a manager will approve it.")):
        work.closure_request_create(
            actor=request.user,
            case=case,
            reason=request.POST.get("reason", ""),
            outcome=request.POST.get("outcome", ""),
            closure_code=request.POST.get("closure_code", ""),
            closed_on=typed_date(request.POST.get("closed_on"), field="closed_on") or timezone.localdate(),
        )
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def closure_decide(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    closure = get_closure_request_for_user(request.user, request_id, action="approve")
    comment = request.POST.get("comment", "")
    try:
        work.closure_decide(
            actor=request.user,
            request=closure,
            approve=request.POST.get("decision") == "approve",
            comment=comment,
        )
    except ValidationError as exc:
        return _approvals_page(
            request, failed={"kind": "closure", "pk": closure.pk, "comment": comment, "errors": exc.messages}
        )
    messages.success(request, _("Decision saved."))
    return redirect("cases:approvals-page")


@login_required
@require_GET
def approvals(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_caseload_action(request.user, "approve")
    return _approvals_page(request)


def _approvals_page(request: AuthenticatedHttpRequest, *, failed: dict[str, Any] | None = None) -> HttpResponse:
    """What waits for the manager, with each assessment shown in full (its ratings, notes and the
    risk it proposes against the case's current risk); a refused decision comes back with its
    error and the reason as typed."""
    # Only the cases this manager sees: another organisation's approvals (and children) are not theirs.
    visible = cases_visible_to(request.user).values("pk")
    assessments = list(
        Assessment.objects.filter(status=ApprovalStatus.SUBMITTED, case__in=visible).select_related(
            "case", "case__child", "assessed_by"
        )
    )
    closures = list(
        ClosureRequest.objects.filter(status=ApprovalStatus.SUBMITTED, case__in=visible).select_related(
            "case", "case__child", "requested_by"
        )
    )
    for a in assessments:
        a.domain_rows = [  # type: ignore[attr-defined]
            (
                getattr(Assessment._meta.get_field(d), "verbose_name", d),
                getattr(a, f"get_{d}_display")(),
                getattr(a, d),
                getattr(a, f"{d}_notes"),
            )
            for d in work.DOMAINS
        ]
    audit_read(request, [a.case_id for a in assessments] + [c.case_id for c in closures], "case", {"page": "approvals"})
    context = {"assessments": assessments, "closures": closures, "failed": failed or {}}
    template = "cases/casework/_approvals.html" if request.htmx and not failed else "cases/casework/approvals.html"
    return render(request, template, context)


@login_required
@require_POST
def document_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    upload = request.FILES.get("file")
    with flash_outcome(request, _("Document saved.")):
        if upload is None:
            raise ValidationError({"file": _("Choose a file.")})
        work.document_add(actor=request.user, case=case, upload=upload, kind=request.POST.get("kind", "other"))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_GET
def document_download(request: AuthenticatedHttpRequest, pk: int, document_id: int):
    from django.http import FileResponse

    from core.audit import audit_log
    from core.models import AuditAction

    case = get_case_for_user(request.user, pk)
    document = case.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    if not document.file.storage.exists(document.file.name):
        from core.errors import file_missing

        return file_missing(request)
    audit_log(action=AuditAction.VIEW, obj=document, request=request, detail={"case": case.pk})
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def entitlement_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    with flash_outcome(request, _("Saved.")):
        work.entitlement_set(
            actor=request.user,
            case=case,
            kind=request.POST.get("kind", ""),
            status=request.POST.get("status", ""),
            applied_on=typed_date(request.POST.get("applied_on"), field="applied_on"),
            monthly_amount=request.POST.get("monthly_amount", ""),
            note=request.POST.get("note", ""),
        )
    return redirect("cases:detail", pk=case.pk)
