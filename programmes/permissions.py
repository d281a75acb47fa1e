"""Who may see and run which programme, and whose names they may see on its roster.

- Programmes are seen by the staff of the organisation that runs them: its managers and social
  workers, and admins — anyone else gets 404.
- Changing a programme or taking attendance: its facilitators, managers and admins (403 for the
  other staff, who may read).
- A child's identity on a roster (name, attendance, notes): those who may see the case under the
  cases access policy, and the facilitators of the programme the child is enrolled in — enrolling
  a child (by someone who may see the case) is what shares the name with the people running the
  group. Facilitators never see the case file itself.
- Pupil profiles and tutors' notes: the programme's facilitators and the child's lead social
  worker only.
- Children on the roster without a case (the register's, ``programmes.roster``): their source
  decides, under its own policy — for the register, who may see the file and the programme's
  facilitators (``registry/roster.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import Role
from accounts.roles import is_project_staff
from core.permissions import one_or_404
from programmes.models import Enrolment, Programme, ProgrammeSession

ROLE_PERMISSIONS = {
    Role.MANAGER: [
        "programmes.view_programme",
        "programmes.add_programme",
        "programmes.change_programme",
        "programmes.view_programmesession",
        "programmes.add_programmesession",
        "programmes.change_programmesession",
        "programmes.view_parentcall",
        "programmes.add_parentcall",
    ],
    Role.SOCIAL_WORKER: [
        "programmes.view_programme",
        "programmes.add_programme",
        "programmes.view_programmesession",
        "programmes.add_programmesession",
        "programmes.view_parentcall",
        "programmes.add_parentcall",
    ],
}


def runs_everything(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_role(Role.ADMIN, Role.MANAGER))


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    """The staff of the organisation that runs the programme (admins: every organisation's)."""
    if not is_project_staff(user):
        return Programme.objects.none()
    programmes = Programme.objects.select_related("location").prefetch_related("facilitators", "volunteers")
    if not user.has_role(Role.ADMIN):
        programmes = programmes.filter(organisation_id=user.organisation_id)
    return programmes


def is_facilitator(user: Any, programme: Programme) -> bool:
    return programme.facilitators.filter(pk=user.pk).exists()


def may_run_programme(user: Any, programme: Programme) -> bool:
    """Change the programme, enrol children, take attendance: its facilitators, and the managers of
    the organisation that runs it (admins: every organisation's)."""
    if runs_everything(user) and (user.has_role(Role.ADMIN) or programme.organisation_id == user.organisation_id):
        return True
    return is_project_staff(user) and is_facilitator(user, programme)


def get_programme_for_user(user: Any, pk: Any, *, for_change: bool = False) -> Programme:
    programme = one_or_404(programmes_visible_to(user), pk=pk)
    if for_change and not may_run_programme(user, programme):
        raise PermissionDenied
    return programme


def sessions_visible_to(user: Any) -> QuerySet[ProgrammeSession]:
    if not is_project_staff(user):
        return ProgrammeSession.objects.none()
    sessions = ProgrammeSession.objects.select_related("programme")
    if not user.has_role(Role.ADMIN):
        sessions = sessions.filter(programme__organisation_id=user.organisation_id)
    return sessions


def get_session_for_user(user: Any, pk: Any, *, for_change: bool = False) -> ProgrammeSession:
    session = one_or_404(sessions_visible_to(user), pk=pk)
    if for_change and not may_run_programme(user, session.programme):
        raise PermissionDenied
    return session


def roster_ids_visible_to(user: Any, programme: Programme, case_ids: Iterable[int]) -> set[int]:
    """Of these case ids (children on or at this programme), those the user may see by name."""
    from cases.permissions import cases_visible_to

    case_ids = set(case_ids)
    if not is_project_staff(user) or not case_ids:
        return set()
    if is_facilitator(user, programme):
        enrolled = set(programme.enrolments.filter(case_id__in=case_ids).values_list("case_id", flat=True))
    else:
        enrolled = set()
    rest = case_ids - enrolled
    if rest:
        enrolled |= set(cases_visible_to(user).filter(pk__in=rest).values_list("pk", flat=True))
    return enrolled


def enrolled_ids_visible_to(user: Any, programmes: Iterable[Programme]) -> dict[int, set[int]]:
    """For each programme, the children ever enrolled on it whose names the user may see (what
    ``roster_ids_visible_to`` says of its whole roster), for several programmes in three queries."""
    from cases.permissions import cases_visible_to

    ids = {programme.pk for programme in programmes}
    visible: dict[int, set[int]] = {pk: set() for pk in ids}
    if not is_project_staff(user) or not ids:
        return visible
    facilitating = set(
        Programme.facilitators.through.objects.filter(user_id=user.pk, programme_id__in=ids).values_list(
            "programme_id", flat=True
        )
    )
    rows = list(Enrolment.objects.filter(programme_id__in=ids).values_list("programme_id", "case_id"))
    rest = {case_id for programme_id, case_id in rows if programme_id not in facilitating}
    seen = set(cases_visible_to(user).filter(pk__in=rest).values_list("pk", flat=True)) if rest else set()
    for programme_id, case_id in rows:
        if programme_id in facilitating or case_id in seen:
            visible[programme_id].add(case_id)
    return visible


def may_see_child_on_roster(user: Any, programme: Programme, case_id: int) -> bool:
    from cases.permissions import cases_visible_to

    if cases_visible_to(user).filter(pk=case_id).exists():
        return True
    return (
        is_project_staff(user)
        and is_facilitator(user, programme)
        and programme.enrolments.filter(case_id=case_id).exists()
    )


def may_see_pupil_profile(user: Any, programme: Programme, case: Any) -> bool:
    """The programme's facilitators and the child's lead social worker only."""
    if not is_project_staff(user):
        return False
    if case.lead_worker_id is not None and case.lead_worker_id == user.pk:
        return True
    return is_facilitator(user, programme) and programme.enrolments.filter(case_id=case.pk).exists()
