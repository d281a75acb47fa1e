"""The navigation each role sees. Every app lists its own entries in ``<app>/nav.py`` as ``NAV``
(core's own are at the end of this module)."""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.roles import ROLE_APPS


@dataclass(frozen=True)
class NavItem:
    label: Any  # a lazy translation
    url_name: str
    roles: tuple[str, ...]
    order: int = 50


def nav_items_for(user: Any) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    role = user.effective_role
    items: list[tuple[int, dict[str, Any]]] = []
    for label in ROLE_APPS:
        if importlib.util.find_spec(f"{label}.nav") is None:
            continue
        module = importlib.import_module(f"{label}.nav")
        for item in getattr(module, "NAV", []):
            if role not in item.roles:
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append((item.order, {"label": item.label, "url": url, "name": item.url_name}))
    items.sort(key=lambda pair: pair[0])
    return [item for _order, item in items]


NAV = [
    NavItem(_("Home"), "home", tuple(Role.values), order=0),
    NavItem(_("System health"), "health", (Role.ADMIN,), order=90),
    NavItem(_("Audit log"), "audit-log", (Role.ADMIN,), order=91),
]
