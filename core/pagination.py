"""Narrow-then-wide pagination: count, sort and limit ids on a join-free queryset, then fetch only
the page's rows with their joins, in one query (``WHERE id IN (<narrow ids ORDER BY … LIMIT n>)``).

``NarrowList`` is what a Django ``Paginator`` (pages) or DRF pagination (API) slices. Its cost
follows the page and the caller's visible ids, not the width of the rows or the size of the table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """The contract's pagination: 25 a page, ``page_size`` up to 200."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


class NarrowList:
    ordered = True

    def __init__(
        self, narrow: QuerySet, widen: Callable[[QuerySet], QuerySet] | None = None, *, count_bound: int | None = None
    ) -> None:
        self.narrow = narrow
        self.widen = widen or (lambda qs: qs)
        self.count_bound = count_bound
        self.model = narrow.model
        self._count: int | None = None

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
        page_ids = self.narrow.values("pk")[key]
        wide = self.widen(self.model._default_manager.filter(pk__in=page_ids))
        if not wide.query.order_by:
            wide = wide.order_by(*self.ordering)
        return list(wide)


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
