"""Reads of the service directory: search by need and place, and what each town has and lacks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from core.models import Location, LocationKind
from organisations.models import Service, ServiceKind


def services_visible_to(user: Any) -> QuerySet[Service]:
    """The directory is the city's common map of help: every signed-in, active user reads it."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return Service.objects.none()
    return (
        Service.objects.filter(is_active=True)
        .select_related("organisation", "organisation__location")
        .prefetch_related("areas")
    )


def place_and_above(location: Location) -> list[int]:
    """The place and every place it lies in (village → town → district): a service covering any of
    them serves the place."""
    ids: list[int] = []
    node: Location | None = location
    while node is not None and len(ids) < 10:
        ids.append(node.pk)
        node = node.parent
    return ids


def service_search(user: Any, *, kind: str = "", location: Location | None = None, text: str = "") -> QuerySet[Service]:
    """Services for a need (``kind``) at a place (those covering it or a place it lies in)."""
    services = services_visible_to(user)
    if kind:
        services = services.filter(kind=kind)
    if location is not None:
        services = services.filter(areas__in=place_and_above(location)).distinct()
    text = text.strip()[:100]
    if text:
        services = services.filter(
            Q(name__icontains=text) | Q(organisation__name__icontains=text) | Q(description__icontains=text)
        )
    return services.order_by("kind", "name", "pk")


@dataclass
class KindCoverage:
    kind: str
    label: str
    whole: list[Service] = field(default_factory=list)  # cover the whole town (the town or its district)
    part: list[Service] = field(default_factory=list)  # cover some of its villages only

    @property
    def missing(self) -> bool:
        return not self.whole and not self.part


def town_coverage(user: Any, town: Location) -> list[KindCoverage]:
    """For every kind of service: what serves the whole town, what serves only some of its villages,
    and (``missing``) the kinds nothing serves."""
    above = set(place_and_above(town))
    villages = set(Location.objects.filter(parent=town).values_list("pk", flat=True))
    rows = {kind: KindCoverage(kind=kind, label=str(label)) for kind, label in ServiceKind.choices}
    for service in services_visible_to(user).filter(areas__in=above | villages).distinct().order_by("name", "pk"):
        covered = {area.pk for area in service.areas.all()}
        (rows[service.kind].whole if covered & above else rows[service.kind].part).append(service)
    return list(rows.values())


def towns() -> QuerySet[Location]:
    return Location.objects.filter(kind=LocationKind.TOWN).select_related("parent").order_by("name", "pk")
