"""Sending notifications: an in-app row now, email through Celery after commit.

Other apps call ``notify()``; the notifications app owns inbox pages, preferences, digests and
reminder sweeps. ``dedupe_key`` makes a notification exactly-once per recipient (unique in the
database), so a retried or repeated sweep cannot send the same reminder twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.outbox import enqueue, enqueue_many
from notifications.models import Notification
from notifications.rendering import render_message, source_of, stored_params


def notify(
    *,
    user: Any,
    kind: str,
    text: str = "",
    message: Any = "",
    params: dict[str, Any] | None = None,
    link: str = "",
    obj: Any = None,
    object_type: str = "",
    object_id: Any = "",
    dedupe_key: str | None = None,
    email: bool = True,
) -> Notification | None:
    """Create one notification for one user; returns None if ``dedupe_key`` was already used for them.

    ``message`` is a lazily translated string with ``%(name)s`` placeholders and ``params`` their
    values: stored as data and rendered in the reader's language whenever shown (``text``, for
    callers that have no message, is stored as it is). Either must say only what the recipient may
    know (no child's name to a pledger). The email says only that something waits, with a link.
    """
    if user is None or not getattr(user, "is_active", False):
        return None
    if obj is not None:
        object_type = object_type or obj._meta.model_name.replace("pledgerequest", "pledge-request")
        object_id = obj.pk
    stored = stored_params(params)
    if message:
        text = render_message(source_of(message), stored, fallback=str(text))
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                kind=kind,
                text=str(text)[:500],
                message=source_of(message)[:300] if message else "",
                params=stored,
                link=link,
                object_type=object_type,
                object_id=str(object_id or ""),
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None
    if email and user.email and wants_single_email(user, kind):
        enqueue("notifications.tasks.send_notification_email", notification.pk)
    return notification


def notify_all(
    *,
    users: list[Any],
    kind: str,
    message: Any,
    params: dict[str, Any] | None = None,
    link: str = "",
    obj: Any,
    dedupe_key: str,
) -> list[Notification]:
    """``notify`` for many recipients of the same message (e.g. every on-duty worker of a city about an
    immediate referral) in a constant number of statements, whatever their number: who already has
    ``dedupe_key``, one INSERT, everyone's email preferences, one outbox INSERT for the emails (sent by
    Celery after commit). A concurrent notify of the same key falls back to one by one."""
    users = [u for u in users if u is not None and getattr(u, "is_active", False)]
    if not users:
        return []
    already = set(Notification.objects.filter(dedupe_key=dedupe_key, user__in=users).values_list("user_id", flat=True))
    users = [u for u in users if u.pk not in already]
    stored = stored_params(params)
    text = render_message(source_of(message), stored, fallback="")
    object_type = obj._meta.model_name.replace("pledgerequest", "pledge-request")
    rows = [
        Notification(
            user=u,
            kind=kind,
            text=str(text)[:500],
            message=source_of(message)[:300],
            params=stored,
            link=link,
            object_type=object_type,
            object_id=str(obj.pk),
            dedupe_key=dedupe_key,
        )
        for u in users
    ]
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows)
    except IntegrityError:
        found = [
            notify(user=u, kind=kind, message=message, params=params, link=link, obj=obj, dedupe_key=dedupe_key)
            for u in users
        ]
        return [n for n in found if n is not None]
    emailed = _wanting_single_email([u for u in users if u.email], kind)
    enqueue_many("notifications.tasks.send_notification_email", [[n.pk] for n in created if n.user_id in emailed])
    return created


def _wanting_single_email(users: list[Any], kind: str) -> set[int]:
    """``wants_single_email`` for many users in one query: their ids."""
    from notifications.models import NotificationPreference

    if kind in URGENT_KINDS:
        return {u.pk for u in users}
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=users)}
    return {
        u.pk
        for u in users
        if (pref := prefs.get(u.pk)) is None or (kind not in pref.email_off_kinds and not pref.daily_digest)
    }


KINDS = {
    "referral_immediate": _("Immediate referrals"),
    "referral_status": _("News about my referrals"),
    "referral_waiting": _("Referrals waiting past their limit"),
    "pledge_request": _("Requests made of my promises"),
    "pledge_fulfilled": _("Promises fulfilled"),
    "pledge_unanswered": _("Requests with no answer"),
    "volunteer_concern": _("A volunteer is worried"),
    "visit_due": _("Home visits due"),
    "visit_overdue": _("Home visits a week overdue (managers)"),
    "case_quiet": _("Cases with no activity for 30 days"),
    "plan_review": _("Care plan reviews due"),
    "plan_action_due": _("Care plan actions due"),
    "director_meeting_due": _("WF directors without this month's meeting"),
    "caseload_pace": _("Caseload behind the contract target (managers)"),
    "registry_update_due": _("Quarterly visits coming due (children directors)"),
    "registry_update_overdue": _("Quarterly visits overdue (children directors)"),
    "registry_update_submitted": _("Quarterly updates to review (supervisors)"),
    "registry_update_waiting": _("Quarterly updates waiting for review (supervisors)"),
    "registry_update_returned": _("My updates returned by the supervisor"),
    "registry_turned_18": _("Children who turned 18 and left the register"),
    "registry_town_behind": _("Towns behind with the quarterly updates (managers)"),
    "programme_absence": _("Children missing group sessions"),
    "access_requested": _("Requests for access to a case (managers)"),
    "access_break_glass": _("Emergency access to a case (managers)"),
    "access_decided": _("Answers to my requests for access"),
}

# Urgent kinds are always emailed at once, whatever the digest setting.
URGENT_KINDS = {"referral_immediate", "volunteer_concern", "access_break_glass"}


def wants_single_email(user: Any, kind: str) -> bool:
    from notifications.models import NotificationPreference

    pref = NotificationPreference.objects.filter(user=user).first()
    if pref is None or kind in URGENT_KINDS:
        return True
    return kind not in pref.email_off_kinds and not pref.daily_digest


def notifications_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True, resolved_at__isnull=True).count()


def notification_mark_read(*, user: Any, notification: Notification) -> Notification:
    from django.utils import timezone

    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


# What the reminder sweep sends again and again: grouped per case (or per item) in the inbox.
ROUTINE_KINDS = {
    "visit_due",
    "visit_overdue",
    "case_quiet",
    "plan_review",
    "plan_action_due",
    "programme_absence",
    "director_meeting_due",
    "caseload_pace",
    "referral_waiting",
    "pledge_unanswered",
    "registry_update_due",
    "registry_update_overdue",
    "registry_update_waiting",
    "registry_town_behind",
}
ROUTINE_GROUP_LIMIT = 500


@dataclass
class ReminderGroup:
    """The unread routine reminders about one thing (a case), shown as one line."""

    latest: Notification
    items: list[Notification]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def kind_labels(self) -> list[str]:
        return list(dict.fromkeys(str(KINDS.get(n.kind, n.kind)) for n in self.items))


@dataclass
class Inbox:
    urgent: list[Notification]
    groups: list[ReminderGroup]
    rest: QuerySet[Notification]


def inbox_for(user: Any, *, kind: str = "") -> Inbox:
    """The calm inbox: urgent items not yet dealt with pinned on top; the unread routine reminders one
    line per case; everything else newest first (a page of it). With ``kind``: only that kind, flat."""
    mine = notifications_for(user)
    if kind:
        return Inbox(urgent=[], groups=[], rest=mine.filter(kind=kind))
    pending = mine.filter(read_at__isnull=True, resolved_at__isnull=True)
    urgent = list(pending.filter(kind__in=URGENT_KINDS)[:50])
    routine = list(pending.filter(kind__in=ROUTINE_KINDS)[:ROUTINE_GROUP_LIMIT])
    shown = [n.pk for n in urgent] + [n.pk for n in routine]
    return Inbox(urgent=urgent, groups=group_reminders(routine), rest=mine.exclude(pk__in=shown))


def group_reminders(routine: list[Notification]) -> list[ReminderGroup]:
    """Routine reminders (newest first) one group per thing they are about (a case), newest group first."""
    groups: dict[tuple[str, str], ReminderGroup] = {}
    for n in routine:  # newest first, so each group's first row is its latest
        key = (n.object_type, n.object_id) if n.object_id else ("", str(n.pk))
        if key in groups:
            groups[key].items.append(n)
        else:
            groups[key] = ReminderGroup(latest=n, items=[n])
    return list(groups.values())


@dataclass
class Digest:
    """What a digest email tells: the urgent items one by one, the reminders one line per case, and how
    many others wait (no text of any of them: emails carry no child's details)."""

    urgent: list[Notification]
    groups: list[ReminderGroup]
    others: int

    @property
    def count(self) -> int:
        return len(self.urgent) + sum(group.count for group in self.groups) + self.others


def digest_of(pending: list[Notification]) -> Digest:
    """The notifications a digest carries (newest first), grouped as the inbox groups them."""
    return Digest(
        urgent=[n for n in pending if n.kind in URGENT_KINDS],
        groups=group_reminders([n for n in pending if n.kind in ROUTINE_KINDS]),
        others=sum(1 for n in pending if n.kind not in URGENT_KINDS and n.kind not in ROUTINE_KINDS),
    )


def notifications_mark_read(*, user: Any, ids: list[int]) -> int:
    """Mark several of the user's own notifications read (a group of reminders); others' are untouched."""
    from django.utils import timezone

    return notifications_for(user).filter(pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())
