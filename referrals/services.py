"""Every write to a referral: submission (exactly once), triage actions, answers. All audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from accounts.roles import MANAGERS, PROJECT_STAFF, case_workers
from alliance.models import Member
from cases.choices import CaseStatus, RiskLevel
from cases.models import Case, Child
from cases.services import case_open, grant_case_access
from core.audit import audit_log
from core.models import AuditAction, Location
from notifications.services import notify, notify_all
from referrals.models import Channel, Indicator, Referral, ReferralStatus, Urgency

MAX_TEXT = 5000


# The web form's "same referral again" window (see referral_submit).
RESUBMISSION_WINDOW = dt.timedelta(minutes=30)


def _next_reference(year: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [730000 + year])
    prefix = f"R{year}-"
    last = (
        Referral.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    return f"{prefix}{(int(last.split('-')[1]) + 1) if last else 1:05d}"


def _validate(fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    age = fields.get("child_age")
    if age is not None and not (0 <= age <= 25):
        errors["child_age"] = _("The age must be between 0 and 25.")
    birth = fields.get("child_birth_date")
    if birth and birth > today:
        errors["child_birth_date"] = _("The birth date cannot be in the future.")
    if not (fields.get("concerns") or "").strip():
        errors["concerns"] = _("Please say what you saw.")
    for name in ("concerns", "caregiver_situation"):
        if len(fields.get(name) or "") > MAX_TEXT:
            errors[name] = _("Please keep this under %(n)s characters.") % {"n": MAX_TEXT}
    location = fields.get("location")
    if location is None:
        errors["location"] = _("Choose a village or community.")
    elif location.kind not in ("village", "community"):
        errors["location"] = _("Choose a village or community.")
    unknown = [code for code in fields.get("indicators") or [] if code not in Indicator.values]
    if unknown:
        errors["indicators"] = _("Unknown indicator: %(codes)s") % {"codes": ", ".join(map(str, unknown))}
    received = fields.get("received_on")
    if received and received > today:
        errors["received_on"] = _("The date received cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def on_duty_staff(organisation_id: Any = None) -> list[User]:
    """Who is told at once about an immediate referral: every active social worker and manager (of
    the receiving organisation)."""
    return list(case_workers(organisation_id))


def referral_submit(
    *,
    actor: User,
    child_name: str,
    location: Location,
    concerns: str,
    child_sex: str = "unknown",
    child_age: int | None = None,
    child_birth_date: dt.date | None = None,
    where_found: str = "",
    caregiver_situation: str = "",
    indicators: list[str] | None = None,
    urgency: str = Urgency.ROUTINE,
    channel: str | None = None,
    referrer_member: Member | None = None,
    received_on: dt.date | None = None,
    submission_key: str | None = None,
    via_channel: str | None = None,
    organisation: Any = None,
    same_content_is_resubmission: bool = False,
) -> tuple[Referral, bool]:
    """Record a referral; returns (referral, created). The same submission_key returns the first one.

    With ``same_content_is_resubmission`` (the web form: a browser's back button can re-render the
    form with a new key and the fields restored), the same person sending the same child, place,
    urgency and concerns within ``RESUBMISSION_WINDOW`` also gets the first referral back.

    A referrer's own referral always comes from their Alliance membership through the Alliance
    channel, whatever they send; staff entering a hotline call or a police referral set both.
    It enters the triage pool of ``organisation`` (the receiving organisation), by default the
    one the person submitting it belongs to.
    """
    if submission_key:
        existing = Referral.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if existing.created_by_id != actor.pk:
                raise ValidationError(_("This form was already used. Please open a new referral form."))
            return existing, False
    is_staff = actor.has_role(*PROJECT_STAFF)
    if via_channel in (Channel.CHILDREN_DIRECTOR, Channel.HOTLINE):
        # A service of another app (the monitoring register, the hotline console) fixes the channel itself.
        channel, referrer_member, received_on = via_channel, None, received_on if is_staff else None
    elif not is_staff:
        channel, referrer_member, received_on = Channel.ALLIANCE, actor.member, None
    fields: dict[str, Any] = {
        "child_name": (child_name or "").strip(),
        "child_sex": child_sex,
        "child_age": child_age,
        "child_birth_date": child_birth_date,
        "location": location,
        "where_found": where_found.strip(),
        "caregiver_situation": caregiver_situation.strip(),
        "concerns": (concerns or "").strip(),
        "indicators": list(dict.fromkeys(indicators or [])),
        "urgency": urgency,
        "channel": channel or (Channel.ALLIANCE if referrer_member else Channel.OTHER),
        "referrer_member": referrer_member,
        "received_on": received_on or timezone.localdate(),
    }
    _validate(fields)
    try:
        with transaction.atomic():
            reference = _next_reference(fields["received_on"].year)  # serialises submissions
            if same_content_is_resubmission:
                recent = Referral.objects.filter(
                    created_by=actor,
                    received_at__gte=timezone.now() - RESUBMISSION_WINDOW,
                    child_name=fields["child_name"],
                    location=fields["location"],
                    urgency=fields["urgency"],
                ).order_by("received_at")
                # The account is encrypted at rest (core.encryption): compared here, not by the database.
                first = next((r for r in recent if r.concerns == fields["concerns"]), None)
                if first is not None:
                    return first, False
            referral = Referral(
                reference=reference,
                created_by=actor,
                submission_key=submission_key or None,
                **fields,
            )
            organisation_id = getattr(organisation, "pk", organisation) or actor.organisation_id
            if isinstance(organisation_id, int):
                referral.organisation_id = organisation_id
            # The related rows are the objects given (already read): no query per foreign key to prove
            # they exist; the reference is unique by the advisory lock above (and the unique index).
            referral.full_clean(
                exclude=["submission_key", "organisation", "location", "referrer_member", "created_by"],
                validate_unique=False,
            )
            referral.save()
            audit_log(action=AuditAction.CREATE, user=actor, obj=referral)
            if referral.urgency == Urgency.IMMEDIATE:
                # Every on-duty worker in a constant number of statements; the emails go by Celery after commit.
                notify_all(
                    users=on_duty_staff(referral.organisation_id),
                    kind="referral_immediate",
                    obj=referral,
                    link=reverse("referrals:detail", args=[referral.pk]),
                    message=gettext_lazy(
                        "Immediate referral %(ref)s: a child may be in danger now. Please triage at once."
                    ),
                    params={"ref": referral.reference},
                    dedupe_key=f"referral-immediate:{referral.pk}",
                )
    except IntegrityError:
        # Two identical submissions raced: the other one won; return it.
        existing = Referral.objects.filter(submission_key=submission_key).first() if submission_key else None
        if existing is None:
            raise
        return existing, False
    return referral, True


# Other apps learn of triage decisions through these callbacks (the register links an accepted case
# to the child's file and tells the children director). Each takes the referral after the change.
TRIAGE_CALLBACKS: list[Any] = []


def _tell_referrer(referral: Referral) -> None:
    """The referrer learns the new status — never the case or the family's details."""
    if referral.created_by and referral.created_by.has_role(Role.REFERRER):
        notify(
            user=referral.created_by,
            kind="referral_status",
            obj=referral,
            link=reverse("referrals:mine"),
            message=gettext_lazy("Your referral %(ref)s: %(status)s"),
            params={"ref": referral.reference, "status": ReferralStatus(referral.status).label},
            dedupe_key=f"referral-status:{referral.pk}:{referral.status}:{referral.updated_at.timestamp():.0f}",
        )


def _triage(referral: Referral, actor: User, status: str, **fields: Any) -> Referral:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status not in (ReferralStatus.NEW, ReferralStatus.NEEDS_INFO):
        raise ValidationError(_("This referral was already dealt with (%(s)s).") % {"s": locked.get_status_display()})
    locked.status = status
    locked.triaged_at = timezone.now()
    locked.triaged_by = actor
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", "triaged_at", "triaged_by", "updated_at", *fields])
    audit_log(action=AuditAction.UPDATE, user=actor, obj=locked, detail={"triage": status})
    _tell_referrer(locked)
    for callback in TRIAGE_CALLBACKS:
        callback(locked)
    return locked


@transaction.atomic
def referral_accept(
    *,
    actor: User,
    referral: Referral,
    lead_worker: User | None = None,
    child: Child | None = None,
    case: Case | None = None,
) -> Case:
    """Accept for assessment: open a case (on a new or an existing child), or link to an open case."""
    lead_worker = lead_worker or actor
    if lead_worker.organisation_id != referral.organisation_id:
        raise ValidationError({"lead_worker": _("The lead worker must work for the receiving organisation.")})
    if case is not None:
        if case.organisation_id != referral.organisation_id:
            raise ValidationError({"case": _("That case belongs to another organisation.")})
        if case.status == CaseStatus.CLOSED:
            raise ValidationError({"case": _("That case is closed; open a new one instead.")})
        grant_case_access(case=case, user=lead_worker) if case.lead_worker_id != lead_worker.pk else None
        _triage(referral, actor, ReferralStatus.ACCEPTED, case=case)
        return case
    if child is None:
        birth = referral.child_birth_date
        estimated = False
        if birth is None and referral.child_age is not None:
            today = timezone.localdate()
            birth, estimated = dt.date(today.year - referral.child_age, 7, 1), True
        child = Child.objects.create(
            name=referral.child_name,
            sex=referral.child_sex,
            birth_date=birth,
            birth_date_estimated=estimated,
            location=referral.location,
        )
    case = case_open(
        actor=actor,
        child=child,
        lead_worker=lead_worker,
        referral=referral,
        risk_level=RiskLevel.IMMEDIATE if referral.urgency == Urgency.IMMEDIATE else RiskLevel.MEDIUM,
        organisation=referral.organisation_id,
    )
    _triage(referral, actor, ReferralStatus.ACCEPTED, case=case)
    return case


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for declining.")})
    return _triage(referral, actor, ReferralStatus.DECLINED, outcome_note=reason.strip()[:MAX_TEXT])


@transaction.atomic
def referral_refer_on(*, actor: User, referral: Referral, service: str, note: str = "") -> Referral:
    if not service.strip():
        raise ValidationError({"service": _("Name the service the child is referred to.")})
    text = f"{service.strip()[:200]}: {note.strip()}" if note.strip() else service.strip()[:200]
    return _triage(referral, actor, ReferralStatus.REFERRED_ON, outcome_note=text[:MAX_TEXT])


@transaction.atomic
def referral_needs_info(*, actor: User, referral: Referral, question: str) -> Referral:
    if not question.strip():
        raise ValidationError({"question": _("Write the question for the referrer.")})
    return _triage(referral, actor, ReferralStatus.NEEDS_INFO, question=question.strip()[:MAX_TEXT])


@transaction.atomic
def referral_answer(*, actor: User, referral: Referral, answer: str) -> Referral:
    """The referrer answers a question: the answer is added to what they saw and it goes back to triage."""
    if referral.status != ReferralStatus.NEEDS_INFO:
        raise ValidationError(_("No question is waiting for an answer."))
    if not answer.strip() or len(answer) > MAX_TEXT:
        raise ValidationError({"answer": _("Please write your answer (at most %(n)s characters).") % {"n": MAX_TEXT}})
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    question_label, answer_label = _("Question"), _("Answer")
    referral.concerns = (
        f"{referral.concerns}\n\n[{question_label}] {referral.question}\n[{answer_label}] {answer.strip()}"
    )
    referral.status = ReferralStatus.NEW
    referral.save(update_fields=["concerns", "status", "updated_at"])
    audit_log(action=AuditAction.UPDATE, user=actor, obj=referral, detail={"answered": True})
    return referral


# Days after which an unanswered outgoing referral is followed up, when no date is given.
OUTGOING_FOLLOW_UP_DAYS = 14

# The directory's kinds of service, as the outgoing referral's older list of services names them.
_SERVICE_FOR_KIND = {
    "legal_aid": "legal_aid",
    "psychological_support": "psychological",
    "medical_care": "medical",
    "forensic_interview": "one_stop_centre",
}


@transaction.atomic
def outgoing_referral_create(
    *,
    actor: User,
    case: Any,
    service: str = "",
    consent_basis: str,
    organisation: str = "",
    note: str = "",
    follow_up_on: dt.date | None = None,
    consent_on: dt.date | None = None,
    override_reason: str = "",
    directory_service: Any = None,
    share_identity: bool = True,
) -> Any:
    """Refer a case out. Guardian's or child's consent needs its date; an override needs a manager and a reason.

    With a service from the directory the loop closes: if its organisation works on Shouhu, a
    referral enters that organisation's triage queue (the child's name only when ``share_identity``)
    and its answers come back; otherwise the worker records them, and a reminder follows up on
    ``follow_up_on`` (by default in ``OUTGOING_FOLLOW_UP_DAYS``) if none has come."""
    from organisations.permissions import uses_shouhu
    from referrals.models import ConsentBasis, OutgoingReferral, OutgoingService

    receiver = None
    if directory_service is not None:
        if not directory_service.is_active:
            raise ValidationError({"directory_service": _("That service is no longer on the directory.")})
        receiver = directory_service.organisation
        if receiver.pk == case.organisation_id:
            raise ValidationError(
                {"directory_service": _("That is your own organisation's service: add it to the care plan instead.")}
            )
        service = _SERVICE_FOR_KIND.get(directory_service.kind, OutgoingService.OTHER)
        organisation = receiver.name
    if service not in OutgoingService.values:
        raise ValidationError({"service": _("Choose the service.")})
    if consent_basis not in ConsentBasis.values:
        raise ValidationError({"consent_basis": _("Record the consent, or a manager's override.")})
    if consent_basis == ConsentBasis.MANAGER_OVERRIDE:
        if not actor.has_role(*MANAGERS):
            raise ValidationError({"consent_basis": _("Only a manager may share without consent.")})
        if not override_reason.strip():
            raise ValidationError({"override_reason": _("Give the reason for sharing without consent.")})
    elif consent_on is None or consent_on > timezone.localdate():
        raise ValidationError({"consent_on": _("Give the date the consent was given.")})
    if directory_service is not None and follow_up_on is None:
        follow_up_on = timezone.localdate() + dt.timedelta(days=OUTGOING_FOLLOW_UP_DAYS)
    outgoing = OutgoingReferral.objects.create(
        case=case,
        service=service,
        organisation=organisation.strip()[:200],
        note=note.strip()[:5000],
        follow_up_on=follow_up_on,
        consent_basis=consent_basis,
        consent_on=consent_on,
        override_reason=override_reason.strip()[:2000],
        created_by=actor,
        directory_service=directory_service,
        receiving_organisation=receiver,
        share_identity=share_identity,
    )
    if receiver is not None and uses_shouhu(receiver):
        outgoing.incoming = _into_receivers_queue(actor=actor, outgoing=outgoing)
        outgoing.save(update_fields=["incoming", "updated_at"])
    audit_log(
        action=AuditAction.EXPORT,
        user=actor,
        obj=outgoing,
        detail={
            "case": case.pk,
            "service": service,
            "consent": consent_basis,
            "to": receiver.pk if receiver else organisation.strip()[:200],
            "identity_shared": bool(share_identity),
            "incoming": outgoing.incoming_id,
        },
    )
    return outgoing


def _into_receivers_queue(*, actor: User, outgoing: Any) -> Referral:
    """The referral the receiving organisation triages: what consent allows, and nothing of the
    referring organisation's file but the note written for the receiver."""
    from core.dates import age_in_years

    case, child = outgoing.case, outgoing.case.child
    if child.location is None or not child.location.is_village_level:
        raise ValidationError(
            {"directory_service": _("Record the child's village first: the receiving organisation needs it.")}
        )
    referring = case.organisation.name
    concerns = _("Referred by %(org)s for %(service)s.") % {
        "org": referring,
        "service": outgoing.directory_service.name,
    }
    if outgoing.note:
        concerns = f"{concerns}\n\n{outgoing.note}"
    referral, _created = referral_submit(
        actor=actor,
        child_name=child.name if outgoing.share_identity else _("Name withheld (no consent to share it)"),
        child_sex=child.sex,
        child_age=age_in_years(child.birth_date) if child.birth_date else None,
        child_birth_date=child.birth_date if outgoing.share_identity else None,
        location=child.location,
        concerns=concerns,
        urgency=Urgency.IMMEDIATE if case.risk_level == RiskLevel.IMMEDIATE else Urgency.SOON,
        channel=Channel.AGENCY,
        organisation=outgoing.receiving_organisation,
    )
    link = reverse("referrals:detail", args=[referral.pk])
    for manager in case_workers(outgoing.receiving_organisation.pk).filter(role=Role.MANAGER):
        notify(
            user=manager,
            kind="referral_from_agency",
            obj=referral,
            link=link,
            message=gettext_lazy("%(org)s referred a child to your service %(service)s (%(ref)s)."),
            params={"org": referring, "service": outgoing.directory_service.name, "ref": referral.reference},
            dedupe_key=f"referral-from-agency:{referral.pk}",
        )
    return referral


def _check_answer(outgoing: Any, status: str, note: str) -> None:
    from referrals.models import OPEN_OUTGOING, OUTGOING_NEXT, OutgoingStatus

    allowed = set(OUTGOING_NEXT.get(outgoing.status, set()))
    if outgoing.status in OPEN_OUTGOING:
        allowed.add(OutgoingStatus.CANCELLED)
    if status not in allowed:
        raise ValidationError(
            {"status": _("This referral is %(s)s: that answer cannot follow.") % {"s": outgoing.get_status_display()}}
        )
    if status == OutgoingStatus.DECLINED and not note.strip():
        raise ValidationError({"note": _("Give the reason it was declined.")})
    if status == OutgoingStatus.DONE and not note.strip():
        raise ValidationError({"note": _("Write the outcome of the service.")})


@transaction.atomic
def outgoing_referral_answer(
    *,
    actor: User | None,
    outgoing: Any,
    status: str,
    note: str = "",
    answered_on: dt.date | None = None,
    by_receiver: bool,
) -> Any:
    """Record the next state of the loop: accepted, declined (with a reason), service started,
    completed (with the outcome), or cancelled by the referrer. The receiver answers on Shouhu when
    it works here (``by_receiver``); otherwise the referring worker records what it said."""
    from referrals.models import OutgoingAnswer, OutgoingReferral, OutgoingStatus

    outgoing = OutgoingReferral.objects.select_for_update().select_related("case").get(pk=outgoing.pk)
    if not by_receiver and outgoing.incoming_id is not None and status != OutgoingStatus.CANCELLED:
        raise ValidationError({"status": _("The receiving organisation answers on Shouhu itself.")})
    if by_receiver and status == OutgoingStatus.CANCELLED:
        raise ValidationError({"status": _("Only the referring organisation cancels a referral.")})
    note = (note or "").strip()[:5000]
    _check_answer(outgoing, status, note)
    answered_on = answered_on or timezone.localdate()
    if answered_on > timezone.localdate():
        raise ValidationError({"answered_on": _("The date cannot be in the future.")})
    outgoing.status = status
    outgoing.answered_on = answered_on
    fields = ["status", "answered_on", "updated_at"]
    if status == OutgoingStatus.DONE:
        outgoing.outcome = note
        fields.append("outcome")
    outgoing.save(update_fields=fields)
    OutgoingAnswer.objects.create(
        outgoing=outgoing, status=status, note=note, answered_on=answered_on, by_receiver=by_receiver, recorded_by=actor
    )
    audit_log(
        action=AuditAction.UPDATE,
        user=actor,
        obj=outgoing,
        detail={"answer": status, "by_receiver": by_receiver, "case": outgoing.case_id},
    )
    if by_receiver:
        told = {u for u in (outgoing.created_by, outgoing.case.lead_worker) if u is not None and u.is_active}
        for user in told:
            notify(
                user=user,
                kind="outgoing_answered",
                obj=outgoing.case,
                link=reverse("cases:detail", args=[outgoing.case_id]),
                message=gettext_lazy("%(org)s answered the referral of case %(n)s: %(s)s"),
                params={"org": outgoing.organisation, "n": outgoing.case.number, "s": OutgoingStatus(status).label},
                dedupe_key=f"outgoing-answer:{outgoing.pk}:{status}",
            )
    return outgoing


def _answer_from_triage(referral: Referral) -> None:
    """The receiver's triage answers the referring organisation's loop (registered in TRIAGE_CALLBACKS)."""
    from referrals.models import OutgoingReferral, OutgoingStatus

    outgoing = OutgoingReferral.objects.filter(incoming=referral).first()
    if outgoing is None or outgoing.status != OutgoingStatus.SENT:
        return
    if referral.status == ReferralStatus.ACCEPTED:
        outgoing_referral_answer(
            actor=referral.triaged_by, outgoing=outgoing, status=OutgoingStatus.ACCEPTED, by_receiver=True
        )
    elif referral.status in (ReferralStatus.DECLINED, ReferralStatus.REFERRED_ON):
        outgoing_referral_answer(
            actor=referral.triaged_by,
            outgoing=outgoing,
            status=OutgoingStatus.DECLINED,
            note=referral.outcome_note or referral.get_status_display(),
            by_receiver=True,
        )


TRIAGE_CALLBACKS.append(_answer_from_triage)
