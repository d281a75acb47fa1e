"""The register report for funders: counts of children from 1 to 2 are suppressed (JSON, page, XLSX);
managers read exact counts; counts of places and of the people who serve them are not suppressed."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.conftest import api_as, login

pytestmark = pytest.mark.django_db
REPORT = "/api/v1/reports/registry/"


def test_a_funder_reads_no_count_of_one_or_two_children_and_a_manager_reads_them_all(cast, register):
    exact = api_as(cast.manager).get(REPORT).json()
    funded = api_as(cast.funder).get(REPORT).json()
    rows = [("total", exact["total"], funded["total"])] + [
        (f"areas.{i}", e, f) for i, (e, f) in enumerate(zip(exact["areas"], funded["areas"], strict=True))
    ]
    hidden = 0
    for path, e, f in rows:
        for key in ("children", "updates_overdue"):
            if e[key] in (1, 2):
                assert f[key] is None and f"{path}.{key}" in funded["suppressed"]
                hidden += 1
            else:
                assert f[key] == e[key]
        for key in ("towns", "villages", "supervisors", "directors", "villages_without_director"):
            assert f[key] == e[key]
    assert hidden > 0  # the fixture's register is small: its counts are 1 to 3
    assert "suppressed" not in exact


def test_the_funders_page_and_workbook_say_under_three(cast, register):
    page = login(cast.funder).get("/registry/report/").content.decode()
    assert "&lt;3" in page or "<3" in page
    workbook = login(cast.funder).get("/registry/report/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "<3" in cells
    manager_cells = [
        c.value
        for row in openpyxl.load_workbook(
            io.BytesIO(login(cast.manager).get("/registry/report/", {"format": "xlsx"}).content)
        ).active.iter_rows()
        for c in row
    ]
    assert "<3" not in manager_cells
