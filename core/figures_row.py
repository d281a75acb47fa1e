"""A page's independent figures in one statement: ``SELECT (q1) AS a, (q2) AS b, …``.

Each part is a subquery built from a Django queryset (so the visibility filters are the selectors'
own): ``count_of`` (optionally bounded, as a page's "10,000+") or ``json_rows_of`` (a short list,
e.g. a filter's choices, as JSON objects in the queryset's order). One round trip instead of one
per figure; each part keeps its own plan (PostgreSQL runs them as independent InitPlans).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import JSONObject

Part = tuple[str, tuple[Any, ...] | list[Any], bool]  # SQL, its parameters, whether it is JSON


def count_of(queryset: QuerySet, *, bound: int | None = None) -> Part:
    """How many rows (at most ``bound + 1`` when bounded: the caller shows "``bound``+")."""
    ids = queryset.order_by().values("pk")
    if bound is not None:
        ids = ids[: bound + 1]
    try:
        sql, params = ids.query.sql_with_params()
    except EmptyResultSet:  # e.g. ``.none()``: nothing to count
        return "SELECT 0", (), False
    return f"SELECT COUNT(*) FROM ({sql}) AS counted", params, False  # noqa: S608  (compiled by the ORM)


def json_rows_of(queryset: QuerySet, **fields: Any) -> Part:
    """The queryset's rows as a list of ``{name: value}`` in its order (dates as ISO strings)."""
    rows = queryset.annotate(_row=JSONObject(**fields)).values("_row")
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return "SELECT '[]'::json", (), True
    # json_agg over an ordered subquery keeps the subquery's order (no join above it to reorder it).
    return f"SELECT COALESCE(json_agg(listed._row), '[]'::json) FROM ({sql}) AS listed", params, True  # noqa: S608


def json_values_of(queryset: QuerySet) -> Part:
    """A ``values()`` queryset's rows as a list of ``{column: value}`` (e.g. counts grouped by a key)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return "SELECT '[]'::json", (), True
    return f"SELECT COALESCE(json_agg(listed), '[]'::json) FROM ({sql}) AS listed", params, True  # noqa: S608


def one_row(**parts: Part) -> dict[str, Any]:
    """Run every part in one statement; ``{name: value}`` (JSON parts decoded)."""
    names = list(parts)
    sql = "SELECT " + ", ".join(f"({parts[name][0]}) AS {name}" for name in names)
    params = [p for name in names for p in parts[name][1]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    decoded = {}
    for name, value in zip(names, row, strict=True):
        decoded[name] = json.loads(value) if parts[name][2] and isinstance(value, str) else value
    return decoded
