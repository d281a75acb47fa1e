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
from notifications.services import notify
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
    if location is not None and location.kind not in ("village", "community"):
        errors["location"] = _("Choose a village or community.")
    unknown = [code for code in fields.get("indicators") or [] if code not in Indicator.values]
    if unknown:
        errors["indicators"] = _("Unknown indicator: %(codes)s") % {"codes": ", ".join(map(str, unknown))}
    received = fields.get("received_on")
    if received and received > today:
        errors["received_on"] = _("The date received cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def on_duty_staff() -> list[User]:
    """Who is told at once about an immediate referral: every active social worker and manager."""
    return list(case_workers())


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
    same_content_is_resubmission: bool = False,
) -> tuple[Referral, bool]:
    """Record a referral; returns (referral, created). The same submission_key returns the first one.

    With ``same_content_is_resubmission`` (the web form: a browser's back button can re-render the
    form with a new key and the fields restored), the same person sending the same child, place,
    urgency and concerns within ``RESUBMISSION_WINDOW`` also gets the first referral back.

    A referrer's own referral always comes from their Alliance membership through the Alliance
    channel, whatever they send; staff entering a hotline call or a police referral set both.
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
                first = (
                    Referral.objects.filter(
                        created_by=actor,
                        received_at__gte=timezone.now() - RESUBMISSION_WINDOW,
                        child_name=fields["child_name"],
                        location=fields["location"],
                        urgency=fields["urgency"],
                        concerns=fields["concerns"],
                    )
                    .order_by("received_at")
                    .first()
                )
                if first is not None:
                    return first, False
            referral = Referral(
                reference=reference,
                created_by=actor,
                submission_key=submission_key or None,
                **fields,
            )
            referral.full_clean(exclude=["submission_key"])
            referral.save()
            audit_log(action=AuditAction.CREATE, user=actor, obj=referral)
            if referral.urgency == Urgency.IMMEDIATE:
                link = reverse("referrals:detail", args=[referral.pk])
                for user in on_duty_staff():
                    notify(
                        user=user,
                        kind="referral_immediate",
                        obj=referral,
                        link=link,
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
    if case is not None:
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


@transaction.atomic
def outgoing_referral_create(
    *,
    actor: User,
    case: Any,
    service: str,
    consent_basis: str,
    organisation: str = "",
    note: str = "",
    follow_up_on: dt.date | None = None,
    consent_on: dt.date | None = None,
    override_reason: str = "",
) -> Any:
    """Refer a case out. Guardian's or child's consent needs its date; an override needs a manager and a reason."""
    from referrals.models import ConsentBasis, OutgoingReferral, OutgoingService

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
    )
    audit_log(
        action=AuditAction.EXPORT,
        user=actor,
        obj=outgoing,
        detail={"case": case.pk, "service": service, "consent": consent_basis},
    )
    return outgoing
