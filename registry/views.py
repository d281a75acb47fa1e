"""Pages of the monitoring register: the director's phone pages, the supervisor's town and review,
the file, the report and exports, the category rules and the hotline console."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from cases.models import Category
from core.audit import audit_log
from core.exports import export_response
from core.flash import flash_form, flash_outcome
from core.forms import add_validation_errors, save_form
from core.http_types import AuthenticatedHttpRequest
from core.models import AuditAction, Location
from registry import roster_views, services, suppression
from registry.apis import report_root_for
from registry.forms import (
    CallCloseForm,
    CategoryRuleForm,
    ChildFileEditForm,
    ChildFileForm,
    ClaimForm,
    EscalateForm,
    EvidenceForm,
    HotlineCallForm,
    IdentificationForm,
    LeaveForm,
)
from registry.models import (
    CategoryRule,
    ChildType,
    ClaimStatus,
    EntitlementCode,
    FileStatus,
    HotlineCall,
    Identification,
    UpdateStatus,
)
from registry.permissions import (
    files_counted_for,
    files_visible_to,
    get_file_for_user,
    get_update_for_user,
    may_change_file,
    may_escalate,
    may_manage_rules,
    may_register_in,
    may_review_updates_of,
    may_see_register_report,
    may_take_calls,
    register_organisation_ids,
    sees_all_files,
    supervisor_town_ids,
    updates_visible_to,
)
from registry.selectors import (
    breakdown,
    director_home,
    entitlement_figures,
    file_duplicates,
    files_in_area,
    quarter_bounds,
    register_report,
    town_completeness,
)


def _audit_list(request: HttpRequest, files: list[Any]) -> None:
    if files:
        audit_log(
            action=AuditAction.VIEW, object_type="childfile", request=request, detail={"ids": [f.pk for f in files]}
        )


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A director's children with what is due; a supervisor lands on their town; staff on the list."""
    user = request.user
    if user.has_role(Role.CHILDREN_SUPERVISOR):
        return redirect("registry:town")
    if not user.has_role(Role.CHILDREN_DIRECTOR):
        return redirect("registry:list")
    files = director_home(user)
    _audit_list(request, files)
    start, end = quarter_bounds(timezone.localdate())
    return render(
        request,
        "registry/director_home.html",
        {"files": files, "today": timezone.localdate(), "quarter_end": end, "new_key": uuid.uuid4().hex},
    )


@login_required
@require_GET
def file_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not (
        sees_all_files(user) or user.has_role(Role.CHILDREN_DIRECTOR, Role.CHILDREN_SUPERVISOR, Role.SOCIAL_WORKER)
    ):
        raise PermissionDenied
    files = files_visible_to(user)
    status = request.GET.get("status", FileStatus.MONITORED)
    if status in FileStatus.values:
        files = files.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        files = files.filter(name__icontains=q)
    files = list(files.order_by("location__name", "name")[:500])
    _audit_list(request, files)
    return render(
        request,
        "registry/file_list.html",
        {"files": files, "q": q, "status": status, "today": timezone.localdate(), "may_add": _may_add(user)},
    )


def _may_add(user: Any) -> bool:
    return sees_all_files(user) or user.has_role(Role.CHILDREN_DIRECTOR)


@login_required
@require_http_methods(["GET", "POST"])
def file_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _may_add(request.user):
        raise PermissionDenied
    form = ChildFileForm(request.POST or None, user=request.user, initial={"submission_key": uuid.uuid4().hex})
    duplicates: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("submission_key") or None
        duplicates = file_duplicates(
            request.user, name=data["name"], location=data["location"], birth_date=data["birth_date"]
        )
        if duplicates and not request.POST.get("not_a_duplicate"):
            form.add_error(None, _("This child may already be on the register or known to the social workers."))
        else:
            try:
                file, _created = services.file_register(actor=request.user, submission_key=key, **data)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("%(name)s is on the register.") % {"name": file.name})
                return redirect("registry:file-detail", pk=file.pk)
    return render(request, "registry/file_new.html", {"form": form, "duplicates": duplicates})


@login_required
@require_GET
def file_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    file = get_file_for_user(request.user, pk)
    audit_log(action=AuditAction.VIEW, obj=file, request=request)
    user = request.user
    claims = {c.code: c for c in file.claims.all()}
    labels = dict(EntitlementCode.choices)
    rules = {r.entitlement: r for r in CategoryRule.objects.filter(is_active=True, child_type=file.child_type)}
    entitlement_rows = [
        {"code": code, "label": labels.get(code, code), "rule": rules.get(code), "claim": claims.get(code)}
        for code in file.entitlements
    ] + [
        {"code": code, "label": labels.get(code, code), "rule": None, "claim": claim}
        for code, claim in claims.items()
        if code not in file.entitlements
    ]
    escalations = list(file.escalations.select_related("referral"))
    may_change = may_change_file(user, file)
    return render(
        request,
        "registry/file_detail.html",
        {
            "file": file,
            "updates": file.updates.select_related("submitted_by", "reviewed_by"),
            "entitlement_rows": entitlement_rows,
            "escalations": escalations,
            "identifications": file.identifications.prefetch_related("evidence"),
            "may_change": may_change,
            "may_escalate": may_escalate(user, file),
            "may_review": may_review_updates_of(user, file),
            "shows_case": user.has_role(Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER),
            "today": timezone.localdate(),
            "claim_form": ClaimForm() if may_change else None,
            "update_key": uuid.uuid4().hex,
            **roster_views.file_programmes_context(user, file),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def file_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    file = get_file_for_user(request.user, pk, for_change=True)
    initial = {name: getattr(file, name) for name in services.EDITABLE_FIELDS if name != "director"}
    form = ChildFileEditForm(request.POST or None, user=request.user, initial=initial)
    if sees_all_files(request.user) is False:
        form.fields["location"].queryset = form.fields["location"].queryset | Location.objects.filter(
            pk=file.location_id
        )
    if save_form(request, form, services.file_update, _("The file was saved."), file=file):
        return redirect("registry:file-detail", pk=file.pk)
    return render(request, "registry/form_page.html", {"form": form, "file": file, "title": _("Change the file")})


@login_required
@require_http_methods(["GET", "POST"])
def file_update_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """This quarter's update, in a few taps (also reached inline from the director's home)."""
    file = get_file_for_user(request.user, pk, for_change=True)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        how = request.POST.get("how", "")
        summary = request.POST.get("summary", "").strip()
        if how == "same" and not summary:
            summary = _("No change since the last visit.")
        try:
            date = dt.date.fromisoformat(request.POST.get("date") or str(timezone.localdate()))
        except ValueError:
            errors = {"date": [_("Enter a valid date.")]}
        else:
            try:
                services.update_submit(
                    actor=request.user,
                    file=file,
                    date=date,
                    summary=summary,
                    risk_raised=how == "worried" or bool(request.POST.get("risk_raised")),
                    submission_key=request.POST.get("submission_key") or None,
                )
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            else:
                messages.success(request, _("Update sent to the supervisor."))
                return redirect("registry:home")
    return render(
        request,
        "registry/update_page.html",
        {"file": file, "errors": errors, "post": request.POST, "today": timezone.localdate(), "key": uuid.uuid4().hex},
    )


@login_required
@require_http_methods(["GET", "POST"])
def file_leave_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    file = get_file_for_user(request.user, pk, for_change=True)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.file_leave(
                actor=request.user,
                file=file,
                reason=form.cleaned_data["leave_reason"],
                left_on=form.cleaned_data["left_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The file has left the register."))
            return redirect("registry:file-detail", pk=file.pk)
    return render(request, "registry/form_page.html", {"form": form, "file": file, "title": _("Take off the register")})


@login_required
@require_http_methods(["GET", "POST"])
def file_escalate_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    file = get_file_for_user(request.user, pk)
    if not may_escalate(request.user, file):
        raise PermissionDenied
    form = EscalateForm(request.POST or None)
    if save_form(
        request,
        form,
        services.file_escalate,
        _("Sent to the social workers. You will be told their answer."),
        file=file,
    ):
        return redirect("registry:file-detail", pk=file.pk)
    return render(
        request, "registry/form_page.html", {"form": form, "file": file, "title": _("Ask the social workers for help")}
    )


@login_required
@require_POST
def claim_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    file = get_file_for_user(request.user, pk, for_change=True)
    flash_form(request, ClaimForm(request.POST), services.claim_set, _("The entitlement was saved."), file=file)
    return redirect(reverse("registry:file-detail", args=[file.pk]) + "#entitlements")


@login_required
@require_POST
def identification_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    file = get_file_for_user(request.user, pk, for_change=True)
    with flash_outcome(request):
        services.identification_start(actor=request.user, file=file)
    return redirect(reverse("registry:file-detail", args=[file.pk]) + "#identification")


def _identification_for(request: HttpRequest, pk: int, ident_id: int) -> Identification:
    file = get_file_for_user(request.user, pk, for_change=True)
    ident = file.identifications.filter(pk=ident_id).first()
    if ident is None:
        raise Http404
    return ident


@login_required
@require_http_methods(["GET", "POST"])
def identification_edit(request: AuthenticatedHttpRequest, pk: int, ident_id: int) -> HttpResponse:
    ident = _identification_for(request, pk, ident_id)
    form = IdentificationForm(
        request.POST or None,
        initial={"status": ident.status, "blocked_at": ident.blocked_at, "blocked_reason": ident.blocked_reason},
    )
    evidence_form = EvidenceForm(request.POST if "kind" in request.POST else None)
    if request.method == "POST":
        try:
            if "kind" in request.POST and evidence_form.is_valid():
                services.evidence_set(actor=request.user, identification=ident, **evidence_form.cleaned_data)
                return redirect("registry:identification", pk=pk, ident_id=ident.pk)
            if "kind" not in request.POST and form.is_valid():
                services.identification_update(actor=request.user, identification=ident, **form.cleaned_data)
                messages.success(request, _("The identification was saved."))
                return redirect(reverse("registry:file-detail", args=[pk]) + "#identification")
        except ValidationError as exc:
            add_validation_errors(evidence_form if "kind" in request.POST else form, exc)
    return render(
        request,
        "registry/identification.html",
        {"ident": ident, "file": ident.file, "form": form, "evidence_form": evidence_form},
    )


# --- Supervisor ------------------------------------------------------------------------------------


def _town_for(request: HttpRequest) -> Location:
    user = request.user
    if sees_all_files(user):
        town_id = request.GET.get("town", "")
        town = Location.objects.filter(kind="town", pk=town_id).first() if town_id.isdigit() else None
        town = town or Location.objects.filter(kind="town").order_by("name").first()
        if town is None:
            raise Http404
        return town
    towns = supervisor_town_ids(user)
    if not towns:
        raise PermissionDenied
    return Location.objects.get(pk=sorted(towns)[0])


@login_required
@require_GET
def town_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    town = _town_for(request)
    rows = town_completeness(request.user, town)
    waiting = updates_visible_to(request.user).filter(status=UpdateStatus.SUBMITTED, file__location__parent=town)
    return render(
        request,
        "registry/town.html",
        {
            "town": town,
            "rows": rows,
            "waiting": waiting.count(),
            "totals": {
                "due": sum(r.due for r in rows),
                "updated": sum(r.updated for r in rows),
                "overdue": sum(r.overdue for r in rows),
            },
            "towns": Location.objects.filter(kind="town").order_by("name") if sees_all_files(request.user) else [],
            "quarter": quarter_bounds(timezone.localdate()),
        },
    )


@login_required
@require_GET
def review_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not (sees_all_files(user) or user.has_role(Role.CHILDREN_SUPERVISOR)):
        raise PermissionDenied
    updates = list(updates_visible_to(user).filter(status=UpdateStatus.SUBMITTED).order_by("date", "pk"))
    if updates:
        audit_log(
            action=AuditAction.VIEW,
            object_type="registerupdate",
            request=request,
            detail={"ids": [u.pk for u in updates]},
        )
    return render(request, "registry/review.html", {"updates": updates})


@login_required
@require_POST
def review_decide(request: AuthenticatedHttpRequest, update_id: int) -> HttpResponse:
    update = get_update_for_user(request.user, update_id, for_review=True)
    note = request.POST.get("note", "")
    with flash_outcome(request):
        if request.POST.get("decision") == "approve":
            services.update_approve(actor=request.user, update=update, note=note)
            messages.success(request, _("Approved: %(name)s.") % {"name": update.file.name})
        elif request.POST.get("decision") == "return":
            services.update_return(actor=request.user, update=update, note=note)
            messages.success(request, _("Returned to the director: %(name)s.") % {"name": update.file.name})
        else:
            messages.error(request, _("Choose approve or return."))
    return redirect("registry:review")


# --- Report and exports ----------------------------------------------------------------------------


@login_required
@require_GET
def report_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_see_register_report(request.user):
        raise PermissionDenied
    root = report_root_for(request.user, request.GET.get("location"))
    for_funder = request.user.has_role(Role.FUNDER)
    report = register_report(
        root=root, files=files_counted_for(request.user), organisation_ids=register_organisation_ids(request.user)
    )
    if for_funder:  # counts of children under 3 are not shown to funders
        report = suppression.report_for_funder(report)
    audit_log(
        action=AuditAction.VIEW, object_type="register-report", object_id=root.pk if root else "", request=request
    )
    area_files = files_in_area(files_counted_for(request.user), root)
    labels = [
        _("Area"),
        _("Towns"),
        _("Villages and communities"),
        _("Supervisors"),
        _("Directors"),
        _("Villages without a director"),
        _("Children on the register"),
        _("Children per director"),
        _("Updates overdue"),
    ]
    keys = ["towns", "villages", "supervisors", "directors", "villages_without_director", "children",
            "children_per_director", "updates_overdue"]  # fmt: skip
    if request.GET.get("format") == "xlsx":
        audit_log(action=AuditAction.EXPORT, object_type="register-report", request=request)
        rows = [[a["name"], *[suppression.shown(a[k]) for k in keys]] for a in report["areas"]]
        rows.append([_("Total"), *[suppression.shown(report["total"][k]) for k in keys]])
        return export_response(rows=rows, header=labels, filename="register-report", fmt="xlsx")
    counts = breakdown(area_files)
    return render(
        request,
        "registry/report.html",
        {
            "report": report,
            "keys": keys,
            "labels": labels,
            "root": root,
            "type_rows": _for(
                for_funder, [(label, counts["by_child_type"].get(code, 0)) for code, label in ChildType.choices]
            ),
            "category_rows": _for(
                for_funder, [(label, counts["by_category"].get(code, 0)) for code, label in Category.choices]
            ),
            "entitlements": suppression.entitlements_for_funder(entitlement_figures(area_files))
            if for_funder
            else entitlement_figures(area_files),
        },
    )


def _for(for_funder: bool, rows: list[tuple[Any, int]]) -> list[tuple[Any, Any]]:
    return suppression.counts_for_funder(rows) if for_funder else list(rows)


@login_required
@require_GET
def civil_affairs_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One row per file, the fields the civil affairs department keeps (managers only)."""
    if not sees_all_files(request.user):
        raise PermissionDenied
    files = list(
        files_visible_to(request.user)
        .prefetch_related("claims")
        .order_by("location__parent__name", "location__name", "name")
    )
    audit_log(
        action=AuditAction.EXPORT,
        object_type="childfile",
        request=request,
        detail={"count": len(files), "civil_affairs": True},
    )
    labels = dict(EntitlementCode.choices)
    header = [_("Name"), _("Sex"), _("Birth date"), _("Town"), _("Village / community"), _("Child type"),
              _("Category"), _("Left-behind"), _("Guardians"), _("Eligible entitlements"), _("Granted"),
              _("Children director"), _("Status"), _("Why the file left"), _("Registered on"), _("Last update"),
              _("Next update due")]  # fmt: skip
    rows = [
        [
            f.name,
            f.get_sex_display(),
            f.birth_date,
            f.location.parent.name if f.location.parent else "",
            f.location.name,
            f.get_child_type_display(),
            f.get_category_display(),
            _("yes") if f.left_behind else _("no"),
            f.guardian_situation,
            "、".join(str(labels.get(c, c)) for c in f.entitlements),
            "、".join(str(labels.get(c.code, c.code)) for c in f.claims.all() if c.status == ClaimStatus.GRANTED),
            str(f.director or ""),
            f.get_status_display(),
            f.get_leave_reason_display(),
            f.registered_on,
            f.last_update_on,
            f.next_update_due,
        ]
        for f in files
    ]
    return export_response(rows=rows, header=header, filename="register-civil-affairs", fmt="xlsx")


# --- Category rules --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rules_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_manage_rules(request.user):
        raise PermissionDenied
    rule = None
    edit = request.GET.get("edit", "")
    if edit:
        rule = CategoryRule.objects.filter(pk=edit).first() if edit.isdigit() else None
        if rule is None:
            raise Http404
    form = CategoryRuleForm(request.POST or None, instance=rule)
    if save_form(
        request, form, services.rule_save, _("The rule was saved; the files on the register follow it."), rule=rule
    ):
        return redirect("registry:rules")
    return render(request, "registry/rules.html", {"rules": CategoryRule.objects.all(), "form": form, "rule": rule})


# --- Hotline ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def hotline_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_take_calls(request.user):
        raise PermissionDenied
    form = HotlineCallForm(request.POST or None)
    if saved := save_form(request, form, services.call_take):
        return redirect("registry:call", pk=saved.result.pk)
    calls = HotlineCall.objects.select_related("location", "referral", "taken_by")[:100]
    return render(request, "registry/hotline.html", {"form": form, "calls": calls})


@login_required
@require_http_methods(["GET", "POST"])
def call_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not may_take_calls(request.user):
        raise PermissionDenied
    call = HotlineCall.objects.select_related("location", "referral", "file").filter(pk=pk).first()
    if call is None:
        raise Http404
    audit_log(action=AuditAction.VIEW, obj=call, request=request)
    close_form = CallCloseForm(request.POST if request.POST.get("do") == "close" else None)
    if request.method == "POST":
        try:
            do = request.POST.get("do")
            if do == "close" and close_form.is_valid():
                services.call_close(actor=request.user, call=call, answer=close_form.cleaned_data["answer"])
                messages.success(request, _("The call was closed with the answer."))
                return redirect("registry:call", pk=call.pk)
            if do == "link":
                file = get_file_for_user(request.user, request.POST.get("file"))
                services.call_link_file(actor=request.user, call=call, file=file)
                return redirect("registry:call", pk=call.pk)
            if do == "refer":
                referral = services.call_refer(
                    actor=request.user, call=call, create_file_as=request.POST.get("create_file_as", "")
                )
                messages.success(
                    request, _("The call is in the triage queue as %(ref)s.") % {"ref": referral.reference}
                )
                return redirect("registry:call", pk=call.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied:
            messages.error(request, _("Only a manager may open a register file from a call."))
    duplicates = (
        file_duplicates(request.user, name=call.child_name, location=call.location, birth_date=None)
        if call.file is None
        else []
    )
    return render(
        request,
        "registry/call.html",
        {
            "call": call,
            "close_form": close_form,
            "duplicates": [d for d in duplicates if d.kind == "file"],
            "may_create_file": may_register_in(request.user, call.location),
            "child_types": ChildType.choices,
        },
    )


# --- Installable web app ---------------------------------------------------------------------------


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    import json

    body = {
        "name": _("Shouhu register"),
        "short_name": _("Register"),
        "start_url": reverse("registry:home"),
        "scope": reverse("registry:home"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "lang": "zh-CN",
        "icons": [{"src": static("registry/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "registry/sw.js",
        {
            "home": reverse("registry:home"),
            "new": reverse("registry:file-new"),
            "static": [
                static("vendor/bootstrap.min.css"),
                static("css/shouhu.css"),
                static("registry/outbox.js"),
                static("vendor/bootstrap.bundle.min.js"),
                static("vendor/htmx.min.js"),
            ],
        },  # fmt: skip
        content_type="application/javascript",
    )
    response["Service-Worker-Allowed"] = reverse("registry:home")
    response["Cache-Control"] = "no-cache"
    return response


# --- Areas served (managers) ---------------------------------------------------------------------


def _area_people() -> list[Any]:
    from registry.models import ServiceArea

    people = list(
        User.objects.filter(role__in=list(services.AREA_KINDS), is_active=True)
        .select_related("location")
        .order_by("role", "full_name", "pk")
    )
    extra: dict[int, list[Any]] = {}
    for area in ServiceArea.objects.filter(user__in=people).select_related("location").order_by("location__name"):
        extra.setdefault(area.user_id, []).append(area)
    for person in people:
        person.extra_areas = extra.get(person.pk, [])  # type: ignore[attr-defined]  # for the template
        person.area_choices = services.AREA_KINDS[person.role]  # type: ignore[attr-defined]
    return people


@login_required
@require_GET
def areas_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who serves which places: a director's villages, a supervisor's towns; managers add and remove."""
    if not sees_all_files(request.user):
        raise PermissionDenied
    places = list(Location.objects.filter(kind__in=["village", "community", "town"]).order_by("kind", "name"))
    return render(
        request,
        "registry/areas.html",
        {
            "people": _area_people(),
            "villages": [p for p in places if p.kind in ("village", "community")],
            "towns": [p for p in places if p.kind == "town"],
        },
    )


@login_required
@require_POST
def area_add_view(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    if not sees_all_files(request.user):
        raise PermissionDenied
    person = get_object_or_404(User, pk=user_id, role__in=list(services.AREA_KINDS), is_active=True)
    raw = request.POST.get("location", "")
    location = Location.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    with flash_outcome(request, _("%(name)s now also serves %(place)s.") % {"name": person, "place": location}):
        if location is None:
            raise ValidationError(_("Choose a place."))
        services.area_add(actor=request.user, user=person, location=location)
    return redirect("registry:areas")


@login_required
@require_POST
def area_remove_view(request: AuthenticatedHttpRequest, area_id: int) -> HttpResponse:
    from registry.models import ServiceArea

    if not sees_all_files(request.user):
        raise PermissionDenied
    area = get_object_or_404(ServiceArea, pk=area_id)
    services.area_remove(actor=request.user, area=area)
    messages.success(request, _("Removed."))
    return redirect("registry:areas")
