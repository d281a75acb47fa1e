"""Pages for assessments, care plans and closure requests, and the manager's approvals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import RiskLevel
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
    check_caseload_action,
    get_case_for_user,
    get_closure_request_for_user,
    may_change_case,
    sees_all_cases,
)
from cases.services import casework as work
from core.audit import audit_read
from core.http_types import AuthenticatedHttpRequest


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


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
            "entitlements": case.entitlements.all(),
            "entitlement_kinds": EntitlementKind.choices,
            "entitlement_statuses": EntitlementStatus.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    if request.method == "POST":
        data = {d: request.POST.get(d, "0") for d in work.DOMAINS}
        data.update({f"{d}_notes": request.POST.get(f"{d}_notes", "") for d in work.DOMAINS})
        try:
            for d in work.DOMAINS:
                data[d] = int(data[d])
            work.assessment_save(
                actor=request.user,
                case=case,
                submit="submit" in request.POST,
                assessed_on=parse_date(request.POST.get("assessed_on", "")) or timezone.localdate(),
                risk_level=request.POST.get("risk_level", ""),
                summary=request.POST.get("summary", ""),
                **data,
            )
        except (ValidationError, ValueError) as exc:
            _errors(request, exc if isinstance(exc, ValidationError) else ValidationError(_("Choose a rating.")))
        else:
            messages.success(request, _("Assessment saved."))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/casework/assessment_form.html",
        {
            "case": case,
            "domains": [(d, Assessment._meta.get_field(d).verbose_name) for d in work.DOMAINS],
            "ratings": Rating.choices,
            "risks": RiskLevel.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def assessment_decide(request: AuthenticatedHttpRequest, pk: int, assessment_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="approve")
    assessment = case.assessments.filter(pk=assessment_id).first()
    if assessment is None:
        raise Http404
    try:
        work.assessment_decide(
            actor=request.user,
            assessment=assessment,
            approve=request.POST.get("decision") == "approve",
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Decision saved."))
    if request.POST.get("next") == "approvals":
        return redirect("cases:approvals-page")
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def careplan_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    try:
        review_on = parse_date(request.POST.get("review_on", "") or "")
        if review_on is None:
            raise ValidationError({"review_on": _("Give a review date.")})
        work.careplan_save(actor=request.user, case=case, goals=request.POST.get("goals", ""), review_on=review_on)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Care plan saved."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def careplan_action_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    plan = case.care_plans.filter(is_current=True).first()
    try:
        if plan is None:
            raise ValidationError(_("Write the care plan's goals first."))
        due_on = parse_date(request.POST.get("due_on", "") or "")
        if due_on is None:
            raise ValidationError({"due_on": _("Give a due date.")})
        work.careplan_action_add(
            actor=request.user,
            plan=plan,
            description=request.POST.get("description", ""),
            actor_kind=request.POST.get("actor_kind", ""),
            actor_name=request.POST.get("actor_name", ""),
            due_on=due_on,
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Action added."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def careplan_action_status(request: AuthenticatedHttpRequest, pk: int, action_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    action = CarePlanAction.objects.filter(pk=action_id, plan__case=case).first()
    if action is None:
        raise Http404
    try:
        work.careplan_action_set_status(actor=request.user, action=action, status=request.POST.get("status", ""))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def closure_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    try:
        work.closure_request_create(
            actor=request.user,
            case=case,
            reason=request.POST.get("reason", ""),
            outcome=request.POST.get("outcome", ""),
            closed_on=parse_date(request.POST.get("closed_on", "") or "") or timezone.localdate(),
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Closure requested: a manager will approve it."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def closure_decide(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    closure = get_closure_request_for_user(request.user, request_id, action="approve")
    try:
        work.closure_decide(
            actor=request.user,
            request=closure,
            approve=request.POST.get("decision") == "approve",
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Decision saved."))
    return redirect("cases:approvals-page")


@login_required
@require_GET
def approvals(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_caseload_action(request.user, "approve")
    assessments = list(
        Assessment.objects.filter(status=ApprovalStatus.SUBMITTED).select_related("case", "case__child", "assessed_by")
    )
    closures = list(
        ClosureRequest.objects.filter(status=ApprovalStatus.SUBMITTED).select_related(
            "case", "case__child", "requested_by"
        )
    )
    audit_read(request, [a.case_id for a in assessments] + [c.case_id for c in closures], "case", {"page": "approvals"})
    context = {"assessments": assessments, "closures": closures}
    template = "cases/casework/_approvals.html" if request.htmx else "cases/casework/approvals.html"
    return render(request, template, context)


@login_required
@require_POST
def document_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError({"file": _("Choose a file.")})
        work.document_add(actor=request.user, case=case, upload=upload, kind=request.POST.get("kind", "other"))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Document saved."))
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
    try:
        work.entitlement_set(
            actor=request.user,
            case=case,
            kind=request.POST.get("kind", ""),
            status=request.POST.get("status", ""),
            applied_on=parse_date(request.POST.get("applied_on", "") or ""),
            monthly_amount=request.POST.get("monthly_amount", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("cases:detail", pk=case.pk)
