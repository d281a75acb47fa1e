"""Trainings and case reviews: keyword-only, in a transaction, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from cases.permissions import check_case_action
from core.audit import audit_log
from core.models import AuditAction
from workforce.models import CaseReview, Competency, Profession, QualityPoint, Training
from workforce.permissions import may_record_trainings


@transaction.atomic
def training_record(
    *,
    actor: User,
    topic: str,
    profession: str,
    date: dt.date,
    hours: Decimal,
    competencies: Iterable[str] = (),
    attendees: Iterable[User] = (),
    other_participants: int = 0,
) -> Training:
    """A training held by the actor's organisation; participants may come from any organisation."""
    if not may_record_trainings(actor):
        raise ValidationError(_("Only managers record trainings."))
    competencies = list(dict.fromkeys(competencies))
    if profession not in Profession.values:
        raise ValidationError({"profession": _("Choose the profession from the list.")})
    if any(code not in Competency.values for code in competencies):
        raise ValidationError({"competencies": _("Choose competencies from the framework.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("Record a training once it has been held.")})
    if not Decimal("0.5") <= hours <= Decimal("80"):
        raise ValidationError({"hours": _("Hours from 0.5 to 80.")})
    attendees = list(attendees)
    if not attendees and other_participants <= 0:
        raise ValidationError({"attendees": _("Name the participants or count those without an account.")})
    training = Training.objects.create(
        organisation_id=actor.organisation_id,
        topic=topic.strip()[:200],
        profession=profession,
        competencies=competencies,
        date=date,
        hours=hours,
        other_participants=other_participants,
        created_by=actor,
    )
    training.attendees.set(attendees)
    audit_log(
        action=AuditAction.CREATE, user=actor, obj=training, detail={"attendees": sorted(u.pk for u in attendees)}
    )
    return training


@transaction.atomic
def case_review_record(
    *,
    actor: User,
    case: Case,
    date: dt.date,
    findings: str,
    points_met: Iterable[str] = (),
    actions: str = "",
    follow_up_on: dt.date | None = None,
) -> CaseReview:
    """A supervisor's quality check of a case the actor manages (``approve`` on the case)."""
    check_case_action(actor, case, "approve")
    points = list(dict.fromkeys(points_met))
    if any(code not in QualityPoint.values for code in points):
        raise ValidationError({"points_met": _("Choose quality points from the checklist.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("The review date cannot be in the future.")})
    if not findings.strip():
        raise ValidationError({"findings": _("Write the findings.")})
    if follow_up_on is not None and follow_up_on < date:
        raise ValidationError({"follow_up_on": _("The follow-up comes after the review.")})
    if len(points) < len(QualityPoint.values) and not actions.strip():
        raise ValidationError({"actions": _("A quality point is not met: say what was agreed.")})
    review = CaseReview.objects.create(
        case=case,
        supervisor=actor,
        date=date,
        points_met=points,
        findings=findings.strip()[:4000],
        actions=actions.strip()[:4000],
        follow_up_on=follow_up_on,
    )
    audit_log(action=AuditAction.CREATE, user=actor, obj=review, detail={"case": case.pk})
    return review
