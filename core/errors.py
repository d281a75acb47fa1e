"""Friendly failure pages (403, 404, 500, 503) and "the database is unreachable → 503, try again".

The pages extend ``errors/base.html``, which needs no database, no user and no context processor, so
they render even when PostgreSQL is gone. Under ``/api/`` every one of them answers JSON instead
(``{"detail": …, "code": …}``, like the API's other errors). Recovery needs no restart: Django opens a
new connection on the next request (``CONN_MAX_AGE`` / ``close_if_unusable_or_obsolete``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django import db
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (db.OperationalError, db.InterfaceError)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _page(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
    if _is_api(request):
        response: HttpResponse = JsonResponse({"detail": detail, "code": code}, status=status)
    else:
        html = loader.get_template(f"{status}.html").render({"detail": detail, "status": status})
        response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
    return response


def file_missing(request: HttpRequest, detail: str | None = None) -> HttpResponse:
    """A record whose file is gone from disk (not restored, deleted by hand): a clear 404, not a 500."""
    log.error("file missing on disk for %s", request.path)
    return _page(
        request,
        404,
        "file_missing",
        detail
        or _("The file of this record is missing from the server. Tell the administrator (restore it from a backup)."),
    )


def database_unavailable(request: HttpRequest) -> HttpResponse:
    for conn in db.connections.all(initialized_only=True):
        try:
            conn.close()  # the next request opens a fresh connection
        except Exception as exc:  # noqa: BLE001
            log.debug("closing a broken connection: %s", exc)
    return _page(
        request,
        503,
        "service_unavailable",
        _("Shouhu is briefly unavailable. Nothing you saved before is lost. Please try again in a minute."),
    )


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, "permission_denied", _("You do not have permission to do this."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404, "not_found", _("This page does not exist, has moved, or is not one you may see."))


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return database_unavailable(request)
    return _page(request, 500, "server_error", _("Something went wrong on our side. It has been recorded."))


class DatabaseUnavailableMiddleware:
    """PostgreSQL unreachable → 503 with Retry-After (a page, or JSON under /api/), never a 500.

    ``process_exception`` covers views (also with DEBUG on); exceptions raised inside other
    middleware reach ``server_error`` (handler500), which answers the same 503.
    """

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        try:
            return self.get_response(request)
        except DATABASE_ERRORS:
            log.warning("database unavailable for %s", request.path)
            return database_unavailable(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            log.warning("database unavailable for %s: %s", request.path, exception)
            return database_unavailable(request)
        return None
