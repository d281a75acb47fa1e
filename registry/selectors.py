"""Reads of the register: the director's list with what is due, duplicates, a town's completeness,
the register report and the civil affairs export. All start from the access policy."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from cases.permissions import cases_visible_to, sees_every_organisation
from core.dates import age_in_years
from core.models import Location
from referrals.selectors import match_child, name_match_filter
from registry.models import (
    ChildFile,
    ClaimStatus,
    EntitlementCode,
    FileEntitlement,
    FileStatus,
    RegisterUpdate,
    ServiceArea,
    UpdateStatus,
)
from registry.permissions import files_visible_to

VILLAGE_KINDS = ("village", "community")
DUE_SOON_DAYS = 14


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = (day.month - 1) // 3 * 3 + 1
    start = dt.date(day.year, first_month, 1)
    end = dt.date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def with_this_quarter(files: QuerySet[ChildFile], *, today: dt.date | None = None) -> QuerySet[ChildFile]:
    """Annotates whether the file has an update this quarter waiting for review or approved."""
    today = today or timezone.localdate()
    start, end = quarter_bounds(today)
    this_quarter = RegisterUpdate.objects.filter(file=OuterRef("pk"), date__gte=start, date__lte=end)
    return files.annotate(
        updated_this_quarter=Exists(this_quarter.filter(status=UpdateStatus.APPROVED)),
        waiting_this_quarter=Exists(this_quarter.filter(status=UpdateStatus.SUBMITTED)),
    )


def director_home(user: User, *, today: dt.date | None = None) -> list[ChildFile]:
    """A director's children on the register: overdue first, then the soonest due."""
    today = today or timezone.localdate()
    files = with_this_quarter(files_visible_to(user).filter(status=FileStatus.MONITORED), today=today)
    result = list(files.order_by("next_update_due", "name", "pk"))
    for file in result:
        overdue = file.next_update_due < today
        file.is_overdue = overdue  # type: ignore[attr-defined]  # for the template
        file.is_due_soon = not overdue and file.next_update_due <= today + dt.timedelta(days=DUE_SOON_DAYS)  # type: ignore[attr-defined]
    return result


@dataclass
class FileCandidate:
    kind: str  # "file" or "case"
    obj: Any
    name: str
    location: Any
    score: float
    reasons: list[str] = field(default_factory=list)


def file_duplicates(
    user: User, *, name: str, location: Location | None, birth_date: dt.date | None, exclude_pk: int | None = None
) -> list[FileCandidate]:
    """Files and case children the user may see who may be this child: the referrals' matcher, kept to
    alike names (in a village most children share a character or a sound with someone)."""
    if not name.strip():
        return []
    age = age_in_years(birth_date) if birth_date else None
    location_id = location.pk if location else None
    results: list[FileCandidate] = []
    files = files_visible_to(user).filter(name_match_filter(name, "location_id", location_id))
    if exclude_pk:
        files = files.exclude(pk=exclude_pk)
    for file in files.order_by("pk")[:300]:
        match = match_child(
            target_name=name,
            target_location_id=location_id,
            target_age=age,
            name=file.name,
            location_id=file.location_id,
            birth_date=file.birth_date,
        )
        if match and match[2]:
            results.append(FileCandidate("file", file, file.name, file.location, match[0], match[1]))
    from cases.models import Child

    children = Child.objects.select_related("location")
    if not sees_every_organisation(user):
        children = children.filter(pk__in=cases_visible_to(user).values("child_id"))
    for child in children.filter(name_match_filter(name, "location_id", location_id)).order_by("pk")[:300]:
        match = match_child(
            target_name=name,
            target_location_id=location_id,
            target_age=age,
            name=child.name,
            location_id=child.location_id,
            birth_date=child.birth_date,
        )
        if match and match[2]:
            results.append(FileCandidate("case", child, child.name, child.location, match[0], match[1]))
    results.sort(key=lambda c: -c.score)
    return results[:5]


@dataclass
class VillageProgress:
    village: Location
    director: str
    due: int
    updated: int
    waiting: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(100 * self.updated / self.due) if self.due else 100


def town_completeness(user: User, town: Location, *, today: dt.date | None = None) -> list[VillageProgress]:
    """Per village of the town: files on the register (due this quarter), updated (approved this
    quarter), waiting for review, overdue."""
    today = today or timezone.localdate()
    villages = list(Location.objects.filter(parent=town, kind__in=VILLAGE_KINDS).order_by("name"))
    files = with_this_quarter(
        files_visible_to(user).filter(status=FileStatus.MONITORED, location__in=villages), today=today
    )
    counts = {
        row["location_id"]: row
        for row in files.values("location_id").annotate(
            due=Count("pk"),
            updated=Count("pk", filter=Q(updated_this_quarter=True)),
            waiting=Count("pk", filter=Q(waiting_this_quarter=True)),
            overdue=Count("pk", filter=Q(next_update_due__lt=today)),
        )
    }
    directors = _directors_by_place()
    result = []
    for village in villages:
        row = counts.get(village.pk, {})
        names = ", ".join(sorted(directors.get(village.pk, [])))
        result.append(
            VillageProgress(
                village, names, row.get("due", 0), row.get("updated", 0), row.get("waiting", 0), row.get("overdue", 0)
            )
        )
    return result


def _active_area_users(role: str, organisation_ids: tuple[int, ...] | None = None) -> dict[int, set[int]]:
    """Location id → ids of active users of the role who serve it (of these organisations, if given)."""
    places: dict[int, set[int]] = defaultdict(set)
    users = User.objects.filter(role=role, is_active=True)
    areas = ServiceArea.objects.filter(user__role=role, user__is_active=True)
    if organisation_ids is not None:
        users = users.filter(organisation_id__in=organisation_ids)
        areas = areas.filter(user__organisation_id__in=organisation_ids)
    for user_id, location_id in users.filter(location__isnull=False).values_list("pk", "location_id"):
        places[location_id].add(user_id)
    for user_id, location_id in areas.values_list("user_id", "location_id"):
        places[location_id].add(user_id)
    return places


def _directors_by_place() -> dict[int, list[str]]:
    names = dict(User.objects.filter(role=Role.CHILDREN_DIRECTOR).values_list("pk", "full_name"))
    return {
        loc: [names.get(u) or "" for u in users] for loc, users in _active_area_users(Role.CHILDREN_DIRECTOR).items()
    }


REPORT_KEYS = (
    "towns",
    "villages",
    "supervisors",
    "directors",
    "villages_without_director",
    "children",
    "children_per_director",
    "updates_overdue",
)


def _per_director(children: int, directors: int) -> str:
    if not directors:
        return "0.00"
    return str((Decimal(children) / Decimal(directors)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def register_report(
    *,
    root: Location | None,
    today: dt.date | None = None,
    files: QuerySet[ChildFile] | None = None,
    organisation_ids: tuple[int, ...] | None = None,
) -> dict[str, Any]:
    """The register report of shared/api-v1.md: one row per location directly under ``root`` (the
    districts when omitted) and a total. Computed from the whole tree in memory: a city has a few
    thousand places at most. ``files`` (default: all) and ``organisation_ids`` (default: every
    organisation's directors and supervisors) are the caller's register
    (``registry.permissions.files_counted_for`` and ``register_organisation_ids``)."""
    today = today or timezone.localdate()
    places = list(Location.objects.values("pk", "name", "kind", "parent_id"))
    by_id = {p["pk"]: p for p in places}
    children_of: dict[int | None, list[int]] = defaultdict(list)
    for p in places:
        children_of[p["parent_id"]].append(p["pk"])

    def subtree(pk: int) -> list[int]:
        out, stack = [], [pk]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(children_of.get(current, []))
        return out

    if root is None:
        # The top-level places: districts first (a tree may also have a town with no district above it).
        top = sorted(children_of[None], key=lambda pk: (by_id[pk]["kind"] != "district", by_id[pk]["name"]))
        total_ids = [pk for t in top for pk in subtree(t)]
    else:
        top = sorted(children_of.get(root.pk, []), key=lambda pk: by_id[pk]["name"])
        total_ids = subtree(root.pk)

    directors = _active_area_users(Role.CHILDREN_DIRECTOR, organisation_ids)
    supervisors = _active_area_users(Role.CHILDREN_SUPERVISOR, organisation_ids)
    files = ChildFile.objects.all() if files is None else files
    file_counts: dict[int, dict[str, int]] = {
        row["location_id"]: row
        for row in files.filter(status=FileStatus.MONITORED)
        .order_by()
        .values("location_id")
        .annotate(children=Count("pk"), overdue=Count("pk", filter=Q(next_update_due__lt=today)))
    }

    def figures(ids: list[int]) -> dict[str, Any]:
        kinds = [by_id[pk]["kind"] for pk in ids]
        villages = [pk for pk in ids if by_id[pk]["kind"] in VILLAGE_KINDS]
        director_ids = set().union(*(directors.get(pk, set()) for pk in ids)) if ids else set()
        supervisor_ids = set().union(*(supervisors.get(pk, set()) for pk in ids)) if ids else set()
        children = sum(file_counts.get(pk, {}).get("children", 0) for pk in ids)
        return {
            "towns": kinds.count("town"),
            "villages": len(villages),
            "supervisors": len(supervisor_ids),
            "directors": len(director_ids),
            "villages_without_director": sum(1 for pk in villages if not directors.get(pk)),
            "children": children,
            "children_per_director": _per_director(children, len(director_ids)),
            "updates_overdue": sum(file_counts.get(pk, {}).get("overdue", 0) for pk in ids),
        }

    areas = [{"location": pk, "name": by_id[pk]["name"], **figures(subtree(pk))} for pk in top]
    return {"areas": areas, "total": figures(total_ids)}


def entitlement_figures(files: QuerySet[ChildFile]) -> list[dict[str, Any]]:
    """Per entitlement: children eligible, claimed (applied, granted or refused), granted."""
    file_list = list(files.filter(status=FileStatus.MONITORED).values_list("pk", "entitlements"))
    eligible: dict[str, int] = defaultdict(int)
    for _pk, codes in file_list:
        for code in codes or []:
            eligible[code] += 1
    claims = (
        FileEntitlement.objects.filter(file_id__in=[pk for pk, _ in file_list])
        .values("code")
        .annotate(
            claimed=Count("pk", filter=~Q(status=ClaimStatus.NOT_APPLIED)),
            granted=Count("pk", filter=Q(status=ClaimStatus.GRANTED)),
        )
    )
    by_code = {row["code"]: row for row in claims}
    labels = dict(EntitlementCode.choices)
    return [
        {
            "code": code,
            "label": labels[code],
            "eligible": eligible.get(code, 0),
            "claimed": by_code.get(code, {}).get("claimed", 0),
            "granted": by_code.get(code, {}).get("granted", 0),
        }
        for code in EntitlementCode.values
    ]


def breakdown(files: QuerySet[ChildFile]) -> dict[str, dict[str, int]]:
    monitored = files.filter(status=FileStatus.MONITORED)
    return {
        "by_child_type": dict(monitored.values_list("child_type").annotate(n=Count("pk")).order_by()),
        "by_category": dict(monitored.values_list("category").annotate(n=Count("pk")).order_by()),
    }


def files_in_area(files: QuerySet[ChildFile], area: Location | None) -> QuerySet[ChildFile]:
    if area is None:
        return files
    if area.kind in VILLAGE_KINDS:
        return files.filter(location=area)
    if area.kind == "town":
        return files.filter(location__parent=area)
    return files.filter(location__parent__parent=area)
