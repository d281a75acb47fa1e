"""Alliance reads: the directory, directors without this month's meeting, and the figures for reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from alliance.models import Event, EventKind, Member, Sector
from alliance.permissions import members_visible_to


def member_directory(
    user: Any, *, q: str = "", sector: str = "", location: str = "", role: str = ""
) -> QuerySet[Member]:
    members = members_visible_to(user).filter(is_active=True)
    if q.strip():
        members = members.filter(Q(name__icontains=q.strip()[:50]) | Q(phone__icontains=q.strip()[:20]))
    if sector in Sector.values:
        members = members.filter(sector=sector)
    if location.isdigit():
        members = members.filter(Q(location_id=location) | Q(location__parent_id=location))
    if role in ("referrer", "pledger", "volunteer"):
        members = members.filter(**{f"is_{role}": True})
    return members.order_by("name", "pk")


def directors_without_meeting(user: Any, *, today: dt.date) -> QuerySet[Member]:
    """Active WF directors with no director meeting this calendar month."""
    month_start = today.replace(day=1)
    met = Event.objects.filter(
        kind=EventKind.DIRECTOR_MEETING, date__gte=month_start, date__lte=today, members=OuterRef("pk")
    )
    return (
        members_visible_to(user).filter(sector=Sector.WF_DIRECTOR, is_active=True).exclude(Exists(met)).order_by("name")
    )


ContributionSource = Callable[[Member], dict[str, Any]]
CONTRIBUTION_SOURCES: list[ContributionSource] = []


def contribution_source(source: ContributionSource) -> ContributionSource:
    """Register ``source(member) -> figures``: an app above alliance (Promise First) adds what a member
    gave to their page and certificate, from its own ``contributions.py`` (imported by AllianceConfig.ready)."""
    CONTRIBUTION_SOURCES.append(source)
    return source


# Other apps whose work counts as volunteering (the tutors of group sessions) register a function
# (member=None, start=None, end=None) -> minutes here at AppConfig.ready().
VOLUNTEER_MINUTES_SOURCES: list[Any] = []


def volunteer_minutes(*, member: Member | None = None, start: Any = None, end: Any = None) -> int:
    """Volunteer time in minutes: visit logs plus every registered source (one sum each)."""
    from django.db.models import Sum

    from alliance.models import VolunteerLog

    logs = VolunteerLog.objects.all()
    if member is not None:
        logs = logs.filter(member=member)
    if start is not None:
        logs = logs.filter(date__gte=start)
    if end is not None:
        logs = logs.filter(date__lte=end)
    minutes = logs.aggregate(m=Sum("minutes"))["m"] or 0
    return int(minutes) + int(sum(source(member=member, start=start, end=end) for source in VOLUNTEER_MINUTES_SOURCES))


def member_contribution(member: Member) -> dict[str, Any]:
    """What a member gave: volunteer hours (database sum) and what each registered source adds."""

    figures: dict[str, Any] = {"hours": round(volunteer_minutes(member=member) / 60, 1)}
    for source in CONTRIBUTION_SOURCES:
        figures.update(source(member))
    return figures
