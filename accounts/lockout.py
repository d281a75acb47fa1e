"""What a locked-out account is answered (django-axes calls ``lockout_response``; settings.AXES_LOCKOUT_CALLABLE).

The API answers JSON, as the contract says ("locked-out accounts say so (JSON, 429 or 403)"); pages show
the locked-out page. Both with 429 and Retry-After (the cool-off).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "detail": _(
                    "Too many failed logins: this account is locked for now. Try again later or ask your project manager."
                ),
                "code": "locked_out",
            },
            status=429,
        )
    else:
        response = render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
