"""Workforce figures for the funder report and the coordinating office: trainings by profession,
participants, hours, and the case reviews done, inside the caller's figure scope."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from core.figure_scope import EVERYTHING, FigureScope
from workforce.models import CaseReview, Profession, Training


def workforce_figures(start: dt.date, end: dt.date, *, scope: FigureScope = EVERYTHING) -> dict[str, Any]:
    """Trainings held by an organisation in scope, and reviews of the cases in scope, in the period."""
    trainings = Training.objects.filter(date__gte=start, date__lte=end).filter(scope.organisations())
    totals = trainings.aggregate(n=Count("pk"), hours=Sum("hours"), others=Sum("other_participants"))
    by_profession = dict(
        trainings.values_list("profession")
        .annotate(n=Count("pk"))
        .order_by("profession")
        .values_list("profession", "n")
    )
    participants = (
        Training.attendees.through.objects.filter(training__in=trainings.values("pk"))
        .values("user_id")
        .distinct()
        .count()
    )
    reviews = CaseReview.objects.filter(date__gte=start, date__lte=end).filter(scope.cases("case__"))
    counted = reviews.aggregate(
        n=Count("pk"), cases=Count("case", distinct=True), follow=Count("pk", filter=Q(follow_up_on__isnull=False))
    )
    hours = Decimal(totals["hours"] or 0).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return {
        "trainings": totals["n"],
        "trainings_by_profession": {code: by_profession[code] for code in Profession.values if code in by_profession},
        "training_hours": float(hours),
        "participants": participants + (totals["others"] or 0),
        "case_reviews": counted["n"],
        "cases_reviewed": counted["cases"],
        "case_reviews_with_follow_up": counted["follow"],
    }
