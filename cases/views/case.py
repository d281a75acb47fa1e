from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import case_workers
from cases import selectors, services
from cases.choices import CaseStatus
from cases.forms import (
    CASELOAD_SORT_COLUMNS,
    CaseForm,
    CaseloadFilterForm,
    ChildForm,
    CloseForm,
    FlagForm,
    HouseholdMemberForm,
    LeadWorkerForm,
    QuickVisitForm,
)
from cases.models import Case, CaseFlag
from cases.permissions import (
    cases_visible_to,
    check_caseload_action,
    check_works_on_cases,
    get_case_for_user,
    may_act_on_case,
    may_change_case,
    may_read_sensitive,
    sees_all_cases,
)
from core.audit import audit_log, audit_log_each, audit_read
from core.flash import flash_form, flash_outcome
from core.forms import add_validation_errors
from core.http_types import AuthenticatedHttpRequest
from core.models import AuditAction
from core.pagination import BoundedPaginator

CASELOAD_PAGE_SIZES = ("10", "25", "50", "100")


def _due_groups(cases: list[Case]) -> list[tuple[str, str, list[Case]]]:
    """The page's rows under "overdue", "due today" and the rest (the order already puts them so)."""
    groups: list[tuple[str, str, list[Case]]] = [
        ("overdue", _("Overdue"), []),
        ("today", _("Due today"), []),
        ("later", _("Later"), []),
    ]
    for case in cases:
        overdue, due_today = getattr(case, "is_overdue", False), getattr(case, "is_due_today", False)
        groups[0 if overdue else 1 if due_today else 2][2].append(case)
    return [g for g in groups if g[2]]


@login_required
@require_GET
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_works_on_cases(request.user)
    worker = None
    if sees_all_cases(request.user) and request.GET.get("worker"):
        worker = get_object_or_404(selectors.User, pk=request.GET["worker"] if request.GET["worker"].isdigit() else 0)
    per_page = request.GET.get("per_page", "")
    per_page = int(per_page) if per_page in CASELOAD_PAGE_SIZES else 50
    with_team = sees_all_cases(request.user)
    # The page's figures (due counts, the village filter's choices, the count, a manager's team table
    # and contract) are one statement, counted with the village asked for; the form then checks that
    # village against the choices (not one of them: reported, ignored and the list counted again).
    village = request.GET.get("village", "")
    asked = replace(CaseloadFilterForm(request.GET).filters(), village=int(village) if village.isdigit() else None)
    overview = selectors.caseload_overview(request.user, worker=worker, filters=asked, with_team=with_team)
    form = CaseloadFilterForm(request.GET, villages=overview.villages)
    filters = form.filters()
    rows = selectors.caseload_for(
        request.user, worker=worker, filters=filters, count=overview.count if filters == asked else None
    )
    page = BoundedPaginator(rows, per_page).get_page(request.GET.get("page"))
    cases = list(page)
    for case in cases:
        case.open_flags = selectors.open_flags(case)
    # one row naming the cases shown; a search is marked as one (its words are not kept: they may be a name)
    audit_read(request, cases, "case", {"page": "caseload", "search": bool(filters.query)})
    context: dict[str, Any] = {
        "cases": cases,
        "groups": _due_groups(cases),
        "page": page,
        "worker": worker,
        "today": timezone.localdate(),
        "filter_form": form,
        "filters": filters,
        "filtered": any((filters.status, filters.risk, filters.village, filters.due, filters.query)),
        "sort": filters.sort,
        "sort_columns": CASELOAD_SORT_COLUMNS,
        "due_counts": overview.due_counts,
    }
    if with_team:
        context["team"] = overview.team
        context["contract"] = overview.contract
        if overview.contract:
            context["contract_cases"] = overview.contract.case_count  # type: ignore[attr-defined]
    return render(request, "cases/caseload.html", context)


@login_required
@require_GET
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    audit_log_each(action=AuditAction.VIEW, objs=[case, case.child], request=request)  # one INSERT
    prefetch_related_objects([case], "flags")  # the timeline's flags and the open ones: one query
    context = {
        "case": case,
        "child": case.child,
        "household": case.child.household.all(),
        "flags": [flag for flag in case.flags.all() if flag.resolved_at is None],
        "team": case.team.all(),
        "timeline": selectors.case_timeline(request.user, case),
        "case_links": selectors.case_links(request.user, case),
        "may_change": may_change_case(request.user, case),
        "may_read_sensitive": may_read_sensitive(request.user, case),
        "may_share": may_act_on_case(request.user, case, "share"),
        "colleagues": case_workers(case.organisation_id)
        .exclude(pk__in=[case.lead_worker_id or 0])
        .exclude(pk__in=case.team.values("pk"))
        .order_by("full_name"),
        "is_manager": sees_all_cases(request.user),
        "flag_form": FlagForm(),
        "assign_form": LeadWorkerForm(
            initial={"lead_worker": case.lead_worker_id}, organisation_id=case.organisation_id
        ),
        "close_form": CloseForm(initial={"closed_on": timezone.localdate()}),
    }
    return render(request, "cases/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_works_on_cases(request.user)
    child_form = ChildForm(request.POST or None, prefix="child")
    case_form = CaseForm(request.POST or None, prefix="case")
    if request.method == "POST" and child_form.is_valid() and case_form.is_valid():
        try:
            with transaction.atomic():
                child = services.child_create(actor=request.user, **child_form.cleaned_data)
                data = {
                    k: v
                    for k, v in case_form.cleaned_data.items()
                    if k not in ("presenting_issues", "primary_issue", "version", "risk_reason")
                }
                case = services.case_open(
                    actor=request.user,
                    child=child,
                    lead_worker=request.user,
                    presenting_issues=case_form.ordered_issues(),
                    **data,
                )
        except ValidationError as exc:
            add_validation_errors(case_form, exc)
        else:
            messages.success(request, _("Case %(n)s opened.") % {"n": case.number})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"child_form": child_form, "case_form": case_form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    child_form = ChildForm(request.POST or None, instance=case.child, prefix="child")
    case_form = CaseForm(request.POST or None, instance=case, prefix="case")
    conflict = None
    if request.method == "POST" and child_form.is_valid() and case_form.is_valid():
        data = {
            k: v
            for k, v in case_form.cleaned_data.items()
            if k not in ("presenting_issues", "primary_issue", "version", "risk_reason")
        }
        try:
            services.case_update(
                actor=request.user,
                case=case,
                version=case_form.cleaned_data.get("version") or 0,
                reason=case_form.cleaned_data.get("risk_reason", ""),
                child_fields=child_form.cleaned_data,
                presenting_issues=case_form.ordered_issues(),
                **data,
            )
        except services.StaleVersion as exc:
            conflict = exc.current
            messages.error(
                request,
                _(
                    "Someone else saved this case while you were editing. Nothing was saved: "
                    "check their changes below, then save again."
                ),
            )
            case_form.data = case_form.data.copy()
            case_form.data["case-version"] = exc.current.version
        except ValidationError as exc:
            add_validation_errors(case_form, exc)
        else:
            messages.success(request, _("Case saved."))
            return redirect("cases:detail", pk=case.pk)
    audit_read(request, [case], "case", {"page": "edit"})
    context = {"child_form": child_form, "case_form": case_form, "case": case, "conflict": conflict}
    if conflict is not None:
        context["conflict_changes"] = [
            (
                str(Case._meta.get_field(f).verbose_name),
                getattr(conflict, f"get_{f}_display")()
                if hasattr(conflict, f"get_{f}_display")
                else getattr(conflict, f),
            )
            for f in ("risk_level", "family_situation", "category", "opened_on")
        ] + [(str(Case._meta.get_field("presenting_issues").verbose_name), ", ".join(conflict.presenting_issues))]
    return render(request, "cases/case_form.html", context, status=409 if conflict else 200)


@login_required
@require_http_methods(["GET", "POST"])
def visit_quick_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    form = QuickVisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("sensitive") and not may_read_sensitive(request.user, case):
            data["sensitive"] = True  # a team member may write a sensitive note; only lead/managers read it
        try:
            services.activity_record(actor=request.user, case=case, **data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/visit_form.html", {"case": case, "form": form})


@login_required
@require_POST
def flag_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    form = FlagForm(request.POST)
    if form.is_valid():
        services.flag_add(actor=request.user, case=case, **form.cleaned_data)
    elif not request.htmx:
        messages.error(request, _("A flag needs a short message."))
    if request.htmx:
        return render(
            request,
            "cases/_flags.html",
            {
                "case": case,
                "flags": case.flags.filter(resolved_at__isnull=True),
                "may_change": True,
                "flag_form": form if form.errors else FlagForm(),
            },
        )
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def flag_resolve(request: AuthenticatedHttpRequest, pk: int, flag_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    flag = get_object_or_404(CaseFlag, pk=flag_id, case=case)
    services.flag_resolve(actor=request.user, flag=flag)
    if request.htmx:
        return render(
            request,
            "cases/_flags.html",
            {
                "case": case,
                "flags": case.flags.filter(resolved_at__isnull=True),
                "may_change": True,
                "flag_form": FlagForm(),
            },
        )
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def household_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="change")
    form = HouseholdMemberForm(request.POST)
    invalid = _("Give at least a name and a relation.")
    flash_form(request, form, services.household_member_add, _("Saved."), invalid=invalid, child=case.child)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_assign_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="assign")
    form = LeadWorkerForm(request.POST, organisation_id=case.organisation_id)
    invalid = _("Choose an active social worker.")
    flash_form(request, form, services.case_assign, _("Case reassigned."), invalid=invalid, case=case)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_close_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="close")
    form = CloseForm(request.POST)
    invalid = _("Give a closing date and a reason.")
    flash_form(request, form, services.case_close, _("Case closed."), invalid=invalid, case=case)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_GET
def case_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_works_on_cases(request.user)
    query = request.GET.get("q", "")
    results = list(selectors.case_search(request.user, query))
    if query.strip():
        audit_log(
            action=AuditAction.VIEW,
            request=request,
            object_type="case-search",
            detail={"results": [c.pk for c in results][:50]},
        )
    template = "cases/_search_results.html" if request.htmx else "cases/search.html"
    return render(request, template, {"results": results, "q": query})


@login_required
@require_GET
def child_autocomplete(request: AuthenticatedHttpRequest) -> JsonResponse:
    check_works_on_cases(request.user)
    rows = selectors.children_for_autocomplete(request.user, request.GET.get("q", ""))
    audit_read(request, [row["id"] for row in rows], "child", {"page": "autocomplete"})
    return JsonResponse({"results": rows})


@login_required
@require_GET
def case_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The manager's case list as CSV or XLSX: only cases the user may see, cells safe from formulas."""
    check_caseload_action(request.user, "export")
    from core.exports import export_response

    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    scope = (
        cases_visible_to(request.user).exclude(status=CaseStatus.CLOSED)
        if request.GET.get("open")
        else cases_visible_to(request.user)
    )
    # The ids are fixed first so that the audit row names exactly the cases the file holds.
    exported = list(scope.order_by("number").values_list("pk", flat=True))
    cases = selectors.with_due_dates(Case.objects.filter(pk__in=exported)).order_by("number")
    rows = (
        (
            c.number,
            c.child.name,
            c.child.location.name if c.child.location else "",
            c.get_status_display(),
            c.get_risk_level_display(),
            ", ".join(c.presenting_issue_labels),
            str(c.lead_worker or ""),
            c.opened_on.isoformat(),
            c.closed_on.isoformat() if c.closed_on else "",
        )
        for c in cases.iterator(chunk_size=2000)
    )
    audit_read(request, exported, "case-list", {"format": fmt}, action=AuditAction.EXPORT, always=True)
    header = [
        _("case number"),
        pgettext("person", "name"),
        _("location"),
        _("status"),
        _("risk level"),
        _("presenting issues"),
        _("lead social worker"),
        _("opened on"),
        _("closed on"),
    ]
    return export_response(rows=rows, header=header, filename="cases", fmt=fmt)


@login_required
@require_POST
def case_team_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Share the case with a colleague: they see it and work on it until removed."""
    case = get_case_for_user(request.user, pk, action="share")
    user_id = request.POST.get("user", "")
    colleague = case_workers(case.organisation_id).filter(pk=user_id if user_id.isdigit() else 0).first()
    if colleague is None:
        messages.error(request, _("Choose an active social worker."))
        return redirect("cases:detail", pk=case.pk)
    with flash_outcome(request, _("%(name)s now works on this case with you.") % {"name": colleague}):
        services.case_team_add(actor=request.user, case=case, user=colleague)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_team_remove_view(request: AuthenticatedHttpRequest, pk: int, user_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="share")
    colleague = get_object_or_404(case.team.all(), pk=user_id)
    services.case_team_remove(actor=request.user, case=case, user=colleague)
    messages.success(request, _("%(name)s no longer sees this case.") % {"name": colleague})
    return redirect("cases:detail", pk=case.pk)
