"""Children on a roster who have no case: a registry that upper apps fill in.

``programmes`` knows children by their case. The monitoring register (``registry``, a layer above)
also has children — files of children in difficulty — many of whom have no case; ``programmes``
may not import it. So the register keeps those children's places on a programme and their
attendance itself (``registry.models.ProgrammePlace``) and registers a :class:`RosterSource`
here from its ``AppConfig.ready``. Programmes' pages and services call the sources through the
functions below and never learn what a file is: each row is a key, a name (or ``None`` when the
user may not see who the child is) and whether the child was present.

A source answers only with what its own access policy lets the user see, audits its own reads,
and tells the child's responsible person of absence streaks (``absence_check``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from programmes.models import Programme, ProgrammeSession


@dataclass
class OutsideRow:
    """A child on the roster known to another app (no case)."""

    key: str  # "<source prefix>:<id>": the checkbox value on the attendance page
    name: str | None  # None: the user may not see who this is
    present: bool = False
    link: str = ""  # the child's file, only where the user may open it
    source: str = ""  # what the child is ("register"), shown as a small label
    profile_link: str = ""  # the pupil profile, only where the user may see it


@dataclass(frozen=True)
class OutsideFigures:
    attendances: int
    children: int


class RosterSource(Protocol):
    prefix: str

    def rows(self, *, user: Any, programme: Programme, session: ProgrammeSession | None = None) -> list[OutsideRow]:
        """The children of this source on the programme's active roster, names only to those allowed."""
        ...

    def attendance_save(self, *, actor: Any, session: ProgrammeSession, ids: set[int]) -> int:
        """Set who of this source's children was present (ids after the prefix); raise ValidationError for
        an id not on the roster. Returns the number present."""
        ...

    def absence_check(self, *, programme: Programme) -> int:
        """Tell whoever is responsible for each of this source's children of a streak of missed sessions
        (``programmes.services.missed_in_a_row``), once per streak. Returns the reminders sent."""
        ...

    def roster_counts(self, programme_ids: Sequence[int]) -> dict[int, int]:
        """How many of this source's children are on each programme's roster now."""
        ...

    def present_counts(self, session_ids: Sequence[int]) -> dict[int, int]:
        """How many of this source's children were present at each session."""
        ...

    def figures(self, sessions: QuerySet[ProgrammeSession]) -> OutsideFigures:
        """Attendances at these sessions and distinct children reached (counts only)."""
        ...


ROSTER_SOURCES: list[RosterSource] = []


def register_source(source: RosterSource) -> None:
    if all(s.prefix != source.prefix for s in ROSTER_SOURCES):
        ROSTER_SOURCES.append(source)


def outside_rows(user: Any, programme: Programme, session: ProgrammeSession | None = None) -> list[OutsideRow]:
    return [row for source in ROSTER_SOURCES for row in source.rows(user=user, programme=programme, session=session)]


def parse_keys(values: Iterable[str]) -> dict[str, set[int]]:
    """``["register:12", ...]`` → ``{"register": {12}}``; raise ValidationError for anything else."""
    prefixes = {s.prefix for s in ROSTER_SOURCES}
    out: dict[str, set[int]] = {p: set() for p in prefixes}
    for value in values:
        prefix, _sep, pk = str(value).partition(":")
        if prefix not in prefixes or not pk.isdigit():
            raise ValidationError({"attendees": _("Only children on the programme's roster can be marked present.")})
        out[prefix].add(int(pk))
    return out


def outside_attendance_save(*, actor: Any, session: ProgrammeSession, keys: Iterable[str]) -> int:
    """Save the present children of every source (call inside the attendance transaction)."""
    by_prefix = parse_keys(keys)
    return sum(
        source.attendance_save(actor=actor, session=session, ids=by_prefix[source.prefix]) for source in ROSTER_SOURCES
    )


def outside_absence_check(*, programme: Programme) -> int:
    return sum(source.absence_check(programme=programme) for source in ROSTER_SOURCES)


def _summed(parts: Iterable[dict[int, int]]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for part in parts:
        for pk, n in part.items():
            counts[pk] = counts.get(pk, 0) + n
    return counts


def outside_present_counts(session_ids: Sequence[int]) -> dict[int, int]:
    return _summed(source.present_counts(session_ids) for source in ROSTER_SOURCES)


def outside_roster_counts(programme_ids: Sequence[int]) -> dict[int, int]:
    return _summed(source.roster_counts(programme_ids) for source in ROSTER_SOURCES)


def outside_figures(sessions: QuerySet[ProgrammeSession]) -> OutsideFigures:
    parts = [source.figures(sessions) for source in ROSTER_SOURCES]
    return OutsideFigures(sum(p.attendances for p in parts), sum(p.children for p in parts))
