"""The register file's group programmes: the places and sessions attended, and putting the child on one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.permissions import cases_visible_to
from core.audit import audit_log
from core.http_types import AuthenticatedHttpRequest
from core.models import AuditAction
from programmes.selectors import attendance_for_case
from registry import roster
from registry.forms import PlaceProfileForm, ProgrammePlaceForm
from registry.models import ChildFile, FileStatus, ProgrammePlace
from registry.permissions import get_file_for_user, may_change_file


def file_programmes_context(user: Any, file: ChildFile) -> dict[str, Any]:
    """For the file page (the file is visible to ``user``): the programmes the child is on — by the register's
    place, or by the linked case where the user may see the case — and the form to put the child on one."""
    rows: list[dict[str, Any]] = [
        {
            "programme": r.place.programme,
            "joined_on": r.place.joined_on,
            "left_on": r.place.left_on,
            "held": r.held,
            "attended": r.attended,
            "place": r.place,
        }
        for r in roster.places_of_file(file)
    ]
    if file.case is not None and cases_visible_to(user).filter(pk=file.case.pk).exists():
        for r in attendance_for_case(file.case):
            e = r["enrolment"]
            rows.append(
                {
                    "programme": r["programme"],
                    "joined_on": e.joined_on,
                    "left_on": e.left_on,
                    "held": r["held"],
                    "attended": r["attended"],
                    "place": None,
                }
            )
    may_place = file.case_id is None and file.status == FileStatus.MONITORED and may_change_file(user, file)
    return {"programme_rows": rows, "place_form": ProgrammePlaceForm(user=user) if may_place else None}


@login_required
@require_POST
def place_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    file = get_file_for_user(request.user, pk, for_change=True)
    form = ProgrammePlaceForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            place = roster.place_add(actor=request.user, file=file, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("%(name)s is on the roster of %(p)s.") % {"name": file.name, "p": place.programme}
            )
    return redirect("registry:file-detail", pk=file.pk)


@login_required
@require_POST
def place_end_view(request: AuthenticatedHttpRequest, pk: int, place_id: int) -> HttpResponse:
    file = get_file_for_user(request.user, pk, for_change=True)
    place = ProgrammePlace.objects.filter(pk=place_id, file=file, left_on__isnull=True).first()
    if place is None:
        raise Http404
    try:
        roster.place_end(actor=request.user, place=place)
    except ValidationError as exc:
        raise PermissionDenied from exc
    messages.success(request, _("Taken off the roster of %(p)s.") % {"p": place.programme})
    return redirect("registry:file-detail", pk=file.pk)


@login_required
@require_http_methods(["GET", "POST"])
def place_profile_view(request: AuthenticatedHttpRequest, place_id: int) -> HttpResponse:
    """A register pupil's profile on a classroom: the programme's facilitators and the file's director only
    (the facilitators never open the file itself)."""
    place = roster.get_place_profile_for_user(request.user, place_id)
    initial = {name: getattr(place, name) for name in PlaceProfileForm.base_fields}
    form = PlaceProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        roster.place_profile_save(actor=request.user, place=place, **form.cleaned_data)
        messages.success(request, _("Profile saved."))
        return redirect("registry:place-profile", place_id=place.pk)
    audit_log(action=AuditAction.VIEW, obj=place, request=request, detail={"file": place.file_id, "profile": True})
    return render(
        request,
        "registry/place_profile.html",
        {"place": place, "form": form},
        status=400 if request.method == "POST" else 200,  # the form's errors, the input kept
    )
