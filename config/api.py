"""The REST API's project-wide pieces, named in settings.REST_FRAMEWORK: pagination as in the contract,
and errors that never leak a 500. (Kept apart from any viewset: DRF imports it while building them.)"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.pagination import StandardPagination

__all__ = ["StandardPagination", "exception_handler"]  # settings name config.api.StandardPagination


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: Django ValidationError → 400, IntegrityError → 409, 404 without detail, and
    each field's messages as a list."""
    if isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, IntegrityError):
        return Response(
            {"detail": _("This record conflicts with existing data and was not saved.")},
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(_("You do not have permission to do this."))
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        # One shape for every 400 (the schema's FieldErrors): a field's messages are a list, also when a
        # view raised {field: "message"} outside a serializer's validation.
        exc.detail = {
            key: [value] if isinstance(value, str) and key != "code" else value for key, value in exc.detail.items()
        }
    return drf_exception_handler(exc, context)


class SchemaReaders(BasePermission):
    """The schema and the interactive docs: open on a developer's machine (DEBUG), signed-in callers
    only in production — the schema maps every endpoint and field an attacker would probe."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(settings.DEBUG or (request.user and request.user.is_authenticated))
