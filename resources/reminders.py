"""Promise First's reminder: a request a member has not answered for a week, to the social worker."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import Notification
from notifications.reminders import Since, insert_rows, reminded_object_pk, reminder_resolver, reminder_rule
from resources.models import PledgeRequest, PledgeRequestStatus


@reminder_rule("pledge_requests_unanswered")
def pledge_requests_unanswered(*, today: dt.date, since: Since | None = None) -> int:
    """On a re-run (``since``) only requests that reached the week since, or were written since."""
    waiting = PledgeRequest.objects.filter(
        status=PledgeRequestStatus.REQUESTED,
        requested_on__lte=today - dt.timedelta(days=7),
        requested_by__is_active=True,
    )
    if since is not None:
        waiting = waiting.filter(
            Q(requested_on__gt=since.today - dt.timedelta(days=7)) | Q(updated_at__gt=since.changed_after)
        )
    rows = [
        Notification(
            user_id=worker_id,
            kind="pledge_unanswered",
            link=reverse("cases:detail", args=[case_id]),
            object_type="pledge-request",
            object_id=str(pk),
            text=_("%(m)s has not answered a request for a week.") % {"m": member},
            dedupe_key=f"pledge-unanswered:{pk}",
        )
        for pk, case_id, worker_id, member in waiting.values_list(
            "pk", "case_id", "requested_by_id", "pledge__member__name"
        )
    ]
    return insert_rows(rows)


@reminder_resolver
def pledge_requests_answered(*, open_reminders: QuerySet[Notification], now: dt.datetime) -> int:
    waiting = PledgeRequest.objects.filter(pk=reminded_object_pk(), status=PledgeRequestStatus.REQUESTED)
    return open_reminders.filter(kind="pledge_unanswered").exclude(Exists(waiting)).update(resolved_at=now)
