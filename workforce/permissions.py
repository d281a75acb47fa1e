"""Who sees trainings and case reviews.

- Trainings: the staff (admin, manager, social worker) of the organisation that held one, and of any
  organisation whose staff took part; admins all. Managers (and admins) record them.
- A professional's training record: their own, and their organisation's managers'.
- Case reviews: the managers of the case's organisation (they see the case under the cases policy)
  and admins; a manager records one on any case of their organisation. Anyone else: 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role, User
from accounts.roles import MANAGERS
from cases.permissions import case_scope, sees_all_cases, works_on_cases
from core.permissions import one_or_404
from workforce.models import CaseReview, Training

ROLE_PERMISSIONS: dict[str, list[str]] = {}


def may_record_trainings(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_role(*MANAGERS))


def trainings_visible_to(user: Any) -> QuerySet[Training]:
    if not works_on_cases(user) or not user.is_active:
        return Training.objects.none()
    trainings = Training.objects.select_related("organisation").order_by("-date", "-pk")
    if user.has_role(Role.ADMIN):
        return trainings
    attended = Training.attendees.through.objects.filter(user__organisation_id=user.organisation_id).values(
        "training_id"
    )
    return trainings.filter(Q(organisation_id=user.organisation_id) | Q(pk__in=attended))


def get_training_for_user(user: Any, pk: Any) -> Training:
    return one_or_404(trainings_visible_to(user), pk=pk)


def get_professional_for_user(user: Any, pk: Any) -> User:
    """Whose training record the user may read: their own; a manager their organisation's staff."""
    if works_on_cases(user) and str(pk) == str(user.pk):
        return user  # type: ignore[no-any-return]
    if not may_record_trainings(user):
        raise Http404
    people = (
        User.objects.filter(pk=pk)
        if user.has_role(Role.ADMIN)
        else User.objects.filter(pk=pk, organisation_id=user.organisation_id)
    )
    return one_or_404(people)


def reviews_visible_to(user: Any) -> QuerySet[CaseReview]:
    if not sees_all_cases(user):
        return CaseReview.objects.none()
    return (
        CaseReview.objects.filter(case__in=case_scope(user).values("pk"))
        .select_related("case", "supervisor")
        .order_by("-date", "-pk")
    )


def check_may_review(user: Any) -> None:
    """403 for those who see a case but do not review its quality (social workers)."""
    if not sees_all_cases(user):
        raise PermissionDenied
