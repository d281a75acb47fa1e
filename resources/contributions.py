"""Promise First on an Alliance member's page and certificate: what they gave, by kind, with its value."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from alliance.models import Member
from alliance.selectors import contribution_source
from resources.models import PledgeRequest, PledgeRequestStatus


@contribution_source
def promises_fulfilled(member: Member) -> dict[str, Any]:
    """Fulfilled requests by kind with their value (database sums)."""
    fulfilled = PledgeRequest.objects.filter(pledge__member=member, status=PledgeRequestStatus.FULFILLED)
    by_kind = list(
        fulfilled.values("pledge__kind").annotate(n=Count("pk"), value=Sum("value")).order_by("pledge__kind")
    )
    return {
        "given": fulfilled.select_related("pledge").order_by("-fulfilled_on")[:50],
        "by_kind": by_kind,
        "total_value": sum((row["value"] or Decimal("0") for row in by_kind), start=Decimal("0")),
        "times": sum(row["n"] for row in by_kind),
    }
