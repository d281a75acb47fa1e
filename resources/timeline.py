"""Promise First on a case's timeline: help requested of a member, and promises fulfilled with their value."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from cases.selectors import TimelineEntry, timeline_source
from core.templatetags.shouhu import yuan
from resources.models import PledgeRequest, PledgeRequestStatus


@timeline_source
def promise_entries(user: User, case: Case) -> Iterator[TimelineEntry]:
    for pr in PledgeRequest.objects.filter(case=case).select_related("pledge__member"):
        if pr.status == PledgeRequestStatus.FULFILLED:
            yield TimelineEntry(
                pr.fulfilled_on,
                "promise",
                _("Promise fulfilled by %(m)s: %(v)s") % {"m": pr.pledge.member, "v": yuan(pr.value)},
                pr.need,
            )
        yield TimelineEntry(
            pr.requested_on, "promise", _("Help requested from %(m)s") % {"m": pr.pledge.member}, pr.need
        )
