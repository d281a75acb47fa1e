"""Pages of the multi-agency case: the list, the case as the viewer's scope shows it, and its forms
(invite a partner, leave, plan a task and move it on, write a note, record the forensic interview,
schedule and minute a case conference, record a date of the proceedings, close the case)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.permissions import cases_visible_to, check_works_on_cases
from core.audit import audit_log, audit_read
from core.flash import flash_outcome
from core.forms import add_validation_errors, save_form
from core.http_types import AuthenticatedHttpRequest
from core.models import AuditAction
from multiagency import services
from multiagency.forms import (
    ConferenceMinutesForm,
    ConferenceScheduleForm,
    FollowUpFormSet,
    InterviewForm,
    JointCaseOpenForm,
    MilestoneForm,
    NoteForm,
    PartnerInviteForm,
    TaskForm,
    TaskStatusForm,
    follow_ups,
)
from multiagency.permissions import (
    JointAccess,
    get_conference_for,
    get_joint_access,
    get_partner_for,
    get_task_for,
    joint_cases_visible_to,
)
from multiagency.selectors import delivered_by_agency


@login_required
@require_http_methods(["GET", "POST"])
def joint_case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_works_on_cases(request.user)
    form = JointCaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = cases_visible_to(request.user).filter(number=form.cleaned_data["number"].strip()).first()
        if case is None:
            form.add_error("number", _("No case with this number among your cases."))
        else:
            try:
                joint = services.joint_case_open(actor=request.user, case=case, summary=form.cleaned_data["summary"])
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("The case is now a multi-agency case. Invite the partner agencies."))
                return redirect("multiagency:detail", pk=joint.pk)
    joint_cases = list(joint_cases_visible_to(request.user)[:200])
    audit_read(request, [j.case_id for j in joint_cases], "case", {"page": "multi-agency cases"})
    status = 400 if form.errors else 200
    return render(request, "multiagency/list.html", {"joint_cases": joint_cases, "form": form}, status=status)


def _follow_up_formset(access: JointAccess, conference_pk: int, data: Any = None) -> Any:
    return FollowUpFormSet(data, prefix=f"c{conference_pk}f", form_kwargs={"access": access})


def _minutes_forms(access: JointAccess, conference: Any, may_minute: bool, forms: dict[str, Any]) -> Any:
    """The minutes form and its follow-up rows for a conference not yet minuted (the submitted ones
    when they came back with errors), or None."""
    if forms.get("minutes_for") == conference.pk:
        return forms["minutes_form"], forms["follow_up_formset"]
    if not may_minute or conference.minuted_on is not None:
        return None
    return ConferenceMinutesForm(access=access, prefix=f"c{conference.pk}"), _follow_up_formset(access, conference.pk)


def _render_detail(
    request: AuthenticatedHttpRequest, access: JointAccess, status: int = 200, **forms: Any
) -> HttpResponse:
    joint = access.joint
    tasks = list(access.tasks())
    notes = list(access.notes())
    interview = getattr(joint, "interview", None) if access.sees_interview else None
    conferences = list(access.conferences())
    milestones = list(access.milestones())
    audit_log(
        action=AuditAction.VIEW,
        request=request,
        obj=joint,
        detail={
            "case": joint.case_id,
            "as": "lead" if access.lead else "partner",
            "scope": access.partner.scope if access.partner else "lead",
            "tasks": [t.pk for t in tasks],
            "notes": [n.pk for n in notes],
            "interview": interview.pk if interview else None,
            "conferences": [c.pk for c in conferences],
            "minutes": access.sees_minutes,
            "milestones": [m.pk for m in milestones],
        },
    )
    may_minute = access.may("conference")
    context = {
        "access": access,
        "joint": joint,
        "case": joint.case,
        "partners": list(joint.partners.select_related("organisation").filter(left_on__isnull=True)),
        "tasks": [(t, TaskStatusForm(initial={"status": t.status}, prefix=f"t{t.pk}")) for t in tasks],
        "notes": notes,
        "interview": interview,
        "interviewed": hasattr(joint, "interview"),
        "invite_form": forms.get("invite_form") or (PartnerInviteForm(access=access) if access.may("manage") else None),
        "task_form": forms.get("task_form") or (TaskForm(access=access) if access.may("plan") else None),
        "note_form": forms.get("note_form") or (NoteForm() if access.may("note") else None),
        "interview_form": forms.get("interview_form")
        or (InterviewForm(access=access) if access.may("interview") else None),
        "conferences": [(c, _minutes_forms(access, c, may_minute, forms)) for c in conferences],
        "conference_form": forms.get("conference_form")
        or (ConferenceScheduleForm(access=access) if may_minute else None),
        "milestones": milestones,
        "milestone_form": forms.get("milestone_form") or (MilestoneForm() if access.may("milestone") else None),
        "delivered": delivered_by_agency(access) if access.closed else None,
    }
    return render(request, "multiagency/detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def joint_case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, get_joint_access(request.user, pk))


def _save(
    request: AuthenticatedHttpRequest, access: JointAccess, form: Any, service: Any, *, saved: str, slot: str
) -> HttpResponse:
    """The one path of the case page's forms: a valid form goes to its service; what the form or the service
    refuses comes back on the case page (400) in the form's ``slot``, with what was typed."""
    if save_form(request, form, service, saved, access=access):
        return redirect("multiagency:detail", pk=access.joint.pk)
    return _render_detail(request, access, status=400, **{slot: form})


@login_required
@require_POST
def partner_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_joint_access(request.user, pk, action="manage")
    form = PartnerInviteForm(request.POST, access=access)
    return _save(
        request,
        access,
        form,
        services.partner_invite,
        saved=_("The partner is on the case. Its managers are told."),
        slot="invite_form",
    )


@login_required
@require_POST
def partner_leave(request: AuthenticatedHttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    access = get_joint_access(request.user, pk)
    partner = get_partner_for(access, partner_pk)
    services.partner_leave(actor=request.user, access=access, partner=partner)
    if access.partner is not None and access.partner.pk == partner.pk:
        messages.success(request, _("Your organisation has left the case."))
        return redirect("multiagency:list")
    messages.success(request, _("The partner has left the case; its staff no longer see it."))
    return redirect("multiagency:detail", pk=pk)


@login_required
@require_POST
def task_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_joint_access(request.user, pk, action="plan")
    form = TaskForm(request.POST, access=access)
    return _save(request, access, form, services.task_add, saved=_("The task is in the joint plan."), slot="task_form")


@login_required
@require_POST
def task_update(request: AuthenticatedHttpRequest, pk: int, task_pk: int) -> HttpResponse:
    access = get_joint_access(request.user, pk, action="plan")
    task = get_task_for(access, task_pk)
    form = TaskStatusForm(request.POST, prefix=f"t{task.pk}")
    with flash_outcome(request, _("The task is updated.")):
        if not form.is_valid():
            raise ValidationError(_("Choose a status from the list."))
        services.task_update(actor=request.user, access=access, task=task, **form.cleaned_data)
    return redirect("multiagency:detail", pk=pk)


@login_required
@require_POST
def note_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_joint_access(request.user, pk, action="note")
    form = NoteForm(request.POST)
    return _save(request, access, form, services.note_add, saved=_("The note is saved."), slot="note_form")


@login_required
@require_POST
def interview_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_joint_access(request.user, pk, action="interview")
    form = InterviewForm(request.POST, access=access)
    return _save(
        request,
        access,
        form,
        services.interview_record,
        saved=_("The forensic interview is recorded. The child is not interviewed again."),
        slot="interview_form",
    )


@login_required
@require_POST
def conference_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_joint_access(request.user, pk, action="conference")
    form = ConferenceScheduleForm(request.POST, access=access)
    return _save(
        request,
        access,
        form,
        services.conference_schedule,
        saved=_("The case conference is scheduled. The partners' managers are told."),
        slot="conference_form",
    )


@login_required
@require_POST
def conference_minutes(request: AuthenticatedHttpRequest, pk: int, conference_pk: int) -> HttpResponse:
    access = get_joint_access(request.user, pk, action="conference")
    conference = get_conference_for(access, conference_pk)
    form = ConferenceMinutesForm(request.POST, access=access, prefix=f"c{conference.pk}")
    formset = _follow_up_formset(access, conference.pk, request.POST)
    if form.is_valid() and formset.is_valid():
        try:
            services.conference_minutes(
                actor=request.user,
                access=access,
                conference=conference,
                follow_ups=follow_ups(formset),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The minutes are recorded; the decisions are in the joint plan."))
            return redirect("multiagency:detail", pk=pk)
    return _render_detail(
        request, access, status=400, minutes_for=conference.pk, minutes_form=form, follow_up_formset=formset
    )


@login_required
@require_POST
def milestone_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_joint_access(request.user, pk, action="milestone")
    form = MilestoneForm(request.POST)
    return _save(request, access, form, services.milestone_add, saved=_("The date is recorded."), slot="milestone_form")


@login_required
@require_POST
def joint_case_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_joint_access(request.user, pk, action="close")
    with flash_outcome(request, _("The multi-agency case is closed. Below is what each agency delivered.")):
        services.joint_case_close(actor=request.user, access=access)
    return redirect("multiagency:detail", pk=pk)
