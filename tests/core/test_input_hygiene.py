"""NUL and control characters never reach the database or an export; API bodies must be objects."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alliance.models import Member
from cases.models import Child
from core.hygiene import clean_text
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_clean_text_keeps_words_tabs_and_newlines():
    assert clean_text("小\x00雪\x07\x1b\x7f\x85") == "小雪"
    assert clean_text("一行\r\n二行\t三") == "一行\n二行\t三"


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("worker", "/cases/search/?q=%00"),
        ("worker", "/cases/search/?q=%E5%B0%8F%00%01"),
        ("worker", "/cases/children/autocomplete/?q=%00"),
        ("manager", "/alliance/?q=%00"),
        ("manager", "/alliance/export/?q=%00&format=xlsx"),
        ("manager", "/cases/export/?q=%00&format=xlsx"),
    ],
)
def test_nul_in_a_search_box_is_not_a_500(cast, client_for, who, path):
    user = {"worker": cast.worker, "manager": cast.manager}[who]
    assert client_for(user).get(path).status_code == 200


@pytest.mark.parametrize("body", ["[]", "[1, 2]", '"lead_worker"', "7", "null", "true"])
def test_api_action_body_must_be_an_object(cast, api_for, body):
    lead_before = cast.case.lead_worker_id
    response = api_for(cast.manager).post(
        f"/api/v1/cases/{cast.case.pk}/assign/", data=body, content_type="application/json"
    )
    assert response.status_code == 400 and "detail" in response.json()
    cast.case.refresh_from_db()
    assert cast.case.lead_worker_id == lead_before


def test_api_strings_are_cleaned(cast, api_for):
    response = api_for(cast.manager).post(
        f"/api/v1/cases/{cast.case.pk}/assign/",
        data='{"lead_worker": "%d\\u0000"}' % cast.colleague.pk,
        content_type="application/json",
    )
    assert response.status_code == 200
    cast.case.refresh_from_db()
    assert cast.case.lead_worker_id == cast.colleague.pk


def test_a_control_character_planted_through_the_referral_form_is_removed(cast, client_for):
    response = client_for(cast.referrer).post(
        "/referrals/new/",
        {
            "child_name": "小\x0b雪\x00",
            "child_sex": "female",
            "child_age": "6",
            "location": cast.village.pk,
            "concerns": "孩子\x1b一个人\r\n在河边",
            "urgency": "soon",
            "submission_key": "hygiene-1",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.child_name == "小雪" and referral.concerns == "孩子一个人\n在河边"


def test_xlsx_exports_survive_control_characters_already_stored(cast, client_for):
    from openpyxl import load_workbook

    Member.objects.filter(pk=cast.referrer.member_id).update(name="王\x01主任")
    Child.objects.filter(pk=cast.case.child_id).update(name="小\x02雪")
    for path, expected in (("/alliance/export/?format=xlsx", "王主任"), ("/cases/export/?format=xlsx", None)):
        response = client_for(cast.manager).get(path)
        assert response.status_code == 200, path
        sheet = load_workbook(io.BytesIO(response.content)).active
        cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
        assert not any("\x01" in c or "\x02" in c for c in cells)
        if expected:
            assert expected in cells


def test_zero_byte_upload_is_told_it_is_empty(cast, client_for):
    from cases.models import CaseDocument

    empty = SimpleUploadedFile("同意书.pdf", b"", content_type="application/pdf")
    response = client_for(cast.worker).post(
        f"/cases/{cast.case.pk}/documents/", {"kind": "consent", "file": empty}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert response.status_code == 200
    assert "The file is empty (0 bytes)" in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_zero_byte_roster_is_told_it_is_empty(cast):
    from alliance.importer import _read_rows

    with pytest.raises(ValueError, match="empty"):
        _read_rows(SimpleUploadedFile("roster.xlsx", b""))
