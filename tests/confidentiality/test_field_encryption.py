"""Sensitive fields encrypted at rest (issue 15 item 5): the PostgreSQL columns hold Fernet tokens, the
application reads and shows the text, keys rotate, and rows written before encryption are encrypted
by the migration."""

from __future__ import annotations

import datetime as dt
import importlib
import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from cases.models import Activity, Child, HouseholdMember
from core.encryption import PREFIX, check_field_keys, column_rewriter, decrypt
from referrals.models import Referral
from registry.models import ChildFile, HotlineCall
from tests.factories import ActivityFactory, ChildFactory, ReferralFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "43052420160501123X"
PHONE = "13912345678"
ABUSE = "继父喝酒后用皮带打她，背上有伤"
SECRET_NOTE = "孩子说邻居对她有不当接触"
GUARDIANS = "奶奶赵桂兰，电话 13698765432"
CALLER_PHONE = "13511112222"
ORDINARY = "外婆腿脚不便"  # a note that is not sensitive: stored plain, searchable


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])  # noqa: S608
        return cursor.fetchone()[0]


def set_raw(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" SET "{column}" = %s WHERE id = %s', [value, pk])  # noqa: S608


@pytest.fixture
def planted(cast):
    child = cast.case.child
    child.id_number = ID_NUMBER
    child.save(update_fields=["id_number"])
    member = HouseholdMember.objects.create(child=child, name="赵桂兰", relation="奶奶", phone=PHONE)
    secret = ActivityFactory(case=cast.case, summary=SECRET_NOTE, sensitive=True)
    ordinary = ActivityFactory(case=cast.case, summary=ORDINARY, sensitive=False)
    referral = ReferralFactory(location=cast.village, concerns=ABUSE, caregiver_situation=GUARDIANS)
    file = ChildFile.objects.create(
        name="李小花",
        birth_date=dt.date(2015, 3, 1),
        location=cast.village,
        child_type="left_behind",
        guardian_situation=GUARDIANS,
        registered_on=timezone.localdate(),
        next_update_due=timezone.localdate() + dt.timedelta(days=90),
    )
    call = HotlineCall.objects.create(
        caller_phone=CALLER_PHONE,
        child_name="李小花",
        location=cast.village,
        summary=ABUSE,
        received_at=timezone.now(),
        taken_by=cast.worker,
    )
    return {
        ("cases_child", "id_number", child.pk): ID_NUMBER,
        ("cases_householdmember", "phone", member.pk): PHONE,
        ("cases_activity", "summary", secret.pk): SECRET_NOTE,
        ("referrals_referral", "concerns", referral.pk): ABUSE,
        ("referrals_referral", "caregiver_situation", referral.pk): GUARDIANS,
        ("registry_childfile", "guardian_situation", file.pk): GUARDIANS,
        ("registry_hotlinecall", "caller_phone", call.pk): CALLER_PHONE,
        ("registry_hotlinecall", "summary", call.pk): ABUSE,
    } | {("cases_activity", "summary", ordinary.pk): ORDINARY}


MODELS = {
    "cases_child": Child,
    "cases_householdmember": HouseholdMember,
    "cases_activity": Activity,
    "referrals_referral": Referral,
    "registry_childfile": ChildFile,
    "registry_hotlinecall": HotlineCall,
}


def test_the_columns_hold_no_plaintext_and_the_app_reads_the_text(planted):
    for (table, column, pk), text in planted.items():
        stored = raw(table, column, pk)
        if text == ORDINARY:
            continue
        assert text not in stored, (table, column)
        assert stored.startswith(PREFIX), (table, column)
        assert getattr(MODELS[table].objects.get(pk=pk), column) == text, (table, column)
    # No digit run of the ID number or the phone survives in the column (tokens are base64).
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_child WHERE id_number LIKE %s", [f"%{ID_NUMBER[:10]}%"])
        assert cursor.fetchone()[0] == 0


def test_an_ordinary_note_stays_plain_and_searchable_and_a_sensitive_one_is_found_by_the_lead(
    planted, cast, client_for
):
    ordinary_pk = next(pk for (t, _, pk), text in planted.items() if text == ORDINARY)
    assert raw("cases_activity", "summary", ordinary_pk) == ORDINARY

    def found(user, q):
        return client_for(user).get("/cases/search/", {"q": q}).context["results"]

    assert found(cast.worker, "不当接触") == [cast.case]
    assert found(cast.manager, "不当接触") == [cast.case]
    cast.case.team.add(cast.colleague)
    from cases.services import grant_case_access

    grant_case_access(case=cast.case, user=cast.colleague)
    assert found(cast.colleague, "外婆") == [cast.case]
    assert found(cast.colleague, "不当接触") == []


def test_pages_and_api_show_the_decrypted_text_to_who_may_see_it(planted, cast, client_for, api_for):
    edit = client_for(cast.worker).get(f"/cases/{cast.case.pk}/edit/")
    assert edit.status_code == 200 and ID_NUMBER in edit.content.decode()
    body = api_for(cast.worker).get("/api/v1/activities/", {"case": cast.case.pk, "sensitive": "true"}).content
    assert SECRET_NOTE in body.decode()


def test_update_and_a_second_save_encrypt_too(planted, cast):
    child = cast.case.child
    Child.objects.filter(pk=child.pk).update(id_number="110101201605011234")
    assert raw("cases_child", "id_number", child.pk).startswith(PREFIX)
    child.refresh_from_db()
    assert child.id_number == "110101201605011234"
    child.grade = "三年级"
    child.save()
    assert raw("cases_child", "id_number", child.pk).startswith(PREFIX)
    assert Child.objects.get(pk=child.pk).id_number == "110101201605011234"
    Child.objects.filter(pk=child.pk).update(id_number="")
    assert raw("cases_child", "id_number", child.pk) == ""  # nothing recorded stays nothing


def test_the_database_cannot_be_asked_to_compare_an_encrypted_field(planted):
    with pytest.raises(FieldError):
        list(Child.objects.filter(id_number=ID_NUMBER))
    with pytest.raises(FieldError):
        list(Referral.objects.filter(concerns__icontains="皮带"))
    without = ChildFactory()
    # "Is anything recorded?" still works.
    assert list(Child.objects.filter(id_number="").values_list("pk", flat=True)) == [without.pk]


def test_a_new_key_reads_the_old_rows_and_encrypt_fields_moves_every_row_to_it(planted, settings):
    old = settings.SHOUHU_FIELD_KEYS[0]
    new = Fernet.generate_key().decode()
    settings.SHOUHU_FIELD_KEYS = [new, old]
    assert Child.objects.get(pk=next(pk for (t, _, pk) in planted if t == "cases_child")).id_number == ID_NUMBER
    out = io.StringIO()
    call_command("encrypt_fields", stdout=out)
    assert "cases.Child.id_number" in out.getvalue()
    settings.SHOUHU_FIELD_KEYS = [new]  # the old key removed: everything still reads
    for (table, column, pk), text in planted.items():
        assert getattr(MODELS[table].objects.get(pk=pk), column) == text, (table, column)
        assert (text in raw(table, column, pk)) == (text == ORDINARY), (table, column)
    with override_settings(SHOUHU_FIELD_KEYS=[old]), pytest.raises(InvalidToken):
        decrypt(raw("cases_child", "id_number", next(pk for (t, _, pk) in planted if t == "cases_child")))


@pytest.mark.parametrize(
    ("app", "migration"),
    [
        ("cases", "0018_encrypt_existing_rows"),
        ("referrals", "0008_encrypt_existing_rows"),
        ("registry", "0005_encrypt_existing_rows"),
    ],
)
def test_the_migration_encrypts_rows_stored_plain_and_its_reverse_decrypts(planted, app, migration):
    columns = importlib.import_module(f"{app}.migrations.{migration}").COLUMNS
    mine = {key: text for key, text in planted.items() if key[0].startswith(app + "_") and text != ORDINARY}
    assert mine
    for (table, column, pk), text in mine.items():
        set_raw(table, column, pk, text)  # as it was stored before the fields were encrypted

    class Editor:
        connection = connection

    column_rewriter(*columns, mode="encrypt")(None, Editor())
    for (table, column, pk), text in mine.items():
        assert raw(table, column, pk).startswith(PREFIX) and text not in raw(table, column, pk), (table, column)
        assert getattr(MODELS[table].objects.get(pk=pk), column) == text
    column_rewriter(*columns, mode="decrypt")(None, Editor())
    for (table, column, pk), text in mine.items():
        assert raw(table, column, pk) == text


def test_an_ordinary_note_is_not_encrypted_by_the_migration(planted):
    ordinary_pk = next(pk for (t, _, pk), text in planted.items() if text == ORDINARY)
    columns = importlib.import_module("cases.migrations.0018_encrypt_existing_rows").COLUMNS

    class Editor:
        connection = connection

    column_rewriter(*columns, mode="encrypt")(None, Editor())
    assert raw("cases_activity", "summary", ordinary_pk) == ORDINARY


def test_a_bad_key_or_the_published_key_in_production_fails_the_checks(settings):
    assert check_field_keys() == []
    settings.SHOUHU_FIELD_KEYS = ["not-a-key"]
    assert [e.id for e in check_field_keys()] == ["shouhu.E001"]
    settings.SHOUHU_FIELD_KEYS = [settings.DEV_FIELD_KEY]
    settings.PRODUCTION = True
    assert [e.id for e in check_field_keys()] == ["shouhu.E002"]
