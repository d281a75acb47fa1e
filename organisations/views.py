"""The service directory (resource mapping): search by need and place, the town view of what exists
and what is missing, and adding a service or an agency."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_validation_errors, save_form
from core.http_types import AuthenticatedHttpRequest
from core.models import Location, LocationKind
from organisations import selectors, services
from organisations.forms import DirectorySearchForm, OrganisationForm, ServiceForm
from organisations.permissions import may_add_services, may_edit_services_of, organisations_editable_by


@login_required
@require_GET
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    results = selectors.services_visible_to(request.user).none()
    if form.is_valid():
        data = form.cleaned_data
        results = selectors.service_search(
            request.user, kind=data["kind"], location=data["place"], text=data["q"] or ""
        )
    elif not request.GET:
        results = selectors.service_search(request.user)
    return render(
        request,
        "organisations/directory.html",
        {
            "form": form,
            "services": results[:200],
            "towns": selectors.towns(),
            "may_add": may_add_services(request.user),
        },
    )


@login_required
@require_GET
def town(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(Location, pk=pk, kind=LocationKind.TOWN)
    coverage = selectors.town_coverage(request.user, place)
    return render(
        request,
        "organisations/town.html",
        {
            "town": place,
            "coverage": coverage,
            "missing": [row for row in coverage if row.missing],
            "towns": selectors.towns(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    if not may_add_services(request.user):
        raise PermissionDenied
    service = None
    if pk is not None:
        service = get_object_or_404(selectors.services_visible_to(request.user), pk=pk)
        if not may_edit_services_of(request.user, service.organisation):
            raise PermissionDenied
    form = ServiceForm(request.POST or None, instance=service, organisations=organisations_editable_by(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation, areas = data.pop("organisation"), list(data.pop("areas"))
        try:
            saved = services.service_save(
                actor=request.user, organisation=organisation, service=service, areas=areas, **data
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The service is on the directory."))
            return redirect(f"{reverse('organisations:directory')}?q={quote(saved.name)}")
    return render(request, "organisations/service_form.html", {"form": form, "service": service})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_add_services(request.user):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None)
    if save_form(
        request, form, services.organisation_create, _("The organisation is on the directory. Now add its services.")
    ):
        return redirect("organisations:service-add")
    return render(request, "organisations/organisation_form.html", {"form": form})
