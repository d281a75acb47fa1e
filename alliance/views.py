from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.roles import is_project_staff
from alliance import selectors, services
from alliance.forms import EventForm, MemberForm
from alliance.models import Sector, VolunteerAssignment
from alliance.permissions import get_member_for_user, members_visible_to
from cases.permissions import get_case_for_user, may_change_case
from core.audit import audit_read
from core.dates import typed_date
from core.flash import flash_outcome
from core.forms import save_form
from core.http_types import AuthenticatedHttpRequest
from core.models import Location


@login_required
@require_GET
def member_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_project_staff(request.user):
        raise PermissionDenied
    filters = {k: request.GET.get(k, "") for k in ("q", "sector", "location", "role")}
    members = selectors.member_directory(request.user, **filters)[:300]
    context = {
        "members": members,
        "filters": filters,
        "sectors": Sector.choices,
        "locations": Location.objects.order_by("kind", "name"),
    }
    return render(request, "alliance/_member_rows.html" if request.htmx else "alliance/members.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_project_staff(request.user):
        raise PermissionDenied
    form = MemberForm(request.POST or None)
    if save_form(request, form, services.member_create, _("Member added.")):
        return redirect("alliance:members")
    return render(request, "alliance/member_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def events(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_project_staff(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:  # e.g. a date too far ahead: the form again, not a 500
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Saved."))
            return redirect("alliance:events")
    today = timezone.localdate()
    from alliance.permissions import events_visible_to

    return render(
        request,
        "alliance/events.html",
        {
            "form": form,
            "events": events_visible_to(request.user).prefetch_related("members", "agreements").order_by("-date")[:50],
            "missing": selectors.directors_without_meeting(request.user, today=today),
            "today": today,
        },
    )


@login_required
@require_GET
def my_visits(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.VOLUNTEER) or not request.user.member_id:
        raise PermissionDenied
    return _my_visits_page(request)


def _my_visits_page(request: AuthenticatedHttpRequest, *, failed: dict[str, Any] | None = None) -> HttpResponse:
    """The volunteer's visit cards (each named by the household label the social worker set); a
    refused log comes back on its card with the error and everything she typed."""
    assignments = list(
        VolunteerAssignment.objects.filter(member_id=request.user.member_id or 0, is_active=True).select_related(
            "case__child__location"
        )
    )
    for assignment in assignments:  # each card's form is one visit: a retry of it is logged once
        assignment.submission_key = uuid.uuid4().hex  # type: ignore[attr-defined]
    audit_read(request, [a.case_id for a in assignments], "case", {"page": "my-visits"})
    logs = request.user.member.volunteer_logs.order_by("-date")[:20]
    total = selectors.volunteer_minutes(member=request.user.member)
    return render(
        request,
        "alliance/my_visits.html",
        {
            "assignments": assignments,
            "logs": logs,
            "hours": round(total / 60, 1),
            "today": timezone.localdate(),
            "failed": failed or {},
        },
    )


def _minutes(text: str) -> int:
    """Minutes as the volunteer typed them: a whole number ("40", "４０"), else a Chinese error."""
    cleaned = text.strip().translate(FULL_WIDTH_DIGITS)
    if not cleaned.isdigit():
        raise ValidationError({"minutes": _("Write the time as a number of minutes, for example 40 (1 hour is 60).")})
    return int(cleaned)


FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@login_required
@require_POST
def visit_log(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    from cases.models import Case

    case = Case.objects.filter(pk=case_id).first() if services.assignment_for_volunteer(request.user, case_id) else None
    if case is None:  # a case they are not assigned to does not exist for them
        raise Http404
    typed = {key: request.POST.get(key, "") for key in ("date", "minutes", "note", "submission_key")}
    try:
        services.volunteer_log_create(
            actor=request.user,
            case=case,
            minutes=_minutes(typed["minutes"]),
            note=typed["note"],
            date=_visit_date(typed["date"]),
            submission_key=typed["submission_key"].strip()[:64] or None,
        )
    except ValidationError as exc:
        return _my_visits_page(request, failed={"case_id": case.pk, **typed, "errors": exc.messages})
    messages.success(request, _("Visit logged. Thank you."))
    return redirect("alliance:my-visits")


def _visit_date(text: str) -> Any:
    return typed_date(text, field="date", message=_("Give the date of the visit.")) or timezone.localdate()


@login_required
@require_POST
def raise_concern(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    from cases.models import Case

    case = (
        Case.objects.filter(pk=case_id).select_related("lead_worker").first()
        if services.assignment_for_volunteer(request.user, case_id)
        else None
    )
    if case is None:  # a case they are not assigned to does not exist for them (as for the visit log)
        raise Http404
    services.volunteer_raise_concern(actor=request.user, case=case, message=request.POST.get("message", ""))
    messages.success(request, _("The social worker has been told. If the child is in danger now, call 110."))
    return redirect("alliance:my-visits")


@login_required
@require_http_methods(["GET", "POST"])
def case_panel(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, action="change" if request.method == "POST" else "view")
    if request.method == "POST":
        member = (
            members_visible_to(request.user).filter(pk=request.POST.get("member") or 0, is_volunteer=True).first()
            if request.POST.get("member", "").isdigit()
            else None
        )
        if member is None:
            messages.error(request, _("Choose a volunteer."))
        else:
            services.volunteer_assign(actor=request.user, case=case, member=member, brief=request.POST.get("brief", ""))
            messages.success(request, _("Volunteer assigned."))
        return redirect("cases:detail", pk=case.pk)
    audit_read(request, [case], "case", {"panel": "alliance"})
    return render(
        request,
        "alliance/_case_panel_body.html",
        {
            "case": case,
            "assignments": case.volunteer_assignments.filter(is_active=True).select_related("member"),
            "logs": case.volunteer_logs.select_related("member").order_by("-date")[:20],
            "volunteers": members_visible_to(request.user).filter(is_volunteer=True, is_active=True).order_by("name"),
            "may_change": may_change_case(request.user, case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload → preview with row-by-row errors → confirm. Nothing is saved until every row is good."""
    from alliance.importer import parse_roster

    if not is_project_staff(request.user):
        raise PermissionDenied
    context: dict = {}
    if request.method == "POST" and request.POST.get("confirm"):
        pending = request.session.pop("member_import", None)
        if not pending or pending.get("token") != request.POST["confirm"]:
            messages.error(request, _("This import expired. Please upload the file again."))
            return redirect("alliance:member-import")
        count = services.members_import(actor=request.user, rows=pending["rows"])
        messages.success(request, _("%(n)s members imported.") % {"n": count})
        return redirect("alliance:members")
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["file_errors"] = [_("Choose a file.")]
        else:
            rows, file_errors = parse_roster(upload)
            context.update(
                {
                    "rows": rows,
                    "file_errors": file_errors,
                    "has_errors": bool(file_errors) or any(r.errors for r in rows),
                }
            )
            if rows and not context["has_errors"]:
                token = uuid.uuid4().hex
                request.session["member_import"] = {
                    "token": token,
                    "rows": [
                        {**r.values, "joined_on": r.values["joined_on"].isoformat() if r.values["joined_on"] else None}
                        for r in rows
                    ],
                }
                context["token"] = token
    return render(request, "alliance/import.html", context)


@login_required
@require_GET
def member_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from alliance.selectors import member_contribution

    member = get_member_for_user(request.user, pk)
    return render(request, "alliance/member_detail.html", {"member": member, **member_contribution(member)})


@login_required
@require_GET
def member_certificate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A thank-you certificate as a PDF: for project staff, and for the member themself."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from alliance.selectors import member_contribution
    from core.audit import audit_log
    from core.models import AuditAction

    member = get_member_for_user(request.user, pk, action="certificate")
    html = render_to_string(
        "alliance/certificate.html", {"member": member, "today": timezone.localdate(), **member_contribution(member)}
    )
    audit_log(action=AuditAction.EXPORT, obj=member, request=request, detail={"certificate": True})
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{member.pk}.pdf"'
    return response


@login_required
@require_GET
def member_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The directory as CSV/XLSX (with the same filters); formula-looking cells are written as text."""
    from core.audit import audit_log
    from core.exports import export_response
    from core.models import AuditAction

    if not is_project_staff(request.user):
        raise PermissionDenied
    filters = {k: request.GET.get(k, "") for k in ("q", "sector", "location", "role")}
    members = selectors.member_directory(request.user, **filters)
    rows = (
        (
            m.name,
            m.get_sector_display(),
            m.location.name if m.location else "",
            "、".join(
                label
                for flag, label in (
                    (m.is_referrer, _("referrer")),
                    (m.is_pledger, _("pledger")),
                    (m.is_volunteer, _("volunteer")),
                )
                if flag
            ),
            m.phone,
            m.joined_on.isoformat() if m.joined_on else "",
        )
        for m in members.iterator(chunk_size=2000)
    )
    audit_log(action=AuditAction.EXPORT, request=request, object_type="member-list", detail=filters)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    header = [pgettext("member", "name"), _("sector"), _("location"), _("Roles"), _("phone"), _("joined on")]
    return export_response(rows=rows, header=header, filename="alliance-members", fmt=fmt)


@login_required
@require_POST
def conference_agreement(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    from alliance.permissions import events_visible_to

    if not is_project_staff(request.user):
        raise PermissionDenied
    event = events_visible_to(request.user).filter(pk=event_id).first()
    if event is None:
        from django.http import Http404

        raise Http404
    with flash_outcome(request, _("Saved.")):
        services.conference_agreement_add(
            actor=request.user,
            event=event,
            department=request.POST.get("department", ""),
            agreed_action=request.POST.get("agreed_action", ""),
            follow_up_on=typed_date(request.POST.get("follow_up_on"), field="follow_up_on"),
            attended=request.POST.get("attended", "on") == "on",
        )
    return redirect("alliance:events")
