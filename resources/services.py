"""Promise First writes: promises, requests made of members, their answers and fulfilments. All audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import Count, F, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from alliance.models import Member
from cases.choices import CaseStatus, Urgency
from cases.identifying import check_text, findings_for_case
from cases.models import Case
from core.audit import audit_log
from core.dates import age_in_years
from core.models import AuditAction
from core.services import model_create, model_update
from notifications.services import notify
from resources.models import Pledge, PledgeRequest, PledgeRequestStatus
from resources.permissions import check_may_change_pledges_of

MAX_VALUE = Decimal("10000000")
OPEN_STATUSES = (PledgeRequestStatus.REQUESTED, PledgeRequestStatus.ACCEPTED)


def parse_yuan(value: Any, *, field: str = "value") -> Decimal:
    """A yuan amount: a finite decimal > 0 with at most two decimals; anything else is refused."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter an amount in yuan, for example 150 or 150.50.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Enter an amount in yuan, for example 150 or 150.50.")})
    if amount <= 0:
        raise ValidationError({field: _("The amount must be more than 0 yuan.")})
    if amount > MAX_VALUE:
        raise ValidationError({field: _("The amount is too large.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: _("Use at most two decimals (fen).")})
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def pledge_create(
    *,
    actor: User,
    member: Member,
    kind: str,
    description: str,
    valid_from: dt.date,
    estimated_value: Any = None,
    capacity: int | None = None,
    valid_until: dt.date | None = None,
    is_active: bool = True,
) -> Pledge:
    check_may_change_pledges_of(actor, member.pk)
    if estimated_value not in (None, ""):
        estimated_value = parse_yuan(estimated_value, field="estimated_value")
    else:
        estimated_value = None
    pledge = Pledge(
        member=member,
        kind=kind,
        description=description.strip(),
        estimated_value=estimated_value,
        capacity=capacity,
        valid_from=valid_from,
        valid_until=valid_until,
        is_active=is_active,
    )
    pledge.full_clean()
    pledge.save()
    if not member.is_pledger:
        Member.objects.filter(pk=member.pk).update(is_pledger=True)
    audit_log(action=AuditAction.CREATE, user=actor, obj=pledge)
    return pledge


@transaction.atomic
def pledge_update(*, actor: User, pledge: Pledge, **fields: Any) -> Pledge:
    check_may_change_pledges_of(actor, pledge.member_id)
    if "member" in fields:
        check_may_change_pledges_of(actor, getattr(fields["member"], "pk", fields["member"]))
    if fields.get("estimated_value") not in (None, ""):
        fields["estimated_value"] = parse_yuan(fields["estimated_value"], field="estimated_value")
    return model_update(actor=actor, obj=pledge, fields=fields)


def pledges_matching_need(*, case: Case, kind: str, today: dt.date | None = None) -> QuerySet[Pledge]:
    """Promises that fit a need: same kind, valid today, active, capacity left; nearest first. Only the
    case's organisation's Alliance members (another NGO's Alliance is not theirs to call on)."""
    today = today or timezone.localdate()
    location = case.child.location
    town_id = location.parent_id if location else None
    return (
        Pledge.objects.filter(kind=kind, is_active=True, member__is_active=True, valid_from__lte=today)
        .filter(member__organisation_id=case.organisation_id)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .annotate(
            used=Count("requests", filter=Q(requests__status__in=[*OPEN_STATUSES, PledgeRequestStatus.FULFILLED]))
        )
        .filter(Q(capacity__isnull=True) | Q(capacity__gt=F("used")))
        .annotate(
            distance=SqlCase(
                When(member__location_id=location.pk if location else -1, then=Value(0)),
                When(member__location__parent_id=town_id or -1, then=Value(1)),
                When(member__location_id=town_id or -1, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .select_related("member", "member__location")
        .order_by("distance", "used", "-valid_from", "pk")
    )


def public_text_for(case: Case, what: str) -> str:
    """What the member is told: age, sex, village and the need — never the child's name or case."""
    child = case.child
    age = ""
    if child.birth_date:
        years = age_in_years(child.birth_date)
        age = _("%(n)s-year-old") % {"n": years}
    sex = {"female": _("girl"), "male": _("boy")}.get(child.sex, _("child"))
    village = child.location.name if child.location else ""
    return _("A %(age)s %(sex)s in %(village)s needs: %(what)s") % {
        "age": age,
        "sex": sex,
        "village": village,
        "what": what,
    }


@transaction.atomic
def request_create(
    *,
    actor: User,
    case: Case,
    pledge: Pledge,
    need: str,
    what: str,
    urgency: str = Urgency.SOON,
    estimated_value: Any = None,
) -> PledgeRequest:
    """Ask a member to fulfil their promise for a need on a case; they are told only the public text."""
    what = (what or "").strip()
    if not what:
        raise ValidationError({"what": _("Say what to ask the member for.")})
    if len(what) > 200:
        raise ValidationError({"what": _("Keep it under 200 characters.")})
    check_text(what, findings_for_case(what, case), field="what", reader=_("The member"))
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("This case is closed."))
    if pledge.member.organisation_id != case.organisation_id:
        raise ValidationError({"pledge": _("That promise was made to another organisation's Alliance.")})
    today = timezone.localdate()
    if not pledge.is_active or pledge.valid_from > today or (pledge.valid_until and pledge.valid_until < today):
        raise ValidationError({"pledge": _("This promise is not valid now.")})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose how urgent the need is.")})
    value = parse_yuan(estimated_value, field="estimated_value") if estimated_value not in (None, "") else None
    request = PledgeRequest(
        case=case,
        pledge=pledge,
        need=(need or what).strip()[:5000],
        requested_on=today,
        requested_by=actor,
        public_text=public_text_for(case, what)[:300],
        need_urgency=urgency,
        need_estimated_value=value,
    )
    model_create(actor=actor, obj=request, detail={"case": case.pk})
    for account in pledge.member.accounts.filter(is_active=True):
        notify(
            user=account,
            kind="pledge_request",
            obj=request,
            link=reverse("resources:my-requests"),
            text=request.public_text,
            dedupe_key=f"pledge-request:{request.pk}",
        )
    return request


def _locked(request: PledgeRequest) -> PledgeRequest:
    return PledgeRequest.objects.select_for_update().select_related("pledge__member").get(pk=request.pk)


@transaction.atomic
def request_answer(*, actor: User, request: PledgeRequest, accept: bool, note: str = "") -> PledgeRequest:
    request = _locked(request)
    if request.status != PledgeRequestStatus.REQUESTED:
        raise ValidationError(_("This request was already answered."))
    request.status = PledgeRequestStatus.ACCEPTED if accept else PledgeRequestStatus.DECLINED
    request.answered_on = timezone.localdate()
    if note:
        request.note = note.strip()[:2000]
    request.save(update_fields=["status", "answered_on", "note", "updated_at"])
    audit_log(action=AuditAction.UPDATE, user=actor, obj=request, detail={"status": request.status})
    return request


@transaction.atomic
def request_fulfil(
    *, actor: User, request: PledgeRequest, fulfilled_on: dt.date, value: Any, note: str = ""
) -> PledgeRequest:
    """Record that the help was given, valued in yuan (exact to the fen)."""
    amount = parse_yuan(value)
    if fulfilled_on > timezone.localdate():
        raise ValidationError({"fulfilled_on": _("The date cannot be in the future.")})
    request = _locked(request)
    if request.status not in OPEN_STATUSES:
        raise ValidationError(_("Only a requested or accepted request can be fulfilled."))
    if fulfilled_on < request.requested_on:
        raise ValidationError({"fulfilled_on": _("The date cannot be before the request.")})
    request.status = PledgeRequestStatus.FULFILLED
    request.fulfilled_on = fulfilled_on
    request.value = amount
    request.answered_on = request.answered_on or fulfilled_on
    request.note = (note or request.note).strip()[:2000]
    request.save(update_fields=["status", "fulfilled_on", "value", "answered_on", "note", "updated_at"])
    audit_log(action=AuditAction.UPDATE, user=actor, obj=request, detail={"fulfilled": str(amount)})
    if request.requested_by_id and request.requested_by_id != actor.pk:
        notify(
            user=request.requested_by,
            kind="pledge_fulfilled",
            obj=request,
            link=reverse("cases:detail", args=[request.case_id]),
            message=gettext_lazy("%(m)s fulfilled a promise: %(v)s yuan"),
            params={"m": str(request.pledge.member), "v": str(amount)},
            dedupe_key=f"pledge-fulfilled:{request.pk}",
        )
    return request


@transaction.atomic
def request_cancel(*, actor: User, request: PledgeRequest, note: str = "") -> PledgeRequest:
    request = _locked(request)
    if request.status not in OPEN_STATUSES:
        raise ValidationError(_("Only an open request can be cancelled."))
    request.status = PledgeRequestStatus.CANCELLED
    request.note = note.strip()[:2000] or request.note
    request.save(update_fields=["status", "note", "updated_at"])
    audit_log(action=AuditAction.UPDATE, user=actor, obj=request, detail={"status": "cancelled"})
    return request
