from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_log
from core.flash import flash_outcome
from core.forms import save_form
from core.http_types import AuthenticatedHttpRequest
from core.models import AuditAction
from core.permissions import contracts_visible_to
from reports import cache as figures_cache
from reports import services, suppression
from reports.forms import DashboardPeriodForm, ReportForm
from reports.labels import summary_rows
from reports.models import ReportStatus
from reports.permissions import (
    figure_scope_for,
    get_report_for_user,
    may_generate,
    may_see_reports,
    reports_visible_to,
)
from reports.services import value_labels


@login_required
@require_GET
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_see_reports(request.user):
        raise PermissionDenied
    reports = reports_visible_to(request.user).order_by("-created_at")[:100]
    return render(request, "reports/list.html", {"reports": reports, "may_generate": may_generate(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_generate(request.user):
        raise PermissionDenied
    form = ReportForm(request.POST or None, initial={"language": get_language()}, user=request.user)
    if saved := save_form(request, form, services.report_request):
        return redirect("reports:detail", pk=saved.result.pk)
    return render(request, "reports/new.html", {"form": form})


@login_required
@require_GET
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    template = "reports/_progress.html" if request.htmx else "reports/detail.html"
    response = render(request, template, {"report": report, "may_generate": may_generate(request.user)})
    if request.htmx and report.status in (ReportStatus.DONE, ReportStatus.FAILED):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def report_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk, action="generate")
    with flash_outcome(request, _("The report is being made again.")):
        services.report_retry(actor=request.user, report=report)
    return redirect("reports:detail", pk=report.pk)


@login_required
@require_GET
def report_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    report = get_report_for_user(request.user, pk)
    if report.status != ReportStatus.DONE or not report.file:
        raise Http404
    if not report.file.storage.exists(report.file.name):
        from core.errors import file_missing

        return file_missing(
            request, _("The file of this report is missing from the server. Generate the report again.")
        )
    audit_log(action=AuditAction.EXPORT, obj=report, request=request)
    name = f"shouhu-report-{report.start}-{report.end}.{report.format}"
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=name)


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The headline figures of the current contract, for the period the reader chose (``?start=&end=``)
    or, by default, from the contract's start (else 1 January) to today."""
    if not may_see_reports(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    contract = contracts_visible_to(request.user).filter(start__lte=today, end__gte=today).order_by("-start").first()
    for_funder = suppression.is_funder_audience(request.user)
    period_form = DashboardPeriodForm(request.GET or None, user=request.user)
    if period_form.is_bound and period_form.is_valid() and period_form.cleaned_data.get("start"):
        start, end = period_form.cleaned_data["start"], period_form.cleaned_data["end"]
    else:
        start, end = (contract.start if contract else today.replace(month=1, day=1)), today
        if for_funder:  # a funder's period is at least a month, even early in a contract
            start = suppression.funder_period_start(end, start)
    summary = figures_cache.summary(start, end, contract, for_funder=for_funder, scope=figure_scope_for(request.user))
    context = services.report_context(summary)
    context.update(
        {
            "contract": contract,
            "today": today,
            "period_start": start,
            "period_end": end,
            "period_form": period_form,
            "may_generate": may_generate(request.user),
        }
    )
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def summary_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The summary figures as CSV (one row per figure and per table cell), for funders' spreadsheets."""
    if not may_see_reports(request.user):
        raise PermissionDenied
    from django.utils.dateparse import parse_date

    from core.exports import export_response

    start, end = parse_date(request.GET.get("start", "") or ""), parse_date(request.GET.get("end", "") or "")
    if start is None or end is None or end < start:
        return HttpResponse(_("Give a valid start and end date (YYYY-MM-DD)."), status=400)
    contract = (
        contracts_visible_to(request.user).filter(pk=request.GET["contract"]).first()
        if request.GET.get("contract", "").isdigit()
        else None
    )
    if request.GET.get("contract") and contract is None:
        return HttpResponse(_("No such contract."), status=404)
    try:
        suppression.check_period(request.user, start, end)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
    summary = suppression.for_display(
        figures_cache.summary(
            start,
            end,
            contract,
            for_funder=suppression.is_funder_audience(request.user),
            scope=figure_scope_for(request.user),
        )
    )
    # readable labels in the reader's language first; the contract's code last, for spreadsheets that match on it
    rows = [(section, figure, value, code) for section, figure, value, code in summary_rows(summary, value_labels())]
    audit_log(
        action=AuditAction.EXPORT,
        request=request,
        object_type="report-summary",
        detail={"start": str(start), "end": str(end)},
    )
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return export_response(
        rows=rows, header=[_("Section"), _("Figure"), _("Value"), _("Code")], filename=f"summary-{start}-{end}", fmt=fmt
    )
