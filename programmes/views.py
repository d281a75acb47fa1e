from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import is_project_staff
from cases.models import Case
from cases.permissions import cases_visible_to, get_case_for_user
from core.audit import audit_log, audit_read
from core.flash import flash_outcome
from core.forms import add_validation_errors, save_form
from core.http_types import AuthenticatedHttpRequest
from core.models import AuditAction
from programmes import parent_calls, roster, selectors, services, stock
from programmes.forms import (
    MoveForm,
    ParentCallForm,
    ProgrammeForm,
    PupilProfileForm,
    ReceiveForm,
    SessionForm,
    StoreForm,
    TutorNoteForm,
)
from programmes.models import ProgrammeKind, PupilProfile, StockMovement, Store, TutorNote
from programmes.permissions import (
    get_programme_for_user,
    get_session_for_user,
    may_run_programme,
    may_see_pupil_profile,
    programmes_visible_to,
)


def _staff_only(request: HttpRequest) -> None:
    if not is_project_staff(request.user):
        raise PermissionDenied


@login_required
@require_GET
def programme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _staff_only(request)
    programmes = selectors.programme_list(request.user)
    kind = request.GET.get("kind", "")
    if kind in ProgrammeKind.values:
        programmes = programmes.filter(kind=kind)
    return render(
        request,
        "programmes/list.html",
        {"programmes": selectors.with_roster_counts(programmes), "kinds": ProgrammeKind.choices, "kind": kind},
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    _staff_only(request)
    form = ProgrammeForm(request.POST or None, organisation_id=request.user.organisation_id)
    if saved := save_form(request, form, services.programme_create, _("Programme created.")):
        return redirect("programmes:detail", pk=saved.result.pk)
    return render(request, "programmes/form.html", {"form": form})


def _detail(
    request: AuthenticatedHttpRequest, programme: Any, *, may_run: bool, form: Any, status: int = 200
) -> HttpResponse:
    rows = selectors.roster(request.user, programme)
    outside = roster.outside_rows(request.user, programme)
    context = {
        "programme": programme,
        "roster": rows,
        "outside_roster": outside,
        "roster_count": len(rows) + len(outside),
        "sessions": selectors.session_list(programme),
        "may_run": may_run,
        "session_form": form,
    }
    return render(request, "programmes/detail.html", context, status=status)


@login_required
@require_GET
def programme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, pk)
    audit_log(action=AuditAction.VIEW, obj=programme, request=request)
    may_run = may_run_programme(request.user, programme)
    return _detail(request, programme, may_run=may_run, form=SessionForm(programme=programme) if may_run else None)


@login_required
@require_POST
def enrol(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, pk, for_change=True)
    number = (request.POST.get("case_number") or "").strip()
    case = cases_visible_to(request.user).filter(number=number).first() if number else None
    if case is None:
        messages.error(request, _("No case with the number %(n)s that you may see.") % {"n": number[:30]})
    else:
        with flash_outcome(request, _("%(c)s is on the roster.") % {"c": case.child.name}):
            services.enrolment_add(actor=request.user, programme=programme, case=case)
    return redirect("programmes:detail", pk=programme.pk)


@login_required
@require_POST
def session_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, pk, for_change=True)
    form = SessionForm(request.POST, programme=programme)
    if saved := save_form(request, form, services.session_record, programme=programme):
        return redirect("programmes:attendance", pk=saved.result.pk)
    audit_log(action=AuditAction.VIEW, obj=programme, request=request)
    return _detail(request, programme, may_run=True, form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The phone page: the roster as big toggles, everyone present by default, saved in one tap."""
    session = get_session_for_user(request.user, pk, for_change=True)
    programme = session.programme
    error = ""
    if request.method == "POST":
        ids = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        others = [v for v in request.POST.getlist("present") if not v.isdigit()]
        enrolled = set(programme.enrolments.filter(left_on__isnull=True).values_list("case_id", flat=True))
        guardians = request.POST.get("guardians_present", "").strip()
        if ids - enrolled:
            error = _("Only children on the programme's roster can be marked present.")
        elif guardians and not guardians.isdigit():
            error = _("Give the number of guardians as a whole number.")
        else:
            try:
                services.attendance_save(
                    actor=request.user,
                    session=session,
                    attendees=list(Case.objects.filter(pk__in=ids)),
                    guardians_present=int(guardians) if guardians else None,
                    guardian_names=request.POST.get("guardian_names") if "guardian_names" in request.POST else None,
                    outside_present=others,
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, _("Attendance saved: %(n)s present.") % {"n": len(ids) + len(set(others))})
                return redirect("programmes:detail", pk=programme.pk)
    audit_log(action=AuditAction.VIEW, obj=session, request=request)
    rows = selectors.roster(request.user, programme, session=session)
    outside = roster.outside_rows(request.user, programme, session=session)
    if not session.attendance_taken and request.method == "GET":
        for row in rows:
            row.present = True
        for other in outside:
            other.present = True
    if request.method == "POST":
        chosen = set(request.POST.getlist("present"))
        chosen_others = set(others)
        for row in rows:
            row.present = str(row.enrolment.case_id) in chosen
        for other in outside:
            other.present = other.key in chosen_others
    return render(
        request,
        "programmes/attendance.html",
        {
            "session": session,
            "programme": programme,
            "rows": rows,
            "outside_rows": outside,
            "present_count": sum(row.present for row in rows) + sum(o.present for o in outside),
            "error": error,
            "is_parenting": programme.kind == ProgrammeKind.PARENTING_GROUP,
            "guardians_value": request.POST.get("guardians_present", session.guardians_present),
            "guardian_names_value": request.POST.get("guardian_names", session.guardian_names),
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def case_panel(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """On the case page: the programmes the child is on and the sessions attended."""
    case = get_case_for_user(request.user, case_id)
    rows = selectors.attendance_for_case(case)
    audit_read(request, [case], "case", {"panel": "programmes"})
    return render(request, "programmes/_case_programmes.html", {"case": case, "rows": rows})


def _pupil(request: HttpRequest, pk: int, case_id: int) -> tuple[Any, Any]:
    programme = get_programme_for_user(request.user, pk)
    enrolment = programme.enrolments.select_related("case__child", "case__lead_worker").filter(case_id=case_id).first()
    if enrolment is None or not may_see_pupil_profile(request.user, programme, enrolment.case):
        raise Http404
    return programme, enrolment.case


@login_required
@require_http_methods(["GET", "POST"])
def pupil_profile(request: AuthenticatedHttpRequest, pk: int, case_id: int) -> HttpResponse:
    """School, grade, subjects needing support and tutors' notes: facilitators and the lead worker only."""
    programme, case = _pupil(request, pk, case_id)
    profile = PupilProfile.objects.filter(programme=programme, case=case).first()
    form = PupilProfileForm(request.POST or None, instance=profile)
    note_form = TutorNoteForm(programme=programme)
    if request.method == "POST":
        if request.POST.get("form") == "note":
            note_form = TutorNoteForm(request.POST, programme=programme)
            if note_form.is_valid():
                services.tutor_note_add(
                    actor=request.user,
                    session=note_form.cleaned_data["session"],
                    case=case,
                    text=note_form.cleaned_data["text"],
                )
                messages.success(request, _("Note saved."))
                return redirect("programmes:pupil", pk=programme.pk, case_id=case.pk)
            form = PupilProfileForm(instance=profile)
        elif form.is_valid():
            services.pupil_profile_save(actor=request.user, programme=programme, case=case, **form.cleaned_data)
            messages.success(request, _("Profile saved."))
            return redirect("programmes:pupil", pk=programme.pk, case_id=case.pk)
    audit_log(action=AuditAction.VIEW, object_type="pupilprofile", object_id=case.pk, request=request)
    notes = TutorNote.objects.filter(session__programme=programme, case=case).select_related("session", "written_by")
    invalid = request.method == "POST"
    return render(
        request,
        "programmes/pupil.html",
        {"programme": programme, "case": case, "form": form, "note_form": note_form, "notes": notes},
        status=400 if invalid else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def calls(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The family window: this week's calls against each child's target, what was missed, record a call."""
    _staff_only(request)
    try:
        day = parse_date(request.GET.get("week", "") or "") or timezone.localdate()
    except ValueError:  # well formed but no such day (2026-02-30): this week
        day = timezone.localdate()
    week_start, week_end = parent_calls.week_of(day)
    visible = cases_visible_to(request.user)
    form = ParentCallForm(request.POST or None, cases=parent_calls.weekly_target_cases(visible).select_related("child"))
    if request.method == "POST" and form.is_valid():
        case = get_case_for_user(request.user, form.cleaned_data["case"].pk, for_change=True)
        data = {k: v for k, v in form.cleaned_data.items() if k != "case"}
        try:
            parent_calls.parent_call_record(actor=request.user, case=case, **data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Call recorded."))
            return redirect(f"{request.path}?week={week_start.isoformat()}")
    rows = parent_calls.weekly_calls(visible, week_start=week_start)
    audit_log(
        action=AuditAction.VIEW,
        object_type="parentcall-week",
        request=request,
        detail={"week": week_start.isoformat(), "cases": [r.case.pk for r in rows]},
    )
    return render(
        request,
        "programmes/calls.html",
        {
            "form": form,
            "rows": rows,
            "missed": [r for r in rows if r.missed],
            "week_start": week_start,
            "week_end": week_end,
            "previous_week": week_start - dt.timedelta(days=7),
            "next_week": week_start + dt.timedelta(days=7),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def stores(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Village libraries and stores of donated goods."""
    _staff_only(request)
    form = StoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        store = stock.store_create(actor=request.user, **form.cleaned_data)
        return redirect("programmes:store", pk=store.pk)
    return render(
        request,
        "programmes/stores.html",
        {"stores": Store.objects.select_related("location").order_by("name"), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def store_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    store = Store.objects.filter(pk=pk).first()
    if store is None:
        raise Http404
    receive_form = ReceiveForm(
        request.POST if request.POST.get("form") == "receive" else None, organisation_id=request.user.organisation_id
    )
    move_form = MoveForm(
        request.POST if request.POST.get("form") == "move" else None,
        store=store,
        programmes=programmes_visible_to(request.user).prefetch_related(None).order_by("-starts_on", "-pk"),
    )
    if request.method == "POST":
        try:
            if request.POST.get("form") == "receive" and receive_form.is_valid():
                stock.stock_receive(actor=request.user, store=store, **receive_form.cleaned_data)
                messages.success(request, _("Received into stock."))
                return redirect("programmes:store", pk=store.pk)
            if request.POST.get("form") == "move" and move_form.is_valid():
                data = dict(move_form.cleaned_data)
                number = data.pop("case_number").strip()
                case = None
                if number:
                    case = cases_visible_to(request.user).filter(number=number).first()
                    if case is None:
                        raise ValidationError(
                            {"case_number": _("No case with the number %(n)s that you may see.") % {"n": number}}
                        )
                stock.stock_move(actor=request.user, case=case, **data)
                messages.success(request, _("Saved."))
                return redirect("programmes:store", pk=store.pk)
        except ValidationError as exc:
            add_validation_errors(move_form if request.POST.get("form") == "move" else receive_form, exc)
    movements = StockMovement.objects.filter(item__store=store).select_related("item", "case__child", "programme")[:100]
    visible = set(
        cases_visible_to(request.user)
        .filter(pk__in=[m.case_id for m in movements if m.case_id])
        .values_list("pk", flat=True)
    )
    audit_log(action=AuditAction.VIEW, obj=store, request=request)
    return render(
        request,
        "programmes/store.html",
        {
            "store": store,
            "items": stock.stock_items(store),
            "movements": [(m, m.case_id in visible) for m in movements],
            "receive_form": receive_form,
            "move_form": move_form,
        },
        status=400 if request.method == "POST" else 200,
    )
