"""Group services on a case's timeline: each session the child took part in."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from cases.selectors import TimelineEntry, timeline_source
from programmes.models import ProgrammeSession


@timeline_source
def session_entries(user: User, case: Case) -> Iterator[TimelineEntry]:
    for session in ProgrammeSession.objects.filter(attendees=case).select_related("programme"):
        yield TimelineEntry(
            session.date, "programme", _("Took part in %(p)s") % {"p": session.programme.title}, session.topic
        )
