"""The Alliance's reminder: a WF director not met this month, to their responsible social worker."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy

from alliance.models import Event, EventKind, Member, Sector
from notifications.models import Notification
from notifications.reminders import insert_rows, reminder_rule
from notifications.rendering import worded


@reminder_rule("directors_without_meeting")
def directors_without_meeting(*, today: dt.date) -> int:
    """In the last week of the month: WF directors with no meeting this month → their responsible worker."""
    last_day = calendar.monthrange(today.year, today.month)[1]
    if today.day <= last_day - 7:
        return 0
    month_start = today.replace(day=1)
    met = Event.objects.filter(
        kind=EventKind.DIRECTOR_MEETING, date__gte=month_start, date__lte=today, members=OuterRef("pk")
    )
    missing = (
        Member.objects.filter(sector=Sector.WF_DIRECTOR, is_active=True, responsible_worker__is_active=True)
        .exclude(Exists(met))
        .values_list("pk", "name", "responsible_worker_id")
    )
    rows = [
        Notification(
            user_id=worker,
            kind="director_meeting_due",
            link=reverse("alliance:events"),
            object_type="member",
            object_id=str(pk),
            **worded(gettext_lazy("No monthly meeting with %(m)s yet this month."), {"m": name}),
            dedupe_key=f"director-meeting:{pk}:{today:%Y-%m}",
        )
        for pk, name, worker in missing
    ]
    return insert_rows(rows)
