"""The Django admin of Shouhu: for superusers only, reached through the app's own login.

The admin is a maintenance tool (places, contracts, accounts, the read-only audit log), not a way
into case files: no model that holds a child's data is registered in it (a test enforces this), so
every read of a child's record goes through the pages and the API, their access policy and their
audit. Its pages run under the same Content Security Policy as the rest (Django's admin has no inline
script or style; tests/confidentiality/test_admin.py proves it, in a browser too).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache


class ShouhuAdminSite(admin.AdminSite):
    site_header = _("Shouhu administration")
    site_title = _("Shouhu administration")

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(user.is_active and user.is_superuser)

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The app's login, with its lockout, rate limits and two-factor step, never the admin's own form."""
        next_url = request.GET.get("next") or resolve_url("admin:index")
        if request.user.is_authenticated and not self.has_permission(request):
            # Signed in without the right to the admin: the same answer as a page that is not there.
            raise Http404
        return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}")


class ShouhuAdminConfig(AdminConfig):
    default_site = "core.admin_site.ShouhuAdminSite"
