"""Reads of group services. Every roster starts from programmes.permissions (names only to those allowed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet

from accounts.roles import is_project_staff
from cases.models import Case
from programmes import roster as outside
from programmes.models import Enrolment, Programme, ProgrammeSession
from programmes.permissions import is_facilitator, programmes_visible_to, roster_ids_visible_to


def programme_list(user: Any) -> QuerySet[Programme]:
    return (
        programmes_visible_to(user)
        .annotate(
            session_count=Count("sessions", distinct=True),
            enrolled_count=Count("enrolments", filter=Q(enrolments__left_on__isnull=True), distinct=True),
        )
        .order_by("-starts_on", "-pk")
    )


def with_roster_counts(programmes: QuerySet[Programme]) -> list[Programme]:
    """``programme_list`` rows whose ``enrolled_count`` counts the children without a case too."""
    rows = list(programmes)
    others = outside.outside_roster_counts([p.pk for p in rows])
    for programme in rows:
        programme.enrolled_count += others.get(programme.pk, 0)  # type: ignore[attr-defined]
    return rows


@dataclass
class RosterRow:
    enrolment: Enrolment
    case: Case | None  # None: the user may not see who this is
    present: bool = False
    profile_visible: bool = False  # the pupil profile: facilitators and the lead worker only


def roster(user: Any, programme: Programme, *, session: ProgrammeSession | None = None) -> list[RosterRow]:
    """The children on the programme's roster (active enrolments), names only where the user may see them."""
    enrolments = list(
        programme.enrolments.filter(left_on__isnull=True)
        .select_related("case", "case__child")
        .order_by("case__child__name", "pk")
    )
    visible = roster_ids_visible_to(user, programme, [e.case_id for e in enrolments])
    present = set(session.attendees.values_list("pk", flat=True)) if session is not None else set()
    facilitating = is_project_staff(user) and is_facilitator(user, programme)
    return [
        RosterRow(
            e,
            e.case if e.case_id in visible else None,
            e.case_id in present,
            facilitating or (is_project_staff(user) and e.case.lead_worker_id == user.pk),
        )
        for e in enrolments
    ]


def sessions_of(programme: Programme) -> QuerySet[ProgrammeSession]:
    return programme.sessions.annotate(present_count=Count("attendees", distinct=True)).order_by("-date", "-pk")


def session_list(programme: Programme, *, limit: int = 100) -> list[ProgrammeSession]:
    """The programme page's sessions: ``present_count`` counts every child present, with or without a case."""
    sessions = list(sessions_of(programme)[:limit])
    others = outside.outside_present_counts([s.pk for s in sessions])
    for session in sessions:
        session.present_count += others.get(session.pk, 0)  # type: ignore[attr-defined]
    return sessions


def attendance_for_case(case: Case) -> list[dict[str, Any]]:
    """For the case page: each programme the child is on, sessions attended out of those held since joining
    (two queries, however many programmes)."""
    sessions = "programme__sessions__"
    held = Q(**{f"{sessions}attendance_taken": True, f"{sessions}date__gte": F("joined_on")}) & (
        Q(left_on__isnull=True) | Q(**{f"{sessions}date__lte": F("left_on")})
    )
    enrolments = list(
        Enrolment.objects.filter(case=case)
        .select_related("programme")
        .annotate(held=Count("programme__sessions", filter=held, distinct=True))
        .order_by("-joined_on", "pk")
    )
    attended: dict[int, list[ProgrammeSession]] = {e.programme_id: [] for e in enrolments}
    for session in (
        ProgrammeSession.objects.filter(attendees=case, programme_id__in=list(attended))
        .order_by("-date", "-pk")
        .only("pk", "date", "topic", "programme_id")
    ):
        attended[session.programme_id].append(session)
    return [
        {"enrolment": e, "programme": e.programme, "held": e.held, "attended": attended[e.programme_id]}
        for e in enrolments
    ]


def sessions_attended_by(case: Case) -> QuerySet[ProgrammeSession]:
    return (
        ProgrammeSession.objects.filter(attendees=case)
        .select_related("programme")
        .prefetch_related(Prefetch("attendees", queryset=Case.objects.only("pk")))
        .order_by("-date", "-pk")
    )


def tutor_minutes(*, member: Any = None, start: Any = None, end: Any = None, sessions: Any = None) -> int:
    """Volunteer tutors' time at sessions (of ``sessions`` if given): each tutor present is credited
    the session's length (one sum)."""
    from django.db.models import Sum

    through = ProgrammeSession.tutors.through.objects.all()
    if sessions is not None:
        through = through.filter(programmesession__in=sessions.values("pk"))
    if member is not None:
        through = through.filter(member=member)
    if start is not None:
        through = through.filter(programmesession__date__gte=start)
    if end is not None:
        through = through.filter(programmesession__date__lte=end)
    return through.aggregate(m=Sum("programmesession__duration_minutes"))["m"] or 0
