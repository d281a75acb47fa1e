"""Register children without a case on group programmes (the 4:30 classroom, a children's group, …).

Programmes knows children by their case and may not import the register, so the register keeps these
children's places and attendance (``ProgrammePlace``) and shows them to programmes' pages through
``programmes.roster`` (the source below, registered in ``RegistryConfig.ready``).

Who sees what:

- Putting a child on a programme: who may change the file (the village's children director, managers,
  admins), for a programme of their organisation (admins: any) that has not ended. A child with a case
  is put on by case instead (the programme page), so that their case worker hears of absences.
- The child's name on the roster and the attendance page: who may see the file (``files_visible_to``)
  and the programme's facilitators — putting the child on shares the name with those running the group,
  as enrolling a case does. Everyone else reads "a child (hidden)"; each roster read naming register
  children is audited. The link to the file only for who may open it: facilitators never see the file.
- Three sessions missed in a row: a reminder to the file's director (no director: the programme's
  facilitators, with a link to the programme — they may not open the file).
- The file page lists the programmes and the sessions attended (who may see the file).
- The file gets a case (an accepted escalation, ``places_to_case``): each of its places becomes the case's
  enrolment from that day (a case already on the programme keeps its own), so the child is never twice on
  a roster; the place ends, its sessions stay on the file page, and that day's attendance and the pupil
  profile go with the child.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from accounts.roles import is_project_staff
from core.audit import audit_log
from core.models import AuditAction
from core.services import model_update
from notifications.services import notify
from programmes.models import Programme, ProgrammeSession
from programmes.permissions import is_facilitator
from programmes.roster import OutsideFigures, OutsideRow, register_source
from programmes.services import attendance_taken_sessions, enrolment_add, missed_in_a_row, pupil_profile_save
from registry.models import ChildFile, FileStatus, ProgrammePlace
from registry.permissions import files_visible_to, may_change_file

PREFIX = "register"
Attended = ProgrammePlace.sessions_attended.through


def programmes_open_to(user: Any) -> QuerySet[Programme]:
    """The programmes a user who may change a file may put the child on: their organisation's, not ended."""
    today = timezone.localdate()
    programmes = Programme.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today)).order_by("title", "pk")
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return programmes.none()
    if user.has_role(Role.ADMIN):
        return programmes
    return programmes.filter(organisation_id=user.organisation_id)


@transaction.atomic
def place_add(
    *, actor: User, file: ChildFile, programme: Programme, joined_on: dt.date | None = None
) -> ProgrammePlace:
    """Put a register child on a programme's roster (again, if they had left it)."""
    if not may_change_file(actor, file):
        raise ValidationError(_("Only the file's children director or a manager may put the child on a programme."))
    if file.status != FileStatus.MONITORED:
        raise ValidationError(_("The file has left the register."))
    if file.case_id is not None:
        raise ValidationError(_("The child has a case: put the case on the programme's roster instead."))
    if not programmes_open_to(actor).filter(pk=programme.pk).exists():
        raise ValidationError({"programme": _("Choose a programme of your organisation that has not ended.")})
    place, created = ProgrammePlace.objects.get_or_create(
        programme=programme,
        file=file,
        defaults={"joined_on": joined_on or timezone.localdate(), "enrolled_by": actor},
    )
    if not created and place.left_on is not None:
        place.left_on = None
        place.joined_on = joined_on or timezone.localdate()
        place.save(update_fields=["left_on", "joined_on", "updated_at"])
    audit_log(action=AuditAction.CREATE, user=actor, obj=place, detail={"file": file.pk, "programme": programme.pk})
    return place


@transaction.atomic
def place_end(*, actor: User, place: ProgrammePlace, left_on: dt.date | None = None) -> ProgrammePlace:
    if not may_change_file(actor, place.file):
        raise ValidationError(_("Only the file's children director or a manager may take the child off."))
    left_on = left_on or timezone.localdate()
    if left_on < place.joined_on:
        raise ValidationError({"left_on": _("The child cannot leave before joining.")})
    place.left_on = left_on
    place.save(update_fields=["left_on", "updated_at"])
    audit_log(action=AuditAction.UPDATE, user=actor, obj=place, detail={"left": str(left_on)})
    return place


@transaction.atomic
def places_to_case(*, actor: User, file: ChildFile) -> int:
    """The file now has a case: move each of the child's current places to an enrolment of the case (or, if
    the case is already on that programme, end the place only), so the child is on each roster once.

    The enrolment starts on the day of the move, so that sessions before it, whose case attendance did not
    include the child, count as no absences; the place's sessions on that day are copied to the case's
    attendance, and its pupil profile to the case's (where the case has none on that programme). Returns the
    number of places ended."""
    case = file.case
    if case is None:
        return 0
    today = timezone.localdate()
    moved = 0
    places = (
        ProgrammePlace.objects.select_for_update().filter(file=file, left_on__isnull=True).select_related("programme")
    )
    for place in places.order_by("pk"):
        programme = place.programme
        moved_on = max(today, place.joined_on)
        if not programme.enrolments.filter(case=case, left_on__isnull=True).exists():
            try:
                enrolment_add(actor=actor, programme=programme, case=case, joined_on=moved_on)
            except ValidationError:
                continue  # a closed case goes on no roster: the child stays on it by the register
        for session in place.sessions_attended.filter(date__gte=moved_on):
            session.attendees.add(case)
        profile = {name: getattr(place, name) for name in ("school", "grade", "subjects_needing_support")}
        if any(profile.values()) and not programme.pupil_profiles.filter(case=case).exists():
            pupil_profile_save(actor=actor, programme=programme, case=case, **profile)  # the case's own kept
        place.left_on = moved_on
        place.save(update_fields=["left_on", "updated_at"])
        audit_log(action=AuditAction.UPDATE, user=actor, obj=place, detail={"left": str(moved_on), "to_case": case.pk})
        moved += 1
    return moved


def may_see_place_profile(user: Any, place: ProgrammePlace) -> bool:
    """A register pupil's profile: the programme's facilitators (staff) and the file's director only."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    if place.file.director_id is not None and place.file.director_id == user.pk:
        return True
    return is_project_staff(user) and is_facilitator(user, place.programme)


def get_place_profile_for_user(user: Any, place_id: Any) -> ProgrammePlace:
    """The place whose profile the user may see (on the roster now), else 404."""
    place = ProgrammePlace.objects.filter(pk=place_id, left_on__isnull=True).select_related("file", "programme").first()
    if place is None or not may_see_place_profile(user, place):
        raise Http404
    return place


@transaction.atomic
def place_profile_save(
    *, actor: User, place: ProgrammePlace, school: str = "", grade: str = "", subjects_needing_support: str = ""
) -> ProgrammePlace:
    """Set a register pupil's school, grade and subjects needing support (the caller checked the access)."""
    fields = {
        "school": school.strip()[:200],
        "grade": grade.strip()[:50],
        "subjects_needing_support": subjects_needing_support.strip()[:300],
    }
    return model_update(actor=actor, obj=place, fields=fields)


@dataclass
class PlaceRow:
    place: ProgrammePlace
    held: int  # sessions with the register children's attendance taken since the child joined (until they left)
    attended: list[ProgrammeSession]


def places_of_file(file: ChildFile) -> list[PlaceRow]:
    """For the file page (the caller has checked the file is visible): programmes and sessions attended."""
    rows = []
    places = ProgrammePlace.objects.filter(file=file).select_related("programme").order_by("-joined_on", "pk")
    for place in places.prefetch_related("sessions_attended"):
        held = place.programme.sessions.filter(others_attendance_taken=True, date__gte=place.joined_on)
        if place.left_on:
            held = held.filter(date__lte=place.left_on)
        attended = sorted(place.sessions_attended.all(), key=lambda s: (s.date, s.pk), reverse=True)
        rows.append(PlaceRow(place, held.count(), attended))
    return rows


def absence_streaks_check(*, programme: Programme) -> int:
    """Tell the director of each register child who missed three sessions in a row, once per streak (a
    child of a village without a director: the programme's facilitators)."""
    places = list(
        ProgrammePlace.objects.filter(programme=programme, left_on__isnull=True).select_related("file__director")
    )
    if not places:
        return 0
    sessions = attendance_taken_sessions(programme, of_others=True)
    present: dict[int, set[int]] = {s.pk: set() for s in sessions}
    for session_id, place_id in Attended.objects.filter(programmesession_id__in=present).values_list(
        "programmesession_id", "programmeplace_id"
    ):
        present[session_id].add(place_id)
    facilitators: list[User] | None = None
    sent = 0
    for place in places:
        missed = missed_in_a_row(sessions, present, place.pk, place.joined_on)
        if not missed:
            continue
        director = place.file.director
        if director is not None and director.is_active:
            recipients = [(director, reverse("registry:file-detail", args=[place.file_id]))]
        else:  # a village without a director: those running the group, who know the child by name
            if facilitators is None:
                facilitators = list(programme.facilitators.filter(is_active=True))
            link = reverse("programmes:detail", args=[programme.pk])
            recipients = [(user, link) for user in facilitators]
        for user, link in recipients:
            note = notify(
                user=user,
                kind="programme_absence",
                obj=place.file,
                object_type="registry",
                link=link,
                message=gettext_lazy("%(name)s missed %(k)s sessions of %(p)s in a row (since %(d)s)."),
                params={"name": place.file.name, "k": len(missed), "p": programme.title, "d": str(missed[0].date)},
                dedupe_key=f"programme-absence:register:{programme.pk}:{place.file_id}:{missed[0].pk}",
            )
            sent += note is not None
    return sent


class RegisterRoster:
    """The register's children on programmes' rosters (``programmes.roster.RosterSource``)."""

    prefix = PREFIX

    def rows(self, *, user: Any, programme: Programme, session: ProgrammeSession | None = None) -> list[OutsideRow]:
        places = list(
            ProgrammePlace.objects.filter(programme=programme, left_on__isnull=True)
            .select_related("file")
            .order_by("file__name", "pk")
        )
        if not places:
            return []
        may_open = set(files_visible_to(user).filter(pk__in=[p.file_id for p in places]).values_list("pk", flat=True))
        facilitating = is_project_staff(user) and is_facilitator(user, programme)
        present: set[int] = set()
        if session is not None:
            present = set(Attended.objects.filter(programmesession=session).values_list("programmeplace_id", flat=True))
        label = _("register")
        rows = [
            OutsideRow(
                key=f"{PREFIX}:{p.file_id}",
                name=p.file.name if (facilitating or p.file_id in may_open) else None,
                present=p.pk in present,
                link=reverse("registry:file-detail", args=[p.file_id]) if p.file_id in may_open else "",
                source=label,
                profile_link=reverse("registry:place-profile", args=[p.pk])
                if facilitating or (p.file.director_id is not None and p.file.director_id == user.pk)
                else "",
            )
            for p in places
        ]
        named = [p.file_id for p, row in zip(places, rows, strict=True) if row.name is not None]
        if named:
            audit_log(
                action=AuditAction.VIEW,
                user=user,
                object_type="registry",
                object_id=named[0] if len(named) == 1 else "",
                detail={"ids": named, "programme": programme.pk},
            )
        return rows

    def attendance_save(self, *, actor: Any, session: ProgrammeSession, ids: set[int]) -> int:
        places = dict(
            ProgrammePlace.objects.filter(programme_id=session.programme_id, left_on__isnull=True).values_list(
                "file_id", "pk"
            )
        )
        if ids - set(places):
            raise ValidationError({"attendees": _("Only children on the programme's roster can be marked present.")})
        Attended.objects.filter(programmesession=session, programmeplace_id__in=places.values()).delete()
        Attended.objects.bulk_create(
            [Attended(programmesession_id=session.pk, programmeplace_id=places[file_id]) for file_id in sorted(ids)]
        )
        return len(ids)

    def absence_check(self, *, programme: Programme) -> int:
        return absence_streaks_check(programme=programme)

    def roster_counts(self, programme_ids: Sequence[int]) -> dict[int, int]:
        rows = (
            ProgrammePlace.objects.filter(programme_id__in=list(programme_ids), left_on__isnull=True)
            .values("programme_id")
            .annotate(n=Count("pk"))
        )
        return {row["programme_id"]: row["n"] for row in rows}

    def present_counts(self, session_ids: Sequence[int]) -> dict[int, int]:
        rows = (
            Attended.objects.filter(programmesession_id__in=list(session_ids))
            .values("programmesession_id")
            .annotate(n=Count("pk"))
        )
        return {row["programmesession_id"]: row["n"] for row in rows}

    def figures(self, sessions: QuerySet[ProgrammeSession]) -> OutsideFigures:
        totals = Attended.objects.filter(programmesession__in=sessions).aggregate(
            attendances=Count("pk"), children=Count("programmeplace__file", distinct=True)
        )
        return OutsideFigures(totals["attendances"], totals["children"])


def register() -> None:
    register_source(RegisterRoster())
