"""Reminder rules of the monitoring register: files coming due and overdue (to their director),
updates waiting for review (to the town's supervisors), towns falling behind (to managers).
Each reminder is written at most once per item and due date (the dedupe key)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role
from notifications.models import Notification
from notifications.reminders import insert_rows, reminded_object_pk, reminder_resolver, reminder_rule
from notifications.rendering import worded
from registry.models import ChildFile, FileStatus, RegisterUpdate, ServiceArea, UpdateStatus

DUE_SOON_DAYS = 14
WAITING_DAYS = 3
BEHIND_SHARE = 0.2


@reminder_rule("register_updates_due")
def register_updates_due(*, today: dt.date) -> int:
    waiting = RegisterUpdate.objects.filter(file=OuterRef("pk"), status=UpdateStatus.SUBMITTED)
    files = (
        ChildFile.objects.filter(
            status=FileStatus.MONITORED,
            director__is_active=True,
            next_update_due__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
        )
        .exclude(Exists(waiting))
        .values_list("pk", "name", "director_id", "next_update_due")
    )
    rows = []
    for pk, name, director_id, due in files:
        overdue = due < today
        rows.append(
            Notification(
                user_id=director_id,
                kind="registry_update_overdue" if overdue else "registry_update_due",
                link=reverse("registry:home"),
                object_type="registry",
                object_id=str(pk),
                **worded(
                    gettext_lazy("The quarterly visit to %(name)s is overdue (due %(d)s).")
                    if overdue
                    else gettext_lazy("The quarterly visit to %(name)s is due by %(d)s."),
                    {"name": name, "d": due.isoformat()},
                ),
                dedupe_key=f"registry-{'overdue' if overdue else 'due'}:{pk}:{due}",
            )
        )
    return insert_rows(rows)


def _supervisors_by_town() -> dict[int, set[int]]:
    towns: dict[int, set[int]] = defaultdict(set)
    for pk, location_id in User.objects.filter(
        role=Role.CHILDREN_SUPERVISOR, is_active=True, location__isnull=False
    ).values_list("pk", "location_id"):
        towns[location_id].add(pk)
    for user_id, location_id in ServiceArea.objects.filter(
        user__role=Role.CHILDREN_SUPERVISOR, user__is_active=True
    ).values_list("user_id", "location_id"):
        towns[location_id].add(user_id)
    return towns


@reminder_rule("register_updates_waiting")
def register_updates_waiting(*, today: dt.date) -> int:
    supervisors = _supervisors_by_town()
    waiting = RegisterUpdate.objects.filter(
        status=UpdateStatus.SUBMITTED, created_at__date__lte=today - dt.timedelta(days=WAITING_DAYS)
    ).values_list("pk", "file__location__parent_id", "file__location__name")
    rows = [
        Notification(
            user_id=user_id,
            kind="registry_update_waiting",
            link=reverse("registry:review"),
            object_type="registry-update",
            object_id=str(pk),
            **worded(
                gettext_lazy("An update from %(village)s has been waiting for your review for more than %(n)s days."),
                {"village": village, "n": WAITING_DAYS},
            ),
            dedupe_key=f"registry-waiting:{pk}",
        )
        for pk, town_id, village in waiting
        for user_id in (supervisors.get(town_id, set()) if town_id is not None else set())
    ]
    return insert_rows(rows)


@reminder_rule("register_towns_behind")
def towns_behind(*, today: dt.date) -> int:
    """Monthly, to managers: towns where more than a fifth of the files are overdue."""
    managers = list(User.objects.filter(role=Role.MANAGER, is_active=True).values_list("pk", flat=True))
    per_town = (
        ChildFile.objects.filter(status=FileStatus.MONITORED)
        .values("location__parent_id", "location__parent__name")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(next_update_due__lt=today)))
    )
    rows = []
    for row in per_town:
        if row["location__parent_id"] is None or not row["overdue"] or row["overdue"] <= BEHIND_SHARE * row["n"]:
            continue
        rows += [
            Notification(
                user_id=manager_id,
                kind="registry_town_behind",
                link=reverse("registry:town") + f"?town={row['location__parent_id']}",
                object_type="location",
                object_id=str(row["location__parent_id"]),
                **worded(
                    gettext_lazy(
                        "%(town)s: %(o)s of %(n)s files on the register are overdue for their quarterly update."
                    ),
                    {"town": row["location__parent__name"], "o": row["overdue"], "n": row["n"]},
                ),
                dedupe_key=f"registry-town-behind:{row['location__parent_id']}:{today:%Y-%m}",
            )
            for manager_id in managers
        ]
    return insert_rows(rows)


@reminder_resolver
def register_reminders_done(*, open_reminders: QuerySet[Notification], now: dt.datetime) -> int:
    object_id = reminded_object_pk()
    resolved = (
        open_reminders.filter(kind__in=["registry_update_due", "registry_update_overdue"])
        .filter(
            Exists(
                RegisterUpdate.objects.filter(file_id=object_id, created_at__gte=OuterRef("created_at")).exclude(
                    status=UpdateStatus.RETURNED
                )
            )
            | Exists(ChildFile.objects.filter(pk=object_id, status=FileStatus.LEFT))
        )
        .update(resolved_at=now)
    )
    resolved += (
        open_reminders.filter(kind__in=["registry_update_waiting", "registry_update_submitted"])
        .exclude(Exists(RegisterUpdate.objects.filter(pk=object_id, status=UpdateStatus.SUBMITTED)))
        .update(resolved_at=now)
    )
    return resolved
