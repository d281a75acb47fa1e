"""Access beyond the team: ask for a case with a reason, or open it at once in an emergency; a
manager answers requests. Nothing here tells whether a case number exists, except to whoever is
let in."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import may_lead_cases
from cases.models import AccessGrant, AccessStatus
from cases.permissions import sees_all_cases, sees_every_organisation
from cases.services import access as access_services
from core.audit import audit_read
from core.flash import flash_outcome
from core.forms import add_validation_errors
from core.http_types import AuthenticatedHttpRequest


class AccessForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Case number"), max_length=20)
    reason = forms.CharField(
        label=gettext_lazy("Why you need it"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    emergency = forms.BooleanField(
        label=gettext_lazy("Emergency: open it now (the managers are told at once; it ends after 24 hours)"),
        required=False,
    )


class DecideForm(forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("Days"), min_value=1, max_value=access_services.MAX_GRANT_DAYS, required=False
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


def _pending_for(user: object) -> list[AccessGrant]:
    if not sees_all_cases(user):
        return []
    pending = AccessGrant.objects.filter(status=AccessStatus.REQUESTED).select_related("case", "user")
    if not sees_every_organisation(user):
        pending = pending.filter(case__organisation_id=user.organisation_id)  # type: ignore[attr-defined]
    return list(pending.order_by("created_at")[:100])


@login_required
@require_http_methods(["GET", "POST"])
def access_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not (may_lead_cases(user) or sees_all_cases(user)):
        raise PermissionDenied
    form = AccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["emergency"]:
                case = access_services.break_glass(actor=user, number=data["number"], reason=data["reason"])
                messages.warning(request, _("Emergency access opened for 24 hours. The managers have been told."))
                return redirect("cases:detail", pk=case.pk)
            access_services.access_request(actor=user, number=data["number"], reason=data["reason"])
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(
                request, _("Sent. If this case exists in your organisation, a manager will answer your request.")
            )
            return redirect("cases:access")
    mine = list(AccessGrant.objects.filter(user=user).select_related("case")[:50])
    pending = _pending_for(user)
    # the numbers shown name cases: the page's reads are audited like any list of cases
    audit_read(request, [g.case_id for g in mine + pending], "case", {"page": "access"})
    return render(
        request,
        "cases/access.html",
        {"form": form, "mine": mine, "pending": pending, "decide_form": DecideForm()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def access_decide(request: AuthenticatedHttpRequest, grant_id: int) -> HttpResponse:
    grant = next((g for g in _pending_for(request.user) if g.pk == grant_id), None)
    if grant is None:
        raise Http404
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("cases:access")
    days = form.cleaned_data.get("days") if request.POST.get("decision") == "grant" else None
    if request.POST.get("decision") == "grant" and not days:
        messages.error(request, _("Grant access for 1 to %(n)s days.") % {"n": access_services.MAX_GRANT_DAYS})
        return redirect("cases:access")
    with flash_outcome(request, _("Answered.")):
        access_services.access_decide(actor=request.user, grant=grant, grant_days=days, note=form.cleaned_data["note"])
    return redirect("cases:access")
