"""Cross-cutting behaviour for the API's viewsets."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from core.audit import audit_read


def _shown_ids(data: Any) -> list[Any]:
    rows = data.get("results", []) if isinstance(data, dict) and "results" in data else data
    if isinstance(rows, dict):
        rows = [rows]
    return [row["id"] for row in rows or [] if isinstance(row, dict) and "id" in row]


class AuditedReadMixin:
    """Audit what ``list`` and ``retrieve`` serialized: one row per response, ids as sent.

    Put it first among the bases; a viewset that overrides ``list`` or ``retrieve`` calls
    ``super()`` so the row is still written. ``audit_object_type`` defaults to the model's name.
    """

    audit_object_type: str = ""

    def audited_object_type(self) -> str:
        if self.audit_object_type:
            return self.audit_object_type
        queryset = getattr(self, "queryset", None)  # the class's ``Model.objects.none()``: no query
        model = queryset.model if queryset is not None else self.get_serializer_class().Meta.model  # type: ignore[attr-defined]
        return str(model._meta.model_name)

    def audit_detail(self, request: Request) -> dict[str, Any] | None:
        return None

    def _audit_response(self, request: Request, response: Response) -> Response:
        if 200 <= response.status_code < 300:
            audit_read(
                request._request,
                _shown_ids(response.data),
                self.audited_object_type(),
                self.audit_detail(request),
            )
        return response

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._audit_response(request, super().list(request, *args, **kwargs))  # type: ignore[misc]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._audit_response(request, super().retrieve(request, *args, **kwargs))  # type: ignore[misc]
