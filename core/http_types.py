"""Types for views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view behind ``@login_required`` receives: ``user`` is a ``User`` (never
    ``AnonymousUser``) and ``htmx`` is set by django-htmx's middleware. An annotation only:
    Django still passes its own ``HttpRequest``."""

    user: User
    htmx: HtmxDetails
