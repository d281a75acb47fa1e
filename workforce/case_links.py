"""The case page's link to the case's supervision reviews, for those who may open them (its managers)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from cases.permissions import may_act_on_case
from cases.selectors import CaseLink, case_link_source


@case_link_source
def case_reviews_link(user: User, case: Case) -> list[CaseLink]:
    # the reviews page's check: the case is visible to the user (``case_links`` asks only then) and
    # they approve its casework (its managers)
    if not may_act_on_case(user, case, "approve"):
        return []
    return [CaseLink(_("Case reviews"), reverse("workforce:case-reviews", args=[case.pk]), "case-link-reviews")]
