"""The referrals app's reminders: a new referral past its triage limit, to the managers; an outgoing
referral with no answer by its follow-up date, to the referring worker."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy

from notifications.models import Notification
from notifications.reminders import (
    Since,
    active_managers,
    insert_rows,
    reminded_object_pk,
    reminder_resolver,
    reminder_rule,
)
from notifications.rendering import worded
from referrals.models import OutgoingReferral, OutgoingService, OutgoingStatus, Referral, ReferralStatus
from referrals.selectors import overdue_referrals, triage_limits


@reminder_rule("referrals_waiting", clock="now")
def referrals_waiting(*, now: dt.datetime, since: Since | None = None) -> int:
    """On a re-run (``since``) only referrals whose triage limit passed since, or written since."""
    overdue = overdue_referrals(now=now)
    if since is not None:
        newly_late = Q(updated_at__gt=since.changed_after)
        for urgency, limit in triage_limits().items():
            newly_late |= Q(urgency=urgency, received_at__gte=since.now - limit)
        overdue = overdue.filter(newly_late)
    waiting = overdue.values_list("pk", "reference", "organisation_id")
    managers: dict[int, list[int]] = {}
    for _pk, _reference, organisation_id in waiting:
        if organisation_id not in managers:
            managers[organisation_id] = active_managers(organisation_id)
    rows = [
        Notification(
            user_id=manager_id,
            kind="referral_waiting",
            link=reverse("referrals:detail", args=[pk]),
            object_type="referral",
            object_id=str(pk),
            **worded(gettext_lazy("Referral %(r)s is waiting past its triage limit."), {"r": reference}),
            dedupe_key=f"referral-waiting:{pk}",
        )
        for pk, reference, organisation_id in waiting
        for manager_id in managers[organisation_id]
    ]
    return insert_rows(rows)


@reminder_resolver
def referrals_triaged(*, open_reminders: QuerySet[Notification], now: dt.datetime) -> int:
    still_new = Referral.objects.filter(pk=reminded_object_pk(), status=ReferralStatus.NEW)
    return open_reminders.filter(kind="referral_waiting").exclude(Exists(still_new)).update(resolved_at=now)


@reminder_rule("outgoing_unanswered")
def outgoing_unanswered(*, today: dt.date) -> int:
    """An outgoing referral with no answer by its follow-up date: the referring worker (else the
    case's lead worker) is asked to follow it up with the receiving organisation."""
    waiting = (
        OutgoingReferral.objects.filter(status=OutgoingStatus.SENT, follow_up_on__lte=today)
        .select_related("case", "created_by", "case__lead_worker")
        .order_by("pk")
    )
    rows = []
    for outgoing in waiting:
        user = (
            outgoing.created_by if outgoing.created_by and outgoing.created_by.is_active else outgoing.case.lead_worker
        )
        if user is None or not user.is_active:
            continue
        rows.append(
            Notification(
                user_id=user.pk,
                kind="outgoing_unanswered",
                link=reverse("cases:detail", args=[outgoing.case_id]),
                object_type="outgoing-referral",
                object_id=str(outgoing.pk),
                **worded(
                    gettext_lazy("No answer yet from %(org)s on the referral of case %(n)s: please follow it up."),
                    {
                        "org": outgoing.organisation or OutgoingService(outgoing.service).label,
                        "n": outgoing.case.number,
                    },
                ),
                dedupe_key=f"outgoing-follow-up:{outgoing.pk}:{outgoing.follow_up_on}",
            )
        )
    return insert_rows(rows)


@reminder_resolver
def outgoing_answered(*, open_reminders: QuerySet[Notification], now: dt.datetime) -> int:
    still_waiting = OutgoingReferral.objects.filter(pk=reminded_object_pk(), status=OutgoingStatus.SENT)
    return open_reminders.filter(kind="outgoing_unanswered").exclude(Exists(still_waiting)).update(resolved_at=now)
