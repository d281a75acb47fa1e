"""Group services writes: programmes, enrolment, sessions and attendance, absence streaks. All audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import PROJECT_STAFF
from alliance.models import Member
from cases.choices import CaseStatus
from cases.models import Case
from core.audit import audit_log
from core.models import AuditAction, Location
from core.services import model_create, model_update
from notifications.services import notify
from programmes import roster
from programmes.models import Enrolment, Programme, ProgrammeKind, ProgrammeSession, PupilProfile, TutorNote

ABSENCE_STREAK = 3  # "missed three sessions in a row"


def _check_people(*, organisation_id: Any, facilitators: Iterable[User], volunteers: Iterable[Member]) -> None:
    """Active staff and Alliance volunteers of the organisation that runs the programme (another NGO's
    staff and Alliance are not its to name)."""
    if any(not u.is_active or u.effective_role not in PROJECT_STAFF for u in facilitators):
        raise ValidationError({"facilitators": _("Facilitators must be active staff.")})
    if any(u.organisation_id != organisation_id for u in facilitators):
        raise ValidationError({"facilitators": _("Facilitators must be staff of the organisation that runs it.")})
    if any(not m.is_volunteer for m in volunteers):
        raise ValidationError({"volunteers": _("Every volunteer must be an Alliance volunteer.")})
    if any(m.organisation_id != organisation_id for m in volunteers):
        raise ValidationError(
            {"volunteers": _("Every volunteer must be of the Alliance of the organisation that runs it.")}
        )


@transaction.atomic
def programme_create(
    *,
    actor: User,
    kind: str,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    location: Location | None = None,
    venue: str = "",
    target_group: str = "",
    planned_sessions: int | None = None,
    facilitators: Iterable[User] = (),
    volunteers: Iterable[Member] = (),
) -> Programme:
    facilitators, volunteers = list(facilitators), list(volunteers)
    if kind not in ProgrammeKind.values:
        raise ValidationError({"kind": _("Choose the kind of programme.")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})
    _check_people(organisation_id=actor.organisation_id, facilitators=facilitators, volunteers=volunteers)
    programme = Programme(
        kind=kind,
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        location=location,
        venue=venue.strip(),
        target_group=target_group.strip(),
        planned_sessions=planned_sessions,
        created_by=actor,
    )
    programme.organisation_id = actor.organisation_id  # the organisation that runs it
    programme.full_clean(exclude=["organisation"])
    programme.save()
    programme.facilitators.set(facilitators or [actor])
    programme.volunteers.set(volunteers)
    audit_log(action=AuditAction.CREATE, user=actor, obj=programme)
    return programme


@transaction.atomic
def programme_update(
    *,
    actor: User,
    programme: Programme,
    facilitators: Iterable[User] | None = None,
    volunteers: Iterable[Member] | None = None,
    **fields: Any,
) -> Programme:
    starts_on = fields.get("starts_on", programme.starts_on)
    ends_on = fields.get("ends_on", programme.ends_on)
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})
    if facilitators is not None or volunteers is not None:
        _check_people(
            organisation_id=programme.organisation_id,
            facilitators=list(facilitators or []),
            volunteers=list(volunteers or []),
        )
    model_update(actor=actor, obj=programme, fields=fields)
    if facilitators is not None:
        facilitators = list(facilitators)
        if not facilitators:
            raise ValidationError({"facilitators": _("A programme needs at least one facilitator.")})
        programme.facilitators.set(facilitators)
    if volunteers is not None:
        programme.volunteers.set(list(volunteers))
    if facilitators is not None or volunteers is not None:
        audit_log(action=AuditAction.UPDATE, user=actor, obj=programme, detail={"fields": ["people"]})
    return programme


@transaction.atomic
def enrolment_add(*, actor: User, programme: Programme, case: Case, joined_on: dt.date | None = None) -> Enrolment:
    """Put a child (whose case the actor may see — checked by the caller) on the roster."""
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"case": _("The case is closed.")})
    enrolment, created = Enrolment.objects.get_or_create(
        programme=programme,
        case=case,
        defaults={"joined_on": joined_on or timezone.localdate(), "enrolled_by": actor},
    )
    if not created and enrolment.left_on is not None:
        enrolment.left_on = None
        enrolment.save(update_fields=["left_on", "updated_at"])
    audit_log(action=AuditAction.CREATE, user=actor, obj=enrolment, detail={"case": case.pk})
    return enrolment


@transaction.atomic
def enrolment_end(*, actor: User, enrolment: Enrolment, left_on: dt.date | None = None) -> Enrolment:
    """End a child's place on the roster on ``left_on`` (today when not given); a day before they
    joined is refused."""
    if left_on is not None and left_on < enrolment.joined_on:
        raise ValidationError({"left_on": _("A child cannot leave before joining.")})
    enrolment.left_on = left_on or timezone.localdate()
    enrolment.save(update_fields=["left_on", "updated_at"])
    audit_log(action=AuditAction.UPDATE, user=actor, obj=enrolment, detail={"left": str(enrolment.left_on)})
    return enrolment


def _check_session(*, programme: Programme, date: dt.date, duration_minutes: int) -> None:
    if date > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError({"date": _("A session is recorded on or after the day it is held.")})
    if date < programme.starts_on or (programme.ends_on and date > programme.ends_on):
        raise ValidationError({"date": _("The date is outside the programme's period.")})
    if not (0 < duration_minutes <= 24 * 60):
        raise ValidationError({"duration_minutes": _("Minutes must be between 1 and 1440.")})


def _check_attendees(programme: Programme, attendees: list[Case], tutors: list[Member]) -> None:
    enrolled = set(programme.enrolments.values_list("case_id", flat=True))
    strangers = [c.pk for c in attendees if c.pk not in enrolled]
    if strangers:
        raise ValidationError({"attendees": _("Only children on the programme's roster can be marked present.")})
    if any(not m.is_volunteer or m.organisation_id != programme.organisation_id for m in tutors):
        raise ValidationError({"tutors": _("Every tutor must be an Alliance volunteer.")})


@transaction.atomic
def session_record(
    *,
    actor: User,
    programme: Programme,
    date: dt.date,
    duration_minutes: int,
    topic: str = "",
    notes: str = "",
    attendees: Iterable[Case] | None = None,
    tutors: Iterable[Member] = (),
    guardians_present: int = 0,
    guardian_names: str = "",
    outside_present: Iterable[str] | None = None,
) -> ProgrammeSession:
    """A session held; ``attendees`` None means attendance is not taken yet (no absences counted).
    ``outside_present``: keys of the present children who have no case (``programmes.roster``); None:
    their attendance is not taken yet."""
    _check_session(programme=programme, date=date, duration_minutes=duration_minutes)
    present = list(attendees) if attendees is not None else []
    tutors = list(tutors)
    _check_attendees(programme, present, tutors)
    session = ProgrammeSession(
        programme=programme,
        date=date,
        duration_minutes=duration_minutes,
        topic=topic.strip()[:200],
        notes=notes.strip()[:10000],
        guardians_present=max(0, int(guardians_present or 0)),
        guardian_names=guardian_names.strip()[:1000],
        attendance_taken=attendees is not None,
        recorded_by=actor,
    )
    session.full_clean()
    session.save()
    session.attendees.set(present)
    session.tutors.set(tutors)
    others = _outside_save(actor=actor, session=session, keys=outside_present)
    audit_log(action=AuditAction.CREATE, user=actor, obj=session, detail={"present": len(present), "others": others})
    if session.attendance_taken or session.others_attendance_taken:
        absence_streaks_check(programme=programme)
    return session


def _outside_save(*, actor: User, session: ProgrammeSession, keys: Iterable[str] | None) -> int:
    """Save the present children without a case (None: leave as is) and mark their attendance taken."""
    if keys is None:
        return 0
    try:
        others = roster.outside_attendance_save(actor=actor, session=session, keys=keys)
    except ValidationError as exc:  # the API's field for these keys
        raise ValidationError({"others_present": exc.messages}) from None
    if not session.others_attendance_taken:
        session.others_attendance_taken = True
        session.save(update_fields=["others_attendance_taken"])
    return others


@transaction.atomic
def attendance_save(
    *,
    actor: User,
    session: ProgrammeSession,
    attendees: Iterable[Case],
    guardians_present: int | None = None,
    guardian_names: str | None = None,
    tutors: Iterable[Member] | None = None,
    outside_present: Iterable[str] | None = None,
) -> ProgrammeSession:
    """Save who was present at a session (the phone page's one tap), then look for absence streaks.
    ``outside_present``: keys of the present children who have no case (``programmes.roster``; None
    leaves theirs as it is — the API's attendees are case ids only, these its ``others_present``)."""
    present = list(attendees)
    _check_attendees(session.programme, present, list(tutors or []))
    session.attendees.set(present)
    fields = ["attendance_taken", "updated_at"]
    session.attendance_taken = True
    if guardians_present is not None:
        session.guardians_present = max(0, int(guardians_present))
        fields.append("guardians_present")
    if guardian_names is not None:
        session.guardian_names = guardian_names.strip()[:1000]
        fields.append("guardian_names")
    session.save(update_fields=fields)
    if tutors is not None:
        session.tutors.set(list(tutors))
    others = _outside_save(actor=actor, session=session, keys=outside_present)
    audit_log(action=AuditAction.UPDATE, user=actor, obj=session, detail={"present": len(present), "others": others})
    absence_streaks_check(programme=session.programme)
    return session


@transaction.atomic
def outside_attendance_save(*, actor: User, session: ProgrammeSession, keys: Iterable[str]) -> ProgrammeSession:
    """Save only who of the children without a case was present (the API's ``others_present`` alone):
    the case children's attendance is left as it is."""
    others = _outside_save(actor=actor, session=session, keys=list(keys))
    audit_log(action=AuditAction.UPDATE, user=actor, obj=session, detail={"others": others})
    absence_streaks_check(programme=session.programme)
    return session


@transaction.atomic
def session_update(*, actor: User, session: ProgrammeSession, **fields: Any) -> ProgrammeSession:
    _check_session(
        programme=session.programme,
        date=fields.get("date", session.date),
        duration_minutes=fields.get("duration_minutes", session.duration_minutes),
    )
    return model_update(actor=actor, obj=session, fields=fields)


def attendance_taken_sessions(programme: Programme, *, of_others: bool = False) -> list[ProgrammeSession]:
    """The programme's sessions with attendance taken, latest first (the streak's reading order);
    ``of_others``: the attendance of the children without a case (``programmes.roster``)."""
    taken = {"others_attendance_taken": True} if of_others else {"attendance_taken": True}
    return list(programme.sessions.filter(**taken).order_by("-date", "-pk").only("pk", "date"))


def missed_in_a_row(
    sessions: list[ProgrammeSession], present: dict[int, set[int]], child_id: int, joined_on: dt.date
) -> list[ProgrammeSession]:
    """The sessions (oldest first) a child missed since last coming — only if ABSENCE_STREAK or more in a row.
    ``sessions``: attendance taken, latest first; ``present``: session pk → ids of the children present."""
    missed: list[ProgrammeSession] = []
    for session in sessions:
        if session.date < joined_on or child_id in present.get(session.pk, set()):
            break
        missed.append(session)
    return list(reversed(missed)) if len(missed) >= ABSENCE_STREAK else []


def absence_streaks(programme: Programme) -> list[tuple[Enrolment, list[ProgrammeSession]]]:
    """Each enrolled child whose latest sessions with attendance taken (since they joined) were all missed,
    ABSENCE_STREAK or more in a row: (enrolment, the missed sessions, oldest first)."""
    sessions = attendance_taken_sessions(programme)
    present: dict[int, set[int]] = {s.pk: set() for s in sessions}
    for session_id, case_id in ProgrammeSession.attendees.through.objects.filter(
        programmesession_id__in=present
    ).values_list("programmesession_id", "case_id"):
        present[session_id].add(case_id)
    streaks = []
    for enrolment in programme.enrolments.filter(left_on__isnull=True).select_related("case"):
        missed = missed_in_a_row(sessions, present, enrolment.case_id, enrolment.joined_on)
        if missed:
            streaks.append((enrolment, missed))
    return streaks


def absence_streaks_check(*, programme: Programme) -> int:
    """Tell each child's social worker once per streak (keyed on the streak's first missed session);
    the children without a case: whoever their source names (``programmes.roster``)."""
    sent = 0
    for enrolment, missed in absence_streaks(programme):
        case = enrolment.case
        if case.lead_worker is None:
            continue
        note = notify(
            user=case.lead_worker,
            kind="programme_absence",
            obj=case,
            link=reverse("cases:detail", args=[case.pk]),
            message=gettext_lazy("Case %(n)s: missed %(k)s sessions of %(p)s in a row (since %(d)s)."),
            params={"n": case.number, "k": len(missed), "p": programme.title, "d": str(missed[0].date)},
            dedupe_key=f"programme-absence:{programme.pk}:{case.pk}:{missed[0].pk}",
        )
        sent += note is not None
    return sent + roster.outside_absence_check(programme=programme)


@transaction.atomic
def pupil_profile_save(
    *,
    actor: User,
    programme: Programme,
    case: Case,
    school: str = "",
    grade: str = "",
    subjects_needing_support: str = "",
    notes: str = "",
) -> PupilProfile:
    """Create or update a classroom pupil's profile (the caller has checked may_see_pupil_profile)."""
    if not programme.enrolments.filter(case=case).exists():
        raise ValidationError({"case": _("The child is not on this programme's roster.")})
    profile, created = PupilProfile.objects.get_or_create(programme=programme, case=case)
    fields = {
        "school": school.strip()[:200],
        "grade": grade.strip()[:50],
        "subjects_needing_support": subjects_needing_support.strip()[:300],
        "notes": notes.strip()[:5000],
    }
    if created:
        for name, value in fields.items():
            setattr(profile, name, value)
        return model_create(actor=actor, obj=profile, detail={"case": case.pk})
    return model_update(actor=actor, obj=profile, fields=fields)


@transaction.atomic
def tutor_note_add(*, actor: User, session: ProgrammeSession, case: Case, text: str) -> TutorNote:
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    if not session.programme.enrolments.filter(case=case).exists():
        raise ValidationError({"case": _("The child is not on this programme's roster.")})
    note = TutorNote.objects.create(session=session, case=case, text=text.strip()[:1000], written_by=actor)
    audit_log(action=AuditAction.CREATE, user=actor, obj=note, detail={"case": case.pk})
    return note
