"""The calm inbox (urgent pinned and red, routine reminders one line per case, a filter by kind),
notifications rendered in the reader's language, and emails that carry no child's details."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy as lazy  # not extracted: the apps own these strings

from notifications.delivery import deliver
from notifications.models import Notification
from notifications.services import notify
from tests.factories import ChildFactory, make_case

pytestmark = pytest.mark.django_db

PLANTED = "王秘密"


@pytest.fixture
def busy(cast):
    """Xiao Chen: a volunteer's concern, an immediate referral, and three reminders on each of two cases."""
    other = make_case(lead_worker=cast.worker, child=ChildFactory(name=PLANTED))
    for case in (cast.case, other):
        for kind in ("visit_due", "case_quiet", "plan_review"):
            notify(
                user=cast.worker,
                kind=kind,
                message=lazy("Home visit due for case %(n)s (since %(d)s)."),
                params={"n": case.number, "d": "2026-11-20"},
                obj=case,
                link=f"/cases/{case.pk}/",
            )
    concern = notify(
        user=cast.worker,
        kind="volunteer_concern",
        message=lazy("Urgent: volunteer %(v)s is worried about case %(n)s: %(m)s"),
        params={"v": "孙阿姨", "n": other.number, "m": f"{PLANTED}晚上一个人在家"},
        obj=other,
        link=f"/cases/{other.pk}/",
    )
    referral = notify(
        user=cast.worker,
        kind="referral_immediate",
        message=lazy("Immediate referral %(ref)s: a child may be in danger now. Please triage at once."),
        params={"ref": "R-2026-0001"},
    )
    return {"other": other, "concern": concern, "referral": referral}


def test_urgent_items_are_pinned_on_top_and_red(cast, client_for, busy):
    response = client_for(cast.worker).get("/notifications/")
    assert response.status_code == 200
    inbox = response.context["inbox"]
    assert {n.pk for n in inbox.urgent} == {busy["concern"].pk, busy["referral"].pk}
    html = response.content.decode()
    assert html.index('data-testid="urgent"') < html.index('data-testid="reminder-groups"')
    assert html.count('data-urgent="1"') == 2 and "list-group-item-danger" in html


def test_routine_reminders_are_one_line_per_case(cast, client_for, busy):
    response = client_for(cast.worker).get("/notifications/")
    groups = response.context["inbox"].groups
    assert len(groups) == 2 and [g.count for g in groups] == [3, 3]
    assert {g.latest.object_id for g in groups} == {str(cast.case.pk), str(busy["other"].pk)}
    assert response.content.decode().count('data-testid="reminder-group"') == 2
    # nothing is shown twice: the rest holds neither the urgent nor the grouped items
    assert list(response.context["page"]) == []


def test_marking_a_group_read_marks_only_my_own(cast, client_for, busy):
    theirs = notify(user=cast.colleague, kind="visit_due", text="x", obj=cast.case)
    group = client_for(cast.worker).get("/notifications/").context["inbox"].groups[0]
    ids = [n.pk for n in group.items] + [theirs.pk]
    assert client_for(cast.worker).post("/notifications/read/", {"ids": ids}).status_code == 302
    assert Notification.objects.filter(pk__in=[n.pk for n in group.items], read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_filter_by_kind_shows_only_that_kind(cast, client_for, busy):
    response = client_for(cast.worker).get("/notifications/", {"kind": "case_quiet"})
    rows = list(response.context["page"])
    assert len(rows) == 2 and {n.kind for n in rows} == {"case_quiet"}
    assert response.context["inbox"].urgent == []
    bad = client_for(cast.worker).get("/notifications/", {"kind": "<script>"})
    assert bad.status_code == 200 and bad.context["unknown_kind"] is True


def test_a_notification_is_rendered_in_the_readers_language(cast, client_for, api_for, busy):
    note = busy["referral"]
    with translation.override("en"):
        assert note.display_text.startswith("Immediate referral R-2026-0001")
    with translation.override("zh-hans"):
        assert "R-2026-0001" in note.display_text and "Immediate" not in note.display_text
    english = client_for(cast.worker).get("/notifications/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client_for(cast.worker).get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    # the same stored row, in each reader's language
    assert "Immediate referral R-2026-0001" in english.content.decode()
    assert "Immediate referral" not in chinese.content.decode() and "R-2026-0001" in chinese.content.decode()
    english_api = api_for(cast.worker).get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert any(r["text"].startswith("Immediate referral R-2026-0001") for r in english_api["results"])


def test_a_status_parameter_is_translated_too(cast):
    from referrals.models import ReferralStatus

    note = notify(
        user=cast.worker,
        kind="referral_status",
        message=lazy("Your referral %(ref)s: %(status)s"),
        params={"ref": "R-1", "status": ReferralStatus.ACCEPTED.label},
    )
    note.refresh_from_db()
    with translation.override(None):
        assert note.params["status"] == {"msgid": str(ReferralStatus.ACCEPTED.label)}
    with translation.override("en"):
        assert note.display_text == f"Your referral R-1: {ReferralStatus.ACCEPTED.label}"


def test_an_old_row_keeps_its_stored_text(cast):
    old = Notification.objects.create(user=cast.worker, kind="visit_due", text="旧的通知文字")
    with translation.override("en"):
        assert old.display_text == "旧的通知文字"
    broken = Notification.objects.create(user=cast.worker, kind="x", text="备用", message="%(gone)s", params={})
    assert broken.display_text == "备用"


def test_notification_emails_carry_no_childs_name_or_details(cast, busy, settings):
    cast.worker.email = "chen@example.org"
    cast.worker.save(update_fields=["email"])
    mail.outbox.clear()
    for note in (busy["concern"], busy["referral"], Notification.objects.filter(kind="visit_due").first()):
        assert deliver(note.pk) is True
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        for secret in (PLANTED, busy["other"].number, "孙阿姨", "R-2026-0001"):
            assert secret not in message.subject and secret not in message.body
        assert "/notifications/" in message.body and message.body.count("http") == 1
    assert "紧急" in mail.outbox[0].subject


def test_the_daily_digest_groups_as_the_inbox_does_and_says_nothing_of_the_child(cast, busy):
    from notifications.models import NotificationPreference
    from notifications.services import KINDS
    from notifications.tasks import daily_digest

    cast.worker.email = "chen@example.org"
    cast.worker.save(update_fields=["email"])
    NotificationPreference.objects.create(user=cast.worker, daily_digest=True)
    # one more that is neither urgent nor a reminder
    notify(
        user=cast.worker, kind="referral_status", message=lazy("Referral %(ref)s was accepted."), params={"ref": "R-1"}
    )
    mail.outbox.clear()
    assert daily_digest() == 1
    (message,) = mail.outbox
    assert "9" in message.subject and "2" in message.subject  # nine wait, two of them urgent
    lines = message.body.splitlines()
    urgent = [line for line in lines if line.startswith("! ")]
    groups = [line for line in lines if line.startswith("- ")]
    # each urgent item on its own line, with its own link, before any reminder
    assert len(urgent) == 2 and lines.index(urgent[-1]) < lines.index(groups[0])
    for note in (busy["concern"], busy["referral"]):
        assert sum(f"/notifications/{note.pk}/open/" in line for line in urgent) == 1
    with translation.override("zh-hans"):
        assert any(str(KINDS["volunteer_concern"]) in line for line in urgent)
        kinds = [str(KINDS[k]) for k in ("visit_due", "case_quiet", "plan_review")]
    # three reminders on each of two cases: two lines, each saying 3 and naming the three kinds
    assert len(groups) == 2
    for line in groups:
        assert "3" in line and all(kind in line for kind in kinds)
    last_group = max(i for i, line in enumerate(lines) if line.startswith("- "))
    assert "1" in lines[last_group + 2]  # then the one other notification
    assert message.body.count("http") == 3  # the two urgent items and the inbox
    for secret in (PLANTED, busy["other"].number, cast.case.number, "孙阿姨", "R-2026-0001", "R-1"):
        assert secret not in message.subject and secret not in message.body
    # sent once: the next digest has nothing to send
    assert daily_digest() == 0


def test_reminders_a_rule_writes_are_read_in_the_readers_language(cast, client_for):
    """Rules build their rows in the sweep's language (Chinese); each row keeps its message and
    parameters, so a manager reading in English sees English (issue 14, item 3)."""
    import datetime as dt

    from django.utils import timezone

    from alliance.reminders import directors_without_meeting
    from cases.reminders import caseload_pace
    from referrals.models import Referral
    from referrals.reminders import referrals_waiting
    from tests.factories import ContractFactory, ReferralFactory

    today = timezone.localdate()
    member = cast.referrer.member
    member.responsible_worker = cast.manager
    member.save(update_fields=["responsible_worker"])
    ContractFactory(start=today - dt.timedelta(days=180), end=today + dt.timedelta(days=185), caseload_target=20)
    referral = ReferralFactory(urgency="soon", location=cast.village)
    Referral.objects.filter(pk=referral.pk).update(received_at=timezone.now() - dt.timedelta(hours=49))
    with translation.override("zh-hans"):
        directors_without_meeting(today=today.replace(day=28))
        caseload_pace(today=today)
        referrals_waiting(now=timezone.now())
    notes = Notification.objects.filter(user=cast.manager)
    assert set(notes.values_list("kind", flat=True)) == {"director_meeting_due", "caseload_pace", "referral_waiting"}
    english = client_for(cast.manager).get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client_for(cast.manager).get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for note in notes:
        assert note.message and note.text  # the words as data, and the creation-time text as fallback
        with translation.override("en"):
            assert note.display_text == note.message % note.params
            assert note.display_text in english
        with translation.override("zh-hans"):
            assert note.display_text != note.message and note.display_text in chinese
    assert f"Referral {referral.reference} is waiting past its triage limit." in english
