"""Unit tests of notifications.services and rendering, called directly: notify() exactly once per
key, for active users only, its message kept as its English source and rendered in the reader's
language, its email through the outbox only when wanted; reading, counting, the calm inbox and the
digest's grouping."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from accounts.models import Role
from core.models import OutboxMessage
from notifications.models import Notification, NotificationPreference
from notifications.rendering import render_message, stored_params
from notifications.services import (
    digest_of,
    group_reminders,
    inbox_for,
    notification_mark_read,
    notifications_mark_read,
    notify,
    unread_count,
    wants_single_email,
)
from tests.factories import PledgeRequestFactory, UserFactory
from tests.writes import writes_nothing

pytestmark = pytest.mark.django_db

EMAIL_TASK = "notifications.tasks.send_notification_email"


def emails_queued() -> int:
    return OutboxMessage.objects.filter(task_name=EMAIL_TASK).count()


@pytest.fixture
def reader(cast):
    cast.worker.email = "xiaochen@example.org"
    cast.worker.save(update_fields=["email"])
    return cast.worker


# --- notify ----------------------------------------------------------------------------------------


def test_a_notification_keeps_its_message_source_and_renders_in_the_readers_language(reader):
    message = gettext_lazy("Your referral %(ref)s: %(status)s")
    with translation.override("zh-hans"):
        note = notify(
            user=reader,
            kind="referral_status",
            message=message,
            params={"ref": "R2027-00001", "status": gettext_lazy("Accepted")},
            link="/referrals/mine/",
        )
    stored = Notification.objects.get(pk=note.pk)
    assert stored.message == "Your referral %(ref)s: %(status)s"
    assert stored.params == {"ref": "R2027-00001", "status": {"msgid": "Accepted"}}
    with translation.override("en"):
        assert render_message(stored.message, stored.params) == "Your referral R2027-00001: Accepted"
    assert stored.text != "Your referral R2027-00001: Accepted"  # stored as the writer read it (Chinese)
    assert "R2027-00001" in stored.text


def test_the_same_dedupe_key_notifies_once_per_recipient(cast, reader):
    first = notify(user=reader, kind="visit_due", text="家访到期", dedupe_key="visit:1:2027-01-01")
    with writes_nothing(Notification, OutboxMessage):
        assert notify(user=reader, kind="visit_due", text="家访到期", dedupe_key="visit:1:2027-01-01") is None
    other = notify(user=cast.manager, kind="visit_due", text="家访到期", dedupe_key="visit:1:2027-01-01")
    assert first is not None and other is not None
    assert Notification.objects.filter(dedupe_key="visit:1:2027-01-01").count() == 2


def test_nobody_and_an_inactive_account_are_never_notified(cast):
    gone = UserFactory(role=Role.SOCIAL_WORKER, is_active=False, email="gone@example.org")
    with writes_nothing(Notification, OutboxMessage):
        assert notify(user=None, kind="visit_due", text="x") is None
        assert notify(user=gone, kind="visit_due", text="x") is None


def test_the_object_is_named_by_type_and_id_and_a_pledge_request_reads_pledge_request(cast, reader):
    note = notify(user=reader, kind="case_quiet", text="x", obj=cast.case)
    assert (note.object_type, note.object_id) == ("case", str(cast.case.pk))
    request = PledgeRequestFactory(case=cast.case)
    note = notify(user=cast.pledger, kind="pledge_request", text="x", obj=request)
    assert (note.object_type, note.object_id) == ("pledge-request", str(request.pk))


def test_a_long_text_is_cut_to_what_the_column_holds(reader):
    note = notify(user=reader, kind="visit_due", text="长" * 600)
    assert len(Notification.objects.get(pk=note.pk).text) == 500


def test_an_email_is_queued_in_the_outbox_only_for_an_address_that_wants_it(cast, reader):
    notify(user=reader, kind="visit_due", text="x")
    assert emails_queued() == 1
    notify(user=cast.colleague, kind="visit_due", text="x")  # no address
    notify(user=reader, kind="visit_due", text="x", email=False)
    assert emails_queued() == 1
    NotificationPreference.objects.create(user=reader, email_off_kinds=["visit_due"])
    notify(user=reader, kind="visit_due", text="x")
    assert emails_queued() == 1
    notify(user=reader, kind="volunteer_concern", text="x")  # urgent: always
    assert emails_queued() == 2


def test_who_wants_a_single_email(cast, reader):
    assert wants_single_email(reader, "visit_due")  # no preference yet
    NotificationPreference.objects.create(user=reader, daily_digest=True)
    assert not wants_single_email(reader, "visit_due")
    for urgent in ("referral_immediate", "volunteer_concern", "access_break_glass"):
        assert wants_single_email(reader, urgent)


# --- rendering -------------------------------------------------------------------------------------


def test_parameters_are_stored_as_json_values():
    assert stored_params({"n": 3, "s": "文字", "b": True, "d": 1.5, "lazy": gettext_lazy("Accepted")}) == {
        "n": 3,
        "s": "文字",
        "b": "True",
        "d": 1.5,
        "lazy": {"msgid": "Accepted"},
    }
    assert stored_params(None) == {}


def test_a_message_that_no_longer_fits_its_parameters_falls_back_to_the_stored_text():
    assert render_message("Case %(n)s is quiet", {"other": 1}, fallback="旧的文字") == "旧的文字"
    assert render_message("", {"n": 1}, fallback="旧的文字") == "旧的文字"
    assert render_message("Case %(n)s is quiet", {"other": 1}) == "Case %(n)s is quiet"


# --- reading and counting --------------------------------------------------------------------------


def test_unread_counts_what_is_neither_read_nor_resolved_and_reading_is_idempotent(cast, reader):
    first = notify(user=reader, kind="visit_due", text="a")
    notify(user=reader, kind="visit_due", text="b")
    resolved = notify(user=reader, kind="visit_due", text="c")
    Notification.objects.filter(pk=resolved.pk).update(resolved_at=first.created_at)
    notify(user=cast.colleague, kind="visit_due", text="d")
    assert unread_count(reader) == 2
    notification_mark_read(user=reader, notification=first)
    read_at = Notification.objects.get(pk=first.pk).read_at
    assert read_at is not None and unread_count(reader) == 1
    notification_mark_read(user=reader, notification=Notification.objects.get(pk=first.pk))
    assert Notification.objects.get(pk=first.pk).read_at == read_at
    from django.contrib.auth.models import AnonymousUser

    assert unread_count(AnonymousUser()) == 0


def test_marking_several_read_touches_only_my_own(cast, reader):
    mine = [notify(user=reader, kind="visit_due", text=str(n)).pk for n in range(2)]
    theirs = notify(user=cast.colleague, kind="visit_due", text="x").pk
    assert notifications_mark_read(user=reader, ids=[*mine, theirs]) == 2
    assert Notification.objects.get(pk=theirs).read_at is None
    assert notifications_mark_read(user=reader, ids=mine) == 0  # already read


# --- the calm inbox and the digest -----------------------------------------------------------------


@pytest.fixture
def inbox_rows(cast, reader):
    def on(case_id, kind):
        return notify(user=reader, kind=kind, text=kind, object_type="case", object_id=case_id)

    rows = {
        "due_1": on(1, "visit_due"),
        "quiet_1": on(1, "case_quiet"),
        "due_2": on(2, "visit_due"),
        "urgent": notify(user=reader, kind="volunteer_concern", text="!", object_type="case", object_id=1),
        "status": notify(user=reader, kind="referral_status", text="s"),
        "read_due": on(3, "visit_due"),
    }
    notification_mark_read(user=reader, notification=rows["read_due"])
    return rows


def test_the_inbox_pins_urgent_items_groups_routine_ones_per_case_and_lists_the_rest(reader, inbox_rows):
    inbox = inbox_for(reader)
    assert [n.pk for n in inbox.urgent] == [inbox_rows["urgent"].pk]
    groups = {(g.latest.object_id, g.count) for g in inbox.groups}
    assert groups == {("1", 2), ("2", 1)}
    assert {n.pk for n in inbox.rest} == {inbox_rows["status"].pk, inbox_rows["read_due"].pk}
    group = next(g for g in inbox.groups if g.latest.object_id == "1")
    assert group.latest.pk == inbox_rows["quiet_1"].pk  # the newest of the case's reminders
    with translation.override("en"):
        assert group.kind_labels == ["Cases with no activity for 30 days", "Home visits due"]


def test_the_inbox_of_one_kind_is_flat(reader, inbox_rows):
    inbox = inbox_for(reader, kind="visit_due")
    assert inbox.urgent == [] and inbox.groups == []
    assert {n.pk for n in inbox.rest} == {inbox_rows[k].pk for k in ("due_1", "due_2", "read_due")}


def test_reminders_without_an_object_are_each_their_own_group(reader):
    rows = [notify(user=reader, kind="caseload_pace", text=str(n)) for n in range(2)]
    assert [g.count for g in group_reminders(rows)] == [1, 1]


def test_the_digest_counts_urgent_grouped_and_other_items(reader, inbox_rows):
    pending = list(Notification.objects.filter(user=reader, read_at__isnull=True).order_by("-created_at", "-pk"))
    digest = digest_of(pending)
    assert [n.pk for n in digest.urgent] == [inbox_rows["urgent"].pk]
    assert sorted(g.count for g in digest.groups) == [1, 2]
    assert digest.others == 1 and digest.count == 5
