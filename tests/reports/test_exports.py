from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from core.models import AuditEntry
from tests.factories import ChildFactory, make_case

pytestmark = pytest.mark.django_db


def test_case_list_export_escapes_formulas_and_is_audited(cast, client_for):
    make_case(lead_worker=cast.colleague, child=ChildFactory(name="=cmd|' /C calc'!A0"))
    response = client_for(cast.manager).get("/cases/export/?format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    names = [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert "'=cmd|' /C calc'!A0" in names and cast.case.child.name in names
    assert AuditEntry.objects.filter(action="export", object_type="case-list").exists()
    text = client_for(cast.manager).get("/cases/export/").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "个案编号" and any(r[1] == "'=cmd|' /C calc'!A0" for r in rows[1:])


def test_case_list_export_is_for_managers_only(cast, client_for):
    for user in (cast.worker, cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        assert client_for(user).get("/cases/export/").status_code == 403
    assert client_for(None).get("/cases/export/").status_code == 302


def test_summary_csv_for_managers_and_funders(cast, client_for, known):
    url = f"/reports/summary.csv?start={known.start}&end={known.end}&contract={known.contract}"
    for user in (cast.manager, cast.funder):
        response = client_for(user).get(url)
        assert response.status_code == 200
        rows = {(r[0], r[1]): r[2] for r in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))}
        assert rows[("cases", "total")] == "5" and rows[("promise_first", "value.total")] == "350.35"
        for name in known.names:
            assert name not in response.content.decode("utf-8-sig")
    assert client_for(cast.worker).get(url).status_code == 403
    assert client_for(cast.manager).get("/reports/summary.csv?start=2026-05-01&end=2026-01-01").status_code == 400
