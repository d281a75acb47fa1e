"""The codes every app shares about a child and a case: sex, case status, risk level (with its
order), urgency (with its order). One definition each; models, forms, serializers, selectors,
reminders and raw SQL use these names (raw SQL passes them as parameters)."""

from __future__ import annotations

from django.db import models
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class CaseStatus(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (CaseStatus.ASSESSMENT, CaseStatus.ACTIVE)


class ClosureCode(models.TextChoices):
    """Why a case closed, as a code a report may count (the reason itself stays free text in the file)."""

    GOALS_MET = "goals_met", _("The care plan's goals were met")
    REFERRED_ON = "referred_on", _("Referred on to another service")
    MOVED_AWAY = "moved_away", _("The family moved away")
    AGED_OUT = "aged_out", _("The child turned 18")
    DECLINED = "declined", _("The family declined further help")
    OTHER = "other", _("Other")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    IMMEDIATE = "immediate", _("Immediate")


# Most urgent first: the order of caseloads, and what "high risk" counts.
RISK_ORDER: dict[str, int] = {RiskLevel.IMMEDIATE: 0, RiskLevel.HIGH: 1, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 3}
HIGH_RISK = (RiskLevel.HIGH, RiskLevel.IMMEDIATE)


class Urgency(models.TextChoices):
    """How soon someone must act: on a referral (triage) and on a need put to a pledger."""

    IMMEDIATE = "immediate", _("Immediate (the child is in danger now)")
    SOON = "soon", _("Soon (within days)")
    ROUTINE = "routine", _("Routine")


URGENCY_ORDER: dict[str, int] = {Urgency.IMMEDIATE: 0, Urgency.SOON: 1, Urgency.ROUTINE: 2}


def rank(field: str, order: dict[str, int]) -> SqlCase:
    """An SQL expression giving each row the position of ``field``'s code in ``order`` (unknown last)."""
    return SqlCase(
        *[When(**{field: code}, then=Value(n)) for code, n in order.items()],
        default=Value(len(order)),
        output_field=IntegerField(),
    )
