"""Narrow-then-wide pagination: count, sort and limit ids on a join-free queryset, then fetch only
the page's rows with their joins, in one query (``WHERE id IN (<narrow ids ORDER BY … LIMIT n>)``).

``NarrowList`` is what a Django ``Paginator`` (pages) or DRF pagination (API) slices. Its cost
follows the page and the caller's visible ids, not the width of the rows or the size of the table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """The contract's pagination: 25 a page, ``page_size`` up to 200."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


class NarrowList:
    """``groups``: conditions that split the rows into consecutive groups (rows of the first group
    first), each in the narrow order, e.g. a caseload's overdue / due today / later as ranges of a
    date. A page then reads each group's first rows by the index matching the narrow order (one
    ``ORDER BY … LIMIT`` per group, combined by ``UNION ALL``) instead of sorting every row by a
    computed group. ``count``: the count when the caller already has it (counted in the same
    statement as the page's other figures)."""

    ordered = True

    def __init__(
        self,
        narrow: QuerySet,
        widen: Callable[[QuerySet], QuerySet] | None = None,
        *,
        count_bound: int | None = None,
        groups: Sequence[Q] = (),
        count: int | None = None,
    ) -> None:
        self.narrow = narrow
        self.widen = widen or (lambda qs: qs)
        self.count_bound = count_bound
        self.groups = tuple(groups)
        self.model = narrow.model
        self._count: int | None = None
        if count is not None:
            self._count = count if count_bound is None else min(count, count_bound + 1)

    @property
    def ordering(self) -> tuple[str, ...]:
        return tuple(self.narrow.query.order_by) or tuple(self.model._meta.ordering) or ("pk",)

    def count(self) -> int:
        """Exact up to ``count_bound``; beyond it ``count_bound + 1`` (see ``count_is_capped``)."""
        if self._count is None:
            ids = self.narrow.order_by().values("pk")
            self._count = ids.count() if self.count_bound is None else ids[: self.count_bound + 1].count()
        return self._count

    @property
    def count_is_capped(self) -> bool:
        return self.count_bound is not None and self.count() > self.count_bound

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: Any) -> Any:
        if not isinstance(key, slice):
            rows = self[key : key + 1]
            if not rows:
                raise IndexError(key)
            return rows[0]
        page_ids = self._grouped_ids(key) if self.groups else self.narrow.values("pk")[key]
        wide = self.widen(self.model._default_manager.filter(pk__in=page_ids))
        if not wide.query.order_by:
            wide = wide.order_by(*self.ordering)
        return list(wide)

    def _grouped_ids(self, key: slice) -> RawSQL:
        """``(group 0 ORDER BY … LIMIT stop) UNION ALL (group 1 …) …`` ordered by group, then the
        narrow order, and cut to the slice: every branch is an index range read in order."""
        start, stop = key.start or 0, key.stop
        order = self.ordering
        keys = {f"o{i}": F(field.removeprefix("-")) for i, field in enumerate(order)}
        directions = ", ".join(f"o{i}{' DESC' if field.startswith('-') else ''}" for i, field in enumerate(order))
        branches, params = [], []
        for n, group in enumerate(self.groups):
            branch = self.narrow.filter(group).annotate(row_id=F("pk"), grp=Value(n), **keys)
            branch = branch.values("row_id", "grp", *keys)
            try:
                sql, branch_params = (branch[:stop] if stop is not None else branch).query.sql_with_params()
            except EmptyResultSet:  # ``.none()``: a branch of no rows
                continue
            branches.append(f"({sql})")
            params.extend(branch_params)
        if not branches:
            return RawSQL("SELECT NULL::integer WHERE false", ())  # noqa: S611  (no rows at all)
        limit = f" LIMIT {int(stop) - int(start)}" if stop is not None else ""
        sql = (
            f"SELECT grouped.row_id FROM ({' UNION ALL '.join(branches)}) AS grouped "  # noqa: S608  (compiled by the ORM)
            f"ORDER BY grouped.grp, {directions} OFFSET {int(start)}{limit}"
        )
        return RawSQL(sql, params)  # noqa: S611  (the ORM compiled every branch; only ints are formatted in)


class BoundedPaginator(Paginator):
    """A Paginator whose count stays cheap: exact up to the list's bound, then shown as "10,000+"."""

    @property
    def count_is_capped(self) -> bool:
        return bool(getattr(self.object_list, "count_is_capped", False))


class NarrowPagination(StandardPagination):
    """DRF pagination for views with ``widen_page(queryset)``: narrow ids first, then the rows.

    The ``count`` of the response stays exact (the API contract); it is counted over ids only."""

    def paginate_queryset(self, queryset: QuerySet, request: Any, view: Any = None) -> list | None:
        widen = getattr(view, "widen_page", None)
        return super().paginate_queryset(NarrowList(queryset, widen), request, view)
