"""Unit tests of registry.services called directly: the register's dates (month ends, a quarter on,
the 18th birthday of a child born on 29 February agreeing with core.dates.age_in_years), opening,
changing and closing a file, the 18th-birthday sweep, quarterly updates and their review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.dates import age_in_years
from notifications.models import Notification
from referrals.models import Referral
from registry.models import ChildFile, Escalation, RegisterUpdate
from registry.services import (
    add_months,
    add_quarter,
    eighteenth_birthday,
    file_leave,
    file_register,
    file_turned_18,
    file_update,
    files_turning_18_ids,
    update_approve,
    update_return,
    update_submit,
)
from tests.registry.conftest import make_file
from tests.writes import last_audit, message_of, today, writes_nothing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


# --- dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29)),
        (dt.date(2027, 12, 31), 3, dt.date(2028, 3, 31)),
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
        (dt.date(2027, 3, 31), -1, dt.date(2027, 2, 28)),
        (dt.date(2027, 1, 15), -13, dt.date(2025, 12, 15)),
    ],
)
def test_months_are_added_to_the_same_day_or_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


def test_a_quarter_on_is_three_months_on():
    assert add_quarter(dt.date(2027, 11, 30)) == dt.date(2028, 2, 29)


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1)),  # 2026 is a common year
        (dt.date(2010, 3, 1), dt.date(2028, 3, 1)),
        (dt.date(2012, 2, 29), dt.date(2030, 3, 1)),
        (dt.date(2010, 2, 28), dt.date(2028, 2, 28)),
        (dt.date(2009, 12, 31), dt.date(2027, 12, 31)),
    ],
)
def test_the_18th_birthday_is_the_first_day_age_in_years_says_18(born, expected):
    assert eighteenth_birthday(born) == expected
    assert age_in_years(born, on=expected) == 18
    assert age_in_years(born, on=expected - dt.timedelta(days=1)) == 17


def test_the_sweep_finds_those_whose_18th_birthday_has_come(cast, register):
    day = today()
    eighteen = make_file(location=register.village, name="刚满十八", birth_date=dt.date(day.year - 18, day.month, 1))
    tomorrow = day + dt.timedelta(days=1)
    not_yet = make_file(
        location=register.village, name="明天满十八", birth_date=tomorrow.replace(year=tomorrow.year - 18)
    )
    ids = files_turning_18_ids(today=day)
    assert eighteen.pk in ids and not_yet.pk not in ids and register.file.pk not in ids


def test_a_file_leaves_on_the_18th_birthday_once_and_the_director_is_told(cast, register):
    born = dt.date(today().year - 18, today().month, 1)
    file = make_file(location=register.village, director=register.director, name="刚满十八", birth_date=born)
    assert file_turned_18(file_id=file.pk) is True
    stored = ChildFile.objects.get(pk=file.pk)
    assert (stored.status, stored.leave_reason, stored.left_on) == ("left", "turned_18", eighteenth_birthday(born))
    assert last_audit(stored).detail == {"left": "turned_18", "by": "task"}
    assert Notification.objects.filter(kind="registry_turned_18", user=register.director).count() == 1
    with writes_nothing(Notification):
        assert file_turned_18(file_id=file.pk) is False
    assert file_turned_18(file_id=register.file.pk) is False  # nine years old
    assert ChildFile.objects.get(pk=register.file.pk).status == "monitored"


def test_a_child_born_on_29_february_is_still_on_the_register_on_28_february_of_a_common_year(cast, register):
    file = make_file(location=register.village, name="闰日", birth_date=dt.date(2008, 2, 29))
    assert file_turned_18(file_id=file.pk, today=dt.date(2026, 2, 28)) is False
    assert file.pk not in files_turning_18_ids(today=dt.date(2026, 2, 28))
    assert file.pk in files_turning_18_ids(today=dt.date(2026, 3, 1))
    assert file_turned_18(file_id=file.pk, today=dt.date(2026, 3, 1)) is True
    assert ChildFile.objects.get(pk=file.pk).left_on == dt.date(2026, 3, 1)


# --- opening a file --------------------------------------------------------------------------------


def _register(register, **fields):
    values = {
        "actor": register.director,
        "name": "  赵小云 ",
        "birth_date": dt.date(today().year - 7, 6, 1),
        "location": register.village,
        "child_type": "left_behind",
    }
    values.update(fields)
    return file_register(**values)


def test_a_director_registers_a_child_of_her_village_and_looks_after_the_file(cast, register):
    file, created = _register(register)
    stored = ChildFile.objects.get(pk=file.pk)
    assert created and (stored.name, stored.director, stored.left_behind) == ("赵小云", register.director, True)
    assert stored.next_update_due == add_quarter(today())
    assert stored.organisation_id == register.director.organisation_id
    assert (last_audit(stored).action, last_audit(stored).user_id) == ("create", register.director.pk)


def test_the_same_key_returns_the_first_file_and_another_account_is_refused(cast, register):
    first, _ = _register(register, submission_key="phone-1")
    with writes_nothing(ChildFile):
        again, created = _register(register, submission_key="phone-1", name="别的名字")
    assert again.pk == first.pk and not created
    with writes_nothing(ChildFile), pytest.raises(ValidationError) as error:
        _register(register, actor=register.supervisor, submission_key="phone-1")
    assert message_of(error.value) == "This form was already used. Please open a new form."


def test_a_director_cannot_register_in_a_village_she_does_not_serve(cast, register):
    with writes_nothing(ChildFile), pytest.raises(PermissionDenied):
        _register(register, location=register.far_village)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  "}, "name", "Write the child's name."),
        ({"birth_date": None}, "birth_date", "Give the child's birth date."),
        ({"birth_date": "tomorrow"}, "birth_date", "The birth date cannot be in the future."),
        ({"birth_date": "eighteen"}, "birth_date", "The register is for children under 18."),
        ({"child_type": "alien"}, "child_type", "Choose the child type."),
        ({"category": "vip"}, "category", "Choose the category."),
        ({"sex": "x"}, "sex", "Choose the sex."),
        ({"guardian_situation": "x" * 5001}, "guardian_situation", "Please keep this under 5000 characters."),
        ({"director": "worker"}, "director", "Choose a children director."),
        ({"registered_on": "tomorrow"}, "registered_on", "The date cannot be in the future."),
    ],
)
def test_a_bad_file_is_refused_with_nothing_written(cast, register, fields, field, message):
    replacements = {
        "tomorrow": today() + dt.timedelta(days=1),
        "eighteen": dt.date(today().year - 18, 1, 1),  # 18 since 1 January
        "worker": cast.worker,
    }
    fields = {k: replacements.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    with writes_nothing(ChildFile), pytest.raises(ValidationError) as error:
        _register(register, **fields)
    assert message_of(error.value, field) == message


# --- changing and closing a file -------------------------------------------------------------------


def test_a_change_of_type_recomputes_the_entitlements_and_audits_the_fields(cast, register):
    file = register.file
    before = list(file.entitlements)
    file_update(actor=register.director, file=file, child_type="orphan", name=file.name)
    stored = ChildFile.objects.get(pk=file.pk)
    assert stored.child_type == "orphan" and stored.entitlements != before
    assert last_audit(stored).detail == {"fields": ["child_type", "entitlements"]}


def test_a_file_update_refuses_other_fields_other_villages_and_other_people(cast, register):
    file = register.file
    with writes_nothing(), pytest.raises(ValidationError) as error:
        file_update(actor=register.director, file=file, status="left", next_update_due=today())
    assert message_of(error.value) == "These fields cannot be changed: next_update_due, status"
    with writes_nothing(), pytest.raises(ValidationError) as error:
        file_update(actor=register.director, file=file, location=register.far_village)
    assert message_of(error.value, "location") == "You can only move a file to a village you serve."
    for outsider in (register.other_director, register.supervisor, cast.referrer):
        with writes_nothing(), pytest.raises(PermissionDenied):
            file_update(actor=outsider, file=file, name="改名")
    assert ChildFile.objects.get(pk=file.pk).location == register.village


def test_a_file_leaves_once_with_a_reason_and_a_date_in_range(cast, register):
    file = register.file
    for fields, field in (
        ({"reason": "bored"}, "leave_reason"),
        ({"reason": "moved_away", "left_on": today() + dt.timedelta(days=1)}, "left_on"),
        ({"reason": "moved_away", "left_on": file.registered_on - dt.timedelta(days=1)}, "left_on"),
    ):
        with writes_nothing(), pytest.raises(ValidationError) as error:
            file_leave(actor=register.director, file=file, **fields)
        assert field in error.value.message_dict
    file_leave(actor=register.director, file=file, reason="moved_away", left_on=file.registered_on, note="去了广州")
    stored = ChildFile.objects.get(pk=file.pk)
    assert (stored.status, stored.leave_reason, stored.left_on) == ("left", "moved_away", file.registered_on)
    assert last_audit(stored).detail == {"left": "moved_away", "note": "去了广州"}
    with writes_nothing(), pytest.raises(ValidationError) as error:
        file_leave(actor=register.director, file=stored, reason="other")
    assert message_of(error.value) == "This file has already left the register."


# --- quarterly updates -----------------------------------------------------------------------------


def _update(register, **fields):
    values = {"actor": register.director, "file": register.file, "date": today(), "summary": "  一切正常 "}
    values.update(fields)
    return update_submit(**values)


def test_an_update_waits_for_the_towns_supervisor(cast, register):
    update, created = _update(register)
    stored = RegisterUpdate.objects.get(pk=update.pk)
    assert created and (stored.summary, stored.status, stored.submitted_by) == (
        "一切正常",
        "submitted",
        register.director,
    )
    told = Notification.objects.filter(kind="registry_update_submitted")
    assert list(told.values_list("user_id", flat=True)) == [register.supervisor.pk]
    assert last_audit(stored).detail == {"file": register.file.pk}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"date": "tomorrow"}, "date", "The visit date cannot be in the future."),
        ({"date": "before"}, "date", "The visit date cannot be before the file was opened."),
        ({"summary": "   "}, "summary", "Say briefly what you saw and what changed."),
        ({"summary": "x" * 5001}, "summary", "Please keep this under 5000 characters."),
    ],
)
def test_a_bad_update_is_refused(cast, register, fields, field, message):
    if fields.get("date") == "tomorrow":
        fields["date"] = today() + dt.timedelta(days=1)
    elif fields.get("date") == "before":
        fields["date"] = register.file.registered_on - dt.timedelta(days=1)
    with writes_nothing(RegisterUpdate, Notification), pytest.raises(ValidationError) as error:
        _update(register, **fields)
    assert message_of(error.value, field) == message


def test_no_update_for_a_file_that_left_or_from_a_director_elsewhere(cast, register):
    with writes_nothing(RegisterUpdate), pytest.raises(PermissionDenied):
        _update(register, actor=register.other_director)
    file_leave(actor=register.director, file=register.file, reason="moved_away")
    register.file.refresh_from_db()
    with writes_nothing(RegisterUpdate), pytest.raises(ValidationError) as error:
        _update(register)
    assert message_of(error.value, "child") == "This file has left the register."


def test_approval_moves_the_next_update_a_quarter_past_the_visit(cast, register):
    file = register.file
    ChildFile.objects.filter(pk=file.pk).update(next_update_due=today() - dt.timedelta(days=200))
    update, _ = _update(register)
    update_approve(actor=register.supervisor, update=update, note=" 好 ")
    stored = ChildFile.objects.get(pk=file.pk)
    assert stored.last_update_on == today()
    assert stored.next_update_due > today()
    assert stored.next_update_due <= add_quarter(today())
    reviewed = RegisterUpdate.objects.get(pk=update.pk)
    assert (reviewed.status, reviewed.reviewed_by, reviewed.review_note) == ("approved", register.supervisor, "好")
    assert not Escalation.objects.exists()


def test_an_older_visit_approved_later_does_not_move_the_last_update_back(cast, register):
    recent, _ = _update(register)
    update_approve(actor=register.supervisor, update=recent)
    older, _ = _update(register, date=today() - dt.timedelta(days=10), summary="补录")
    update_approve(actor=register.supervisor, update=older)
    assert ChildFile.objects.get(pk=register.file.pk).last_update_on == today()


def test_an_approved_update_that_raised_a_risk_becomes_a_referral_once(cast, register):
    update, _ = _update(register, risk_raised=True, summary="孩子身上有伤")
    update_approve(actor=register.supervisor, update=update)
    escalation = Escalation.objects.get(update=update)
    referral = Referral.objects.get(pk=escalation.referral_id)
    assert (referral.channel, referral.status, referral.child_name) == ("children_director", "new", register.file.name)
    with writes_nothing(Referral, Escalation), pytest.raises(ValidationError):
        update_approve(actor=register.supervisor, update=update)


def test_only_the_towns_supervisor_reviews_and_a_return_needs_a_note(cast, register):
    update, _ = _update(register)
    for outsider in (register.other_supervisor, register.director):
        with writes_nothing(), pytest.raises(PermissionDenied):
            update_approve(actor=outsider, update=update)
    with writes_nothing(), pytest.raises(ValidationError) as error:
        update_return(actor=register.supervisor, update=update, note=" ")
    assert message_of(error.value, "note") == "Say what the director should check or add."
    update_return(actor=register.supervisor, update=update, note="请补充监护人情况")
    stored = RegisterUpdate.objects.get(pk=update.pk)
    assert (stored.status, stored.review_note) == ("returned", "请补充监护人情况")
    assert Notification.objects.filter(kind="registry_update_returned", user=register.director).count() == 1
    assert ChildFile.objects.get(pk=register.file.pk).last_update_on is None
    with writes_nothing(), pytest.raises(ValidationError) as error:
        update_approve(actor=register.supervisor, update=stored)
    assert message_of(error.value) == "This update was already reviewed (Returned)."
