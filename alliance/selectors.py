"""Alliance reads: the directory, directors without this month's meeting, and the figures for reports."""

from __future__ import annotations

import datetime as dt
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
    return minutes + sum(source(member=member, start=start, end=end) for source in VOLUNTEER_MINUTES_SOURCES)


def member_contribution(member: Member) -> dict[str, Any]:
    """What a member gave: fulfilled requests by kind with their value, and volunteer hours (database sums)."""
    from decimal import Decimal

    from django.db.models import Count, Sum

    from resources.models import PledgeRequest, PledgeRequestStatus

    fulfilled = PledgeRequest.objects.filter(pledge__member=member, status=PledgeRequestStatus.FULFILLED)
    by_kind = list(
        fulfilled.values("pledge__kind").annotate(n=Count("pk"), value=Sum("value")).order_by("pledge__kind")
    )
    minutes = volunteer_minutes(member=member)
    return {
        "given": fulfilled.select_related("pledge").order_by("-fulfilled_on")[:50],
        "by_kind": by_kind,
        "total_value": sum((row["value"] or Decimal("0") for row in by_kind), start=Decimal("0")),
        "times": sum(row["n"] for row in by_kind),
        "hours": round(minutes / 60, 1),
    }
