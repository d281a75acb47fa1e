"""Who may read and do what on a multi-agency case: the one access policy for its pages and API.

- The lead: whoever sees the case under the cases policy (``case_scope``: the case's team and
  the managers of its organisation) reads everything on the multi-agency case but the partners'
  confidential notes; those who may change the case (``may_act_on_case(..., "change")``) manage it:
  invite and remove partners, plan any agency's tasks, record the forensic interview.
- A partner: the managers and social workers of an organisation with an active membership. They read
  what the membership's scope allows (``PartnerScope``) and act for their own agency only. A partner
  never reaches the case file itself (the cases policy knows nothing of memberships).
- Anyone else, a partner that has left included: 404, the same answer as "does not exist".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role
from cases.permissions import case_scope, may_act_on_case, works_on_cases
from core.permissions import one_or_404
from multiagency.models import (
    SCOPE_ORDER,
    CaseConference,
    JointCase,
    JointNote,
    JointTask,
    Milestone,
    Partner,
    PartnerScope,
)

ROLE_PERMISSIONS: dict[str, list[str]] = {}

JointAction = Literal["view", "manage", "plan", "note", "interview", "leave", "conference", "milestone", "close"]

# What may still be done once the multi-agency case is closed: read it, record what the court does
# next (a judgment comes after the services end) and leave it.
_WHEN_CLOSED: frozenset[str] = frozenset({"view", "milestone", "leave"})


@dataclass(frozen=True)
class JointAccess:
    """What one user may read and do on one multi-agency case."""

    joint: JointCase
    organisation_id: int
    lead: bool
    manages: bool
    partner: Partner | None
    partner_is_manager: bool = False

    def _scope_at_least(self, scope: str) -> bool:
        if self.lead:
            return True
        if self.partner is None:
            return False
        return SCOPE_ORDER.index(PartnerScope(self.partner.scope)) >= SCOPE_ORDER.index(PartnerScope(scope))

    @property
    def sees_child(self) -> bool:
        return self._scope_at_least(PartnerScope.PLAN)

    @property
    def sees_whole_plan(self) -> bool:
        return self._scope_at_least(PartnerScope.PLAN)

    @property
    def sees_interview(self) -> bool:
        return self._scope_at_least(PartnerScope.PLAN_AND_INTERVIEW)

    @property
    def sees_minutes(self) -> bool:
        """A conference's minutes and decisions, and every agency's follow-up tasks."""
        return self._scope_at_least(PartnerScope.PLAN)

    @property
    def sees_milestones(self) -> bool:
        """The dates of the proceedings (police, procuratorate, court)."""
        return self._scope_at_least(PartnerScope.PLAN)

    @property
    def closed(self) -> bool:
        return self.joint.closed_on is not None

    @property
    def may_close(self) -> bool:
        return self.may("close")

    def may(self, action: JointAction) -> bool:
        if self.closed and action not in _WHEN_CLOSED:
            return False
        if action == "view":
            return True
        if action in ("manage", "conference", "close"):
            return self.manages
        if action == "milestone":
            return self.manages or (self.partner is not None and self.sees_milestones)
        if action == "interview":
            return self.manages or (self.partner is not None and self.sees_interview)
        if action == "leave":
            return self.partner is not None and self.partner_is_manager
        return self.manages or self.partner is not None  # plan (own agency's tasks), note

    def tasks(self) -> QuerySet[JointTask]:
        tasks = self.joint.tasks.select_related("organisation")
        return tasks if self.sees_whole_plan else tasks.filter(organisation_id=self.organisation_id)

    def notes(self) -> QuerySet[JointNote]:
        """Own agency's notes; the others' shared notes with the plan; never another's confidential one."""
        notes = self.joint.notes.select_related("organisation", "author")
        own = Q(organisation_id=self.organisation_id)
        if self.sees_whole_plan:
            return notes.filter(own | Q(confidential=False))
        return notes.filter(own)

    def conferences(self) -> QuerySet[CaseConference]:
        """Every conference for the lead and the plan scope; a partner with its own tasks only, those its
        agency was invited to (without their minutes: ``sees_minutes``)."""
        conferences = self.joint.conferences.prefetch_related("agencies")
        if self.sees_minutes:
            return conferences
        return conferences.filter(agencies=self.organisation_id)

    def milestones(self) -> QuerySet[Milestone]:
        return self.joint.milestones.all() if self.sees_milestones else self.joint.milestones.none()

    def may_act_for(self, organisation_id: int) -> bool:
        """Plan or update a task of this agency: the lead's managers for any, a partner for its own."""
        if self.closed:
            return False
        return self.manages or (self.partner is not None and organisation_id == self.organisation_id)


def _active_partnerships(user: Any) -> QuerySet[Partner]:
    return Partner.objects.filter(organisation_id=user.organisation_id, left_on__isnull=True)


def joint_cases_visible_to(user: Any) -> QuerySet[JointCase]:
    """The lead's (cases the user sees) and those the user's organisation is an active partner on."""
    if not works_on_cases(user) or not user.is_active:
        return JointCase.objects.none()
    lead = Q(case__in=case_scope(user).values("pk"))
    partner = Q(pk__in=_active_partnerships(user).values("joint_case_id"))
    return (
        JointCase.objects.filter(lead | partner)
        .select_related("case", "case__child", "case__organisation", "case__lead_worker")
        .order_by("-opened_on", "-pk")
    )


def joint_case_of(user: Any, case: Any) -> JointCase | None:
    """The case's multi-agency case if the user sees it (the lead's staff who see the case, an active
    partner's staff), else None."""
    return joint_cases_visible_to(user).filter(case_id=case.pk).first()


def access_to(user: Any, joint: JointCase) -> JointAccess:
    """The user's access to a multi-agency case they see (``joint_cases_visible_to``)."""
    lead = case_scope(user).filter(pk=joint.case_id).exists()
    partner = None if lead else _active_partnerships(user).filter(joint_case=joint).first()
    if not lead and partner is None:
        raise Http404
    return JointAccess(
        joint=joint,
        organisation_id=user.organisation_id,
        lead=lead,
        manages=lead and may_act_on_case(user, joint.case, "change"),
        partner=partner,
        partner_is_manager=partner is not None and user.has_role(Role.MANAGER),
    )


def get_joint_access(user: Any, pk: Any, action: JointAction = "view") -> JointAccess:
    """The user's access to the multi-agency case ``pk``: 404 if they may not see it, 403 if they see
    it but may not do ``action``."""
    joint = one_or_404(joint_cases_visible_to(user), pk=pk)
    access = access_to(user, joint)
    check_joint_action(access, action)
    return access


def check_joint_action(access: JointAccess, action: JointAction) -> None:
    if not access.may(action):
        raise PermissionDenied


def get_task_for(access: JointAccess, pk: Any) -> JointTask:
    """A task the user reads on this case (else 404) and may update (else 403)."""
    task = one_or_404(access.tasks(), pk=pk)
    if not access.may_act_for(task.organisation_id):
        raise PermissionDenied
    return task


def get_conference_for(access: JointAccess, pk: Any) -> CaseConference:
    """A conference the user reads on this case, else 404."""
    return one_or_404(access.conferences(), pk=pk)


def get_partner_for(access: JointAccess, pk: Any) -> Partner:
    """An active membership the user may end: the lead's managers any, a partner's manager its own."""
    partner = one_or_404(access.joint.partners.select_related("organisation"), pk=pk, left_on__isnull=True)
    if not (access.manages or (access.partner is not None and access.partner.pk == partner.pk and access.may("leave"))):
        raise PermissionDenied
    return partner
