"""Pages of trainings (list and record), a professional's training record, and a case's reviews."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.permissions import check_works_on_cases, get_case_for_user
from core.audit import audit_read
from core.forms import add_validation_errors, save_form
from core.http_types import AuthenticatedHttpRequest
from workforce import services
from workforce.forms import CaseReviewForm, TrainingForm
from workforce.permissions import (
    check_may_review,
    get_professional_for_user,
    may_record_trainings,
    reviews_visible_to,
    trainings_visible_to,
)


@login_required
@require_http_methods(["GET", "POST"])
def training_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_works_on_cases(request.user)
    if request.method == "POST" and not may_record_trainings(request.user):
        raise PermissionDenied
    form = TrainingForm(request.POST or None) if may_record_trainings(request.user) else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.training_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The training is recorded."))
            return redirect("workforce:trainings")
    trainings = trainings_visible_to(request.user).prefetch_related("attendees")[:200]
    status = 400 if form is not None and form.errors else 200
    return render(request, "workforce/trainings.html", {"trainings": trainings, "form": form}, status=status)


@login_required
@require_GET
def training_record_of(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_professional_for_user(request.user, pk)
    trainings = person.trainings_attended.select_related("organisation").order_by("-date", "-pk")
    hours = trainings.aggregate(h=Sum("hours"))["h"] or 0
    return render(request, "workforce/record.html", {"person": person, "trainings": trainings, "hours": hours})


@login_required
@require_GET
def review_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_may_review(request.user)
    reviews = list(reviews_visible_to(request.user)[:200])
    audit_read(request, [r.case_id for r in reviews], "case", {"page": "case reviews"})
    return render(request, "workforce/reviews.html", {"reviews": reviews})


@login_required
@require_http_methods(["GET", "POST"])
def case_reviews(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action="approve")
    form = CaseReviewForm(request.POST or None)
    if save_form(request, form, services.case_review_record, _("The case review is recorded."), case=case):
        return redirect("workforce:case-reviews", pk=case.pk)
    reviews = list(reviews_visible_to(request.user).filter(case=case))
    audit_read(request, [case.pk], "case", {"page": "case reviews"})
    return render(
        request,
        "workforce/case_reviews.html",
        {"case": case, "reviews": reviews, "form": form},
        status=400 if form.errors else 200,
    )
