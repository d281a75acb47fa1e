from __future__ import annotations

import logging
from typing import Any

from django import template

register = template.Library()
log = logging.getLogger(__name__)


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    """One COUNT per page; a failure here must never break the page around it."""
    from notifications.services import unread_count

    request = context.get("request")
    try:
        return unread_count(getattr(request, "user", None))
    except Exception:  # noqa: BLE001
        log.exception("unread count failed")
        return 0
