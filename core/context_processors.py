from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.nav import nav_items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"nav_items": nav_items_for(user) if user is not None else []}
