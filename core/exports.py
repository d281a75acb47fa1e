"""Spreadsheet exports: CSV and XLSX from rows, with formula-looking cells neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

from core.hygiene import clean_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell that starts like a formula is written as text (prefixed with an apostrophe); control
    characters (which openpyxl refuses with IllegalCharacterError) are removed."""
    if isinstance(value, str):
        if value.startswith(FORMULA_START):
            value = "'" + value
        return clean_text(value)
    return value


def export_response(*, rows: Iterable[Sequence[Any]], header: Sequence[str], filename: str, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append([safe_cell(h) for h in header])
        for row in rows:
            sheet.append([safe_cell(v) if isinstance(v, str) else v for v in row])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        out = io.StringIO()
        out.write("\ufeff")  # Excel opens UTF-8 Chinese correctly with a BOM
        writer = csv.writer(out)
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([safe_cell(v) if isinstance(v, str) else v for v in row])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        fmt = "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
