"""The referrals app's reminder: a new referral past its triage limit, to the managers."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import Notification
from notifications.reminders import active_managers, insert_rows, reminded_object_pk, reminder_resolver, reminder_rule
from referrals.models import Referral, ReferralStatus
from referrals.selectors import overdue_referrals


@reminder_rule("referrals_waiting", clock="now")
def referrals_waiting(*, now: dt.datetime) -> int:
    waiting = overdue_referrals(now=now).values_list("pk", "reference")
    managers = active_managers()
    rows = [
        Notification(
            user_id=manager_id,
            kind="referral_waiting",
            link=reverse("referrals:detail", args=[pk]),
            object_type="referral",
            object_id=str(pk),
            text=_("Referral %(r)s is waiting past its triage limit.") % {"r": reference},
            dedupe_key=f"referral-waiting:{pk}",
        )
        for pk, reference in waiting
        for manager_id in managers
    ]
    return insert_rows(rows)


@reminder_resolver
def referrals_triaged(*, open_reminders: QuerySet[Notification], now: dt.datetime) -> int:
    still_new = Referral.objects.filter(pk=reminded_object_pk(), status=ReferralStatus.NEW)
    return open_reminders.filter(kind="referral_waiting").exclude(Exists(still_new)).update(resolved_at=now)
