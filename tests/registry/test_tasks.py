from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.reminders import sweep
from registry.models import ChildFile, RegisterUpdate
from registry.services import add_months
from registry.tasks import register_daily
from tests.registry.conftest import make_file

pytestmark = pytest.mark.django_db


def test_an_18th_birthday_takes_the_file_off_the_register(cast, register):
    today = timezone.localdate()
    adult = make_file(
        location=register.village, director=register.director, name="赵大明", birth_date=add_months(today, -12 * 18)
    )
    almost = make_file(
        location=register.village,
        director=register.director,
        name="赵小明",
        birth_date=add_months(today, -12 * 18) + dt.timedelta(days=1),
    )
    assert register_daily() == 1
    adult.refresh_from_db()
    almost.refresh_from_db()
    assert (adult.status, adult.leave_reason, adult.left_on) == ("left", "turned_18", today)
    assert almost.status == "monitored"
    note = Notification.objects.get(user=register.director, kind="registry_turned_18")
    assert "赵大明" in note.text and note.object_type == "registry" and note.object_id == str(adult.pk)
    # run again: nothing changes twice, no second note
    assert register_daily() == 0
    assert Notification.objects.filter(kind="registry_turned_18").count() == 1


def test_reminders_due_overdue_waiting_and_towns_behind(cast, register):
    today = timezone.localdate()
    ChildFile.objects.filter(pk=register.file.pk).update(next_update_due=today + dt.timedelta(days=3))
    overdue = make_file(
        location=register.village,
        director=register.director,
        name="钱小雨",
        next_update_due=today - dt.timedelta(days=2),
    )
    update = RegisterUpdate.objects.create(
        file=register.other_file, date=today, summary="ok", submitted_by=register.director
    )
    RegisterUpdate.objects.filter(pk=update.pk).update(created_at=timezone.now() - dt.timedelta(days=5))
    # given
    result = sweep()
    # then
    assert result["register_updates_due"] >= 2
    kinds = set(Notification.objects.filter(user=register.director).values_list("kind", "object_id"))
    assert ("registry_update_due", str(register.file.pk)) in kinds
    assert ("registry_update_overdue", str(overdue.pk)) in kinds
    assert Notification.objects.filter(
        user=register.supervisor, kind="registry_update_waiting", object_id=str(update.pk)
    ).exists()
    assert not Notification.objects.filter(user=register.other_supervisor).exists()
    # the town has 1 overdue file of 3: behind
    assert Notification.objects.filter(
        user=cast.manager, kind="registry_town_behind", object_id=str(register.town.pk)
    ).exists()
    # a second sweep writes nothing new
    count = Notification.objects.count()
    sweep()
    assert Notification.objects.count() == count
    # once reviewed, the waiting reminder is resolved
    RegisterUpdate.objects.filter(pk=update.pk).update(status="approved")
    sweep()
    assert Notification.objects.get(kind="registry_update_waiting").resolved_at is not None
