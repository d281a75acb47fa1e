"""Who sees which referral.

- a referrer: only their own (never the case behind it);
- admins: every referral; managers: every referral their organisation received;
- a social worker: their organisation's triage pool (``new`` and ``needs_info``); an accepted
  referral exactly when they may see its case; a declined or referred-on one only if they triaged it.

A referral belongs to the organisation that receives it: another organisation's staff get 404.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.models import Role
from accounts.roles import PROJECT_STAFF
from core.permissions import one_or_404
from referrals.models import Referral, ReferralStatus

ROLE_PERMISSIONS = {
    Role.MANAGER: ["referrals.view_referral", "referrals.add_referral", "referrals.change_referral"],
    Role.SOCIAL_WORKER: ["referrals.view_referral", "referrals.add_referral", "referrals.change_referral"],
    Role.REFERRER: ["referrals.add_referral"],
}


def is_triage_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*PROJECT_STAFF))


def may_refer(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.REFERRER, *PROJECT_STAFF))


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Referral.objects.none()
    base = Referral.objects.select_related("location", "referrer_member", "case")
    if user.has_role(Role.ADMIN):
        return base
    if user.has_role(Role.MANAGER):
        return base.filter(organisation_id=user.organisation_id)
    if user.has_role(Role.SOCIAL_WORKER):
        from cases.permissions import visible_case_ids

        pool = Q(status__in=[ReferralStatus.NEW, ReferralStatus.NEEDS_INFO])
        accepted = Q(status=ReferralStatus.ACCEPTED, case_id__in=visible_case_ids(user))
        triaged = Q(status__in=[ReferralStatus.DECLINED, ReferralStatus.REFERRED_ON], triaged_by_id=user.pk)
        return base.filter(organisation_id=user.organisation_id).filter(pool | accepted | triaged)
    if user.has_role(Role.REFERRER):
        own = Q(created_by=user)
        if user.member_id:
            own |= Q(referrer_member_id=user.member_id)
        return base.filter(own)
    return Referral.objects.none()


ReferralAction = Literal["view", "triage"]


def may_act_on_referral(user: Any, referral: Referral, action: ReferralAction) -> bool:
    """A referrer sees their own referrals; only project staff triage (accept, decline, ask, link)."""
    return action == "view" or is_triage_staff(user)


def get_referral_for_user(user: Any, pk: Any, action: ReferralAction = "view", *, for_triage: bool = False) -> Referral:
    """The referral if the user may see it, else 404; 403 if they may not do ``action``.
    (``for_triage=True`` is the older spelling of ``action="triage"``.)"""
    if for_triage:
        action = "triage"
    referral = one_or_404(referrals_visible_to(user), pk=pk)
    if not may_act_on_referral(user, referral, action):
        raise PermissionDenied
    return referral
