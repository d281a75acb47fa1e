from __future__ import annotations

import io
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from alliance.models import Member

pytestmark = pytest.mark.django_db

HEADER = "姓名,界别,村,角色,电话,加入日期\n"


def _csv(text: str, name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_good_csv_is_previewed_then_imported(cast, client_for):
    client = client_for(cast.worker)
    before = Member.objects.count()
    body = (
        HEADER
        + "陈主任,妇联主席/妇女主任,七里村,转介人,13912345678,2026-03-01\n李老板,enterprise,七里村,承诺人、志愿者,,\n"
    )
    preview = client.post("/alliance/import/", {"file": _csv(body)})
    assert preview.status_code == 200 and not preview.context["has_errors"]
    assert Member.objects.count() == before  # nothing saved yet
    client.post("/alliance/import/", {"confirm": preview.context["token"]})
    assert Member.objects.count() == before + 2
    li = Member.objects.get(name="李老板")
    assert (li.sector, li.is_pledger, li.is_volunteer, li.location) == ("enterprise", True, True, cast.village)


@pytest.mark.parametrize(
    "body, problem",
    [
        (HEADER + "陈主任,妇联主席/妇女主任,火星村,转介人,13912345678,\n", "火星村"),
        (HEADER + "陈主任,妇联主席/妇女主任,七里村,转介人,12345,\n", "12345"),
        (HEADER + "=cmd|' /C calc'!A0,school,七里村,,,\n", "公式"),
        (HEADER + "陈主任,宇航员,七里村,,,\n", "宇航员"),
        ("名字,电话\n陈主任,13912345678\n", "缺少"),
    ],
)
def test_bad_rows_are_reported_and_nothing_is_saved(cast, client_for, body, problem):
    before = Member.objects.count()
    good = "王五,school,七里村,转介人,13900000000,\n"
    response = client_for(cast.worker).post("/alliance/import/", {"file": _csv(body + good)})
    assert response.status_code == 200
    assert problem in response.content.decode()
    assert "token" not in response.context or not response.context.get("token")
    assert Member.objects.count() == before


def test_a_50_mb_file_is_refused_without_saving(cast, client_for):
    big = SimpleUploadedFile("big.csv", b"a" * (50 * 1024 * 1024), content_type="text/csv")
    response = client_for(cast.worker).post("/alliance/import/", {"file": big})
    assert "5 MB" in response.content.decode() and response.context["file_errors"]


def test_xlsx_roster(cast, client_for):
    book = Workbook()
    book.active.append(["姓名", "界别", "村", "角色"])
    book.active.append(["赵医生", "hospital", "七里村", "志愿者"])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("roster.xlsx", out.getvalue())
    preview = client_for(cast.worker).post("/alliance/import/", {"file": upload})
    assert not preview.context["has_errors"] and preview.context["token"]


def test_import_is_for_staff_only(cast, client_for):
    for user in (cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        assert client_for(user).post("/alliance/import/", {"file": _csv(HEADER)}).status_code == 403


def test_member_page_and_certificate(cast, client_for, tmp_path):
    from decimal import Decimal

    from django.utils import timezone

    from resources.services import request_create, request_fulfil
    from tests.factories import PledgeFactory

    pledge = PledgeFactory(member=cast.pledger.member, valid_from=timezone.localdate().replace(day=1))
    req = request_create(actor=cast.worker, case=cast.case, pledge=pledge, need="x", what="书包")
    request_fulfil(actor=cast.worker, request=req, fulfilled_on=timezone.localdate(), value=Decimal("88.80"))
    page = client_for(cast.worker).get(f"/alliance/{cast.pledger.member_id}/")
    assert "88.80" in page.content.decode()
    pdf = client_for(cast.pledger).get(f"/alliance/{cast.pledger.member_id}/certificate/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (tmp_path / "c.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True).stdout
    assert "赵记饭馆" in text and "88.80" in text
    # a restaurant that gave no time is not thanked for "0.0 hours"; the date reads as Chinese; seal and signature
    assert "志愿服务" not in text and "小时" not in text
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日" in text
    assert "单位盖章" in text and "负责人签字" in text
    # another member may not fetch it; nor may a volunteer see the member page
    assert client_for(cast.volunteer).get(f"/alliance/{cast.pledger.member_id}/certificate/").status_code == 404
    assert client_for(cast.pledger).get(f"/alliance/{cast.pledger.member_id}/").status_code == 404


def test_member_export_escapes_formulas(cast, client_for):
    from openpyxl import load_workbook

    from tests.factories import MemberFactory

    MemberFactory(name="@SUM(A1:A9)", location=cast.village)
    response = client_for(cast.worker).get("/alliance/export/?format=xlsx")
    names = [
        row[0] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)
    ]
    assert "'@SUM(A1:A9)" in names and "王主任" in names
    assert client_for(cast.pledger).get("/alliance/export/").status_code == 403


def test_chinese_roster_imports_when_the_page_is_in_english(cast, client_for):
    client = client_for(cast.worker)
    client.post("/i18n/setlang/", {"language": "en", "next": "/alliance/import/"})
    preview = client.post("/alliance/import/", {"file": _csv(HEADER + "陈老师,学校,七里村,转介人,,\n")})
    assert not preview.context["has_errors"], [r.errors for r in preview.context["rows"]]
    assert preview.context["rows"][0].values["sector"] == "school"
