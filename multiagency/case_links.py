"""The case page's link to its multi-agency case, for those the multi-agency policy lets open it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from cases.selectors import CaseLink, case_link_source
from multiagency.permissions import joint_case_of


@case_link_source
def joint_case_link(user: User, case: Case) -> list[CaseLink]:
    joint = joint_case_of(user, case)
    if joint is None:
        return []
    return [CaseLink(_("Multi-agency case"), reverse("multiagency:detail", args=[joint.pk]), "case-link-joint")]
